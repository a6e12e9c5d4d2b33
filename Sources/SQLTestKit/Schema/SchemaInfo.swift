/// The tables, columns and foreign keys of a live SQLite database, read through its pragmas.
/// Fixture loading, checking and dumping work from it, so fixtures are always checked against
/// the schema the database really has.
struct SchemaInfo: Sendable {
    struct Column: Sendable, Hashable {
        var name: String
        /// The type as declared (`INTEGER`, `VARCHAR(40)`, `BOOLEAN`, or empty).
        var declaredType: String
        var kind: ColumnKind
        var notNull: Bool
        var hasDefault: Bool
        /// 1-based position in the primary key, 0 when not part of it.
        var primaryKeyPosition: Int
        /// A generated column: computed by the database, never inserted.
        var isGenerated: Bool
    }

    struct ForeignKey: Sendable, Hashable {
        /// The referencing columns, in key order.
        var columns: [String]
        var parentTable: String
        /// The referenced columns, in key order (the parent's primary key when the schema names none).
        var parentColumns: [String]
    }

    struct Table: Sendable {
        var name: String
        var columns: [Column]
        var foreignKeys: [ForeignKey]
        /// Column positions by exact name and by lowercased name (SQLite names are case-insensitive).
        private var positions: [String: Int] = [:]

        init(name: String, columns: [Column], foreignKeys: [ForeignKey]) {
            self.name = name
            self.columns = columns
            self.foreignKeys = foreignKeys
            for (index, column) in columns.enumerated() {
                positions[column.name] = index
                positions[column.name.asciiLowercased] = positions[column.name.asciiLowercased] ?? index
            }
        }

        func position(of column: String) -> Int? {
            positions[column] ?? positions[column.asciiLowercased]
        }

        /// Primary key columns in key order.
        var primaryKey: [Column] {
            columns.filter { $0.primaryKeyPosition > 0 }.sorted { $0.primaryKeyPosition < $1.primaryKeyPosition }
        }

        /// The column that aliases the rowid (`INTEGER PRIMARY KEY`), which SQLite fills when a
        /// row leaves it out.
        var rowidAlias: Column? {
            let key = primaryKey
            guard key.count == 1, key[0].declaredType.asciiUppercased == "INTEGER" else { return nil }
            return key[0]
        }
    }

    /// Tables in the order the schema created them.
    var tables: [Table]
    private var byName: [String: Int] = [:]

    init(tables: [Table]) {
        self.tables = tables
        for (index, table) in tables.enumerated() {
            byName[table.name] = index
            byName[table.name.asciiLowercased] = byName[table.name.asciiLowercased] ?? index
        }
    }

    func table(named name: String) -> Table? {
        (byName[name] ?? byName[name.asciiLowercased]).map { tables[$0] }
    }

    /// Reads the schema of `db`'s main database.
    static func read(from db: any DatabaseConnection) async throws -> SchemaInfo {
        let names = try await db.fetchAll(SQLQuery(sql: """
            SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
            """))
        var tables: [Table] = []
        for row in names {
            guard case .text(let name) = row[0] else { continue }
            var columns: [Column] = []
            for info in try await db.fetchAll(SQLQuery(sql: "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)",
                                                       arguments: [.text(name)])) {
                let hidden = info[5].integerValue ?? 0
                if hidden == 1 { continue }   // hidden columns of virtual tables
                let declared = info[1].textValue ?? ""
                columns.append(Column(name: info[0].textValue ?? "", declaredType: declared, kind: ColumnKind(declaredType: declared),
                                      notNull: info[2].integerValue == 1, hasDefault: info[3] != .null,
                                      primaryKeyPosition: Int(info[4].integerValue ?? 0), isGenerated: hidden >= 2))
            }
            var keys: [Int64: ForeignKey] = [:]
            var order: [Int64] = []
            for info in try await db.fetchAll(SQLQuery(sql: "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                                                       arguments: [.text(name)])) {
                let id = info[0].integerValue ?? 0
                if keys[id] == nil {
                    keys[id] = ForeignKey(columns: [], parentTable: info[1].textValue ?? "", parentColumns: [])
                    order.append(id)
                }
                keys[id]?.columns.append(info[2].textValue ?? "")
                if let to = info[3].textValue { keys[id]?.parentColumns.append(to) }
            }
            tables.append(Table(name: name, columns: columns, foreignKeys: order.compactMap { keys[$0] }))
        }
        var schema = SchemaInfo(tables: tables)
        // A foreign key that names no parent columns references the parent's primary key.
        for tableIndex in schema.tables.indices {
            for keyIndex in schema.tables[tableIndex].foreignKeys.indices {
                let key = schema.tables[tableIndex].foreignKeys[keyIndex]
                if key.parentColumns.isEmpty, let parent = schema.table(named: key.parentTable) {
                    schema.tables[tableIndex].foreignKeys[keyIndex].parentColumns = parent.primaryKey.map(\.name)
                }
            }
        }
        return schema
    }
}
