import Foundation

/// SQLite's catalog: `sqlite_schema` and the pragmas.
package struct SQLiteCatalog: DatabaseCatalog {
    package init() {}

    nonisolated(nonsending)
    package func schema(of db: any DatabaseConnection) async throws -> SchemaInfo {
        let names = try await db.fetchAll(SQLQuery(sql: """
            SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
            """))
        var tables: [SchemaInfo.Table] = []
        for row in names {
            guard case .text(let name) = row[0] else { continue }
            var columns: [SchemaInfo.Column] = []
            for info in try await db.fetchAll(SQLQuery(sql: "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)",
                                                       arguments: [.text(name)])) {
                let hidden = info[5].integerValue ?? 0
                if hidden == 1 { continue }   // hidden columns of virtual tables
                let declared = info[1].textValue ?? ""
                columns.append(SchemaInfo.Column(name: info[0].textValue ?? "", declaredType: declared, kind: ColumnKind(declaredType: declared),
                                      notNull: info[2].integerValue == 1, hasDefault: info[3] != .null,
                                      primaryKeyPosition: Int(info[4].integerValue ?? 0), isGenerated: hidden >= 2))
            }
            var keys: [Int64: SchemaInfo.ForeignKey] = [:]
            var order: [Int64] = []
            for info in try await db.fetchAll(SQLQuery(sql: "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                                                       arguments: [.text(name)])) {
                let id = info[0].integerValue ?? 0
                if keys[id] == nil {
                    keys[id] = SchemaInfo.ForeignKey(columns: [], parentTable: info[1].textValue ?? "", parentColumns: [])
                    order.append(id)
                }
                keys[id]?.columns.append(info[2].textValue ?? "")
                if let to = info[3].textValue { keys[id]?.parentColumns.append(to) }
            }
            tables.append(SchemaInfo.Table(name: name, columns: columns, foreignKeys: order.compactMap { keys[$0] }))
        }
        var schema = SchemaInfo(tables: tables)
        schema.resolveImplicitParentColumns()
        return schema
    }

    nonisolated(nonsending)
    package func hasTables(_ db: any DatabaseConnection) async throws -> Bool {
        try await db.fetchOne(SQLQuery(sql: "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) != nil
    }

    nonisolated(nonsending)
    package func dropEverything(on db: any DatabaseConnection) async throws {
        try await db.execute(SQLQuery(sql: "PRAGMA defer_foreign_keys = ON"))
        let objects = try await db.fetchAll(SQLQuery(sql: """
            SELECT type, name FROM sqlite_schema
            WHERE type IN ('trigger', 'view', 'table') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid DESC
            """))
        for object in objects {
            guard case .text(let type) = object[0], case .text(let name) = object[1] else { continue }
            try await db.execute(SQLQuery(sql: "DROP \(type.asciiUppercased) IF EXISTS \(DatabaseDialect.sqlite.quoteIdentifier(name))"))
        }
        // AUTOINCREMENT counters and statistics outlive their tables unless emptied.
        for bookkeeping in ["sqlite_sequence", "sqlite_stat1", "sqlite_stat4"] {
            let exists = try await db.fetchOne(SQLQuery(sql: "SELECT 1 FROM sqlite_schema WHERE name = ?", arguments: [.text(bookkeeping)])) != nil
            if exists { try await db.execute(SQLQuery(sql: "DELETE FROM \(bookkeeping)")) }
        }
        try await db.execute(SQLQuery(sql: "PRAGMA user_version = 0"))
    }

    nonisolated(nonsending)
    package func checkIsTestDatabase(_ db: any DatabaseConnection, operation: String, overrideHint: String) async throws {
        let path = try await db.fetchOne(SQLQuery(sql: "SELECT file FROM pragma_database_list WHERE name = 'main'"))?[0].textValue ?? ""
        // In-memory databases (`:memory:` and memdb names) have no file on disk.
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path) else { return }
        let marker = try await db.fetchOne(SQLQuery(sql: "PRAGMA application_id"))?[0].integerValue
        try TestDatabasePolicy.check(operation: operation, path: path, hasMarker: marker == Int64(SQLiteHandle.testDatabaseMarker),
                                     override: false, overrideHint: overrideHint)
    }

    nonisolated(nonsending)
    package func deferForeignKeys(on db: any DatabaseConnection) async throws -> DeferredForeignKeys {
        let deferred = try await db.fetchOne(SQLQuery(sql: "PRAGMA defer_foreign_keys"))?[0].integerValue ?? 0
        try await db.execute(SQLQuery(sql: "PRAGMA defer_foreign_keys = ON"))
        return DeferredForeignKeys(restore: SQLQuery(sql: "PRAGMA defer_foreign_keys = \(deferred == 0 ? "OFF" : "ON")"))
    }

    nonisolated(nonsending)
    package func foreignKeyViolations(on db: any DatabaseConnection, tables: [SchemaInfo.Table], limit: Int) async throws -> [ForeignKeyViolation] {
        let violations = try await db.fetchAll(SQLQuery(sql: "PRAGMA foreign_key_check")).prefix(limit)
        var found: [ForeignKeyViolation] = []
        for violation in violations {
            let name = violation[0].textValue ?? ""
            var key: [SQLValue]?
            if let table = tables.first(where: { $0.name == name }), case .integer(let rowid) = violation[1], !table.primaryKey.isEmpty {
                let quoted = table.primaryKey.map { DatabaseDialect.sqlite.quoteIdentifier($0.name) }.joined(separator: ", ")
                key = try await db.fetchOne(SQLQuery(sql: "SELECT \(quoted) FROM \(DatabaseDialect.sqlite.quoteIdentifier(table.name)) WHERE rowid = ?",
                                                     arguments: [.integer(rowid)]))?.values
            }
            // pragma_foreign_key_list's `id` order, which `foreignKeys` keeps.
            found.append(ForeignKeyViolation(table: name, primaryKey: key, parentTable: violation[2].textValue ?? "",
                                             foreignKeyIndex: Int(violation[3].integerValue ?? 0)))
        }
        return found
    }

    /// SQLite numbers an `INTEGER PRIMARY KEY` from the largest stored key, and AUTOINCREMENT's
    /// counter follows explicit keys: nothing to move.
    nonisolated(nonsending)
    package func advanceSequences(on db: any DatabaseConnection, tables: [SchemaInfo.Table]) async throws {}

    /// A private in-memory database built from `db`'s creation SQL.
    nonisolated(nonsending)
    package func withEmptyCopy<Result>(of db: any DatabaseConnection, _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        try await FixtureSet.withScratchDatabase(schema: try await DatabaseTemplate.schema(of: db), body)
    }

    nonisolated(nonsending)
    package func creationScript(of db: any DatabaseConnection, tables: Set<String>?) async throws -> String {
        let objects = try await db.fetchAll(SQLQuery(sql: """
            SELECT type, name, tbl_name, sql FROM sqlite_schema
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid
            """))
        var statements: [String] = []
        for object in objects {
            guard case .text(let type) = object[0], case .text(let owner) = object[2], case .text(let sql) = object[3] else { continue }
            if let tables, type == "view" || !tables.contains(owner.asciiLowercased) { continue }
            statements.append(sql + ";")
        }
        return "-- schema written by sqltestkit dump\n" + statements.joined(separator: "\n") + "\n"
    }
}
