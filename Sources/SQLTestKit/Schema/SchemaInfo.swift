/// The tables, columns and foreign keys of a live database, read through its driver's catalog
/// (``DatabaseCatalog``: SQLite's pragmas, PostgreSQL's `pg_catalog`).
/// Fixture loading, checking and dumping work from it, so fixtures are always checked against
/// the schema the database really has.
package struct SchemaInfo: Sendable {
    package struct Column: Sendable, Hashable {
        package var name: String
        /// The type as declared (`INTEGER`, `VARCHAR(40)`, `BOOLEAN`, or empty).
        package var declaredType: String
        package var kind: ColumnKind
        package var notNull: Bool
        package var hasDefault: Bool
        /// 1-based position in the primary key, 0 when not part of it.
        package var primaryKeyPosition: Int
        /// A generated column: computed by the database, never inserted.
        package var isGenerated: Bool
        /// The sequence that numbers the column (PostgreSQL's serial and identity columns),
        /// moved past the largest value after a fixture load.
        package var sequence: String?
        /// The largest integer the column holds, when its type is narrower than 64 bits
        /// (PostgreSQL's `smallint` and `integer`): keys derived from labels are kept below it.
        package var integerMaximum: Int64?

        package init(name: String, declaredType: String, kind: ColumnKind, notNull: Bool, hasDefault: Bool, primaryKeyPosition: Int,
                     isGenerated: Bool, sequence: String? = nil) {
            self.name = name
            self.declaredType = declaredType
            self.kind = kind
            self.notNull = notNull
            self.hasDefault = hasDefault
            self.primaryKeyPosition = primaryKeyPosition
            self.isGenerated = isGenerated
            self.sequence = sequence
        }
    }

    package struct ForeignKey: Sendable, Hashable {
        /// The referencing columns, in key order.
        package var columns: [String]
        package var parentTable: String
        /// The referenced columns, in key order (the parent's primary key when the schema names none).
        package var parentColumns: [String]

        package init(columns: [String], parentTable: String, parentColumns: [String]) {
            self.columns = columns
            self.parentTable = parentTable
            self.parentColumns = parentColumns
        }
    }

    package struct Table: Sendable {
        package var name: String
        package var columns: [Column]
        package var foreignKeys: [ForeignKey]
        /// Column positions by exact name and by lowercased name (SQLite names are case-insensitive).
        private var positions: [String: Int] = [:]

        package init(name: String, columns: [Column], foreignKeys: [ForeignKey]) {
            self.name = name
            self.columns = columns
            self.foreignKeys = foreignKeys
            for (index, column) in columns.enumerated() {
                positions[column.name] = index
                positions[column.name.asciiLowercased] = positions[column.name.asciiLowercased] ?? index
            }
        }

        package func position(of column: String) -> Int? {
            positions[column] ?? positions[column.asciiLowercased]
        }

        /// Primary key columns in key order.
        package var primaryKey: [Column] {
            columns.filter { $0.primaryKeyPosition > 0 }.sorted { $0.primaryKeyPosition < $1.primaryKeyPosition }
        }

        /// Whether the table has SQLite's rowid, which an `INTEGER PRIMARY KEY` names.
        package var hasRowid = true

        /// The column that aliases the rowid (`INTEGER PRIMARY KEY`), which SQLite fills when a
        /// row leaves it out.
        var rowidAlias: Column? {
            guard hasRowid else { return nil }
            let key = primaryKey
            guard key.count == 1, key[0].declaredType.asciiUppercased == "INTEGER" else { return nil }
            return key[0]
        }
    }

    /// Tables in the order the schema created them.
    package var tables: [Table]
    private var byName: [String: Int] = [:]

    package init(tables: [Table]) {
        self.tables = tables
        for (index, table) in tables.enumerated() {
            byName[table.name] = index
            byName[table.name.asciiLowercased] = byName[table.name.asciiLowercased] ?? index
        }
    }

    package func table(named name: String) -> Table? {
        (byName[name] ?? byName[name.asciiLowercased]).map { tables[$0] }
    }

    /// Reads the schema of `db`'s main database.
    /// The schema of the database behind `db`, read through its driver's catalog.
    nonisolated(nonsending)
    package static func read(from db: any DatabaseConnection) async throws -> SchemaInfo {
        try await db.catalog.schema(of: db)
    }

    /// A foreign key that names no parent columns references the parent's primary key.
    package mutating func resolveImplicitParentColumns() {
        for tableIndex in tables.indices {
            for keyIndex in tables[tableIndex].foreignKeys.indices {
                let key = tables[tableIndex].foreignKeys[keyIndex]
                if key.parentColumns.isEmpty, let parent = table(named: key.parentTable) {
                    tables[tableIndex].foreignKeys[keyIndex].parentColumns = parent.primaryKey.map(\.name)
                }
            }
        }
    }
}
