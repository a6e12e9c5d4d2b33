extension SchemaInfo {
    /// Drops every table, view, index and trigger of `db`'s main database inside the caller's
    /// transaction, so a reset that is part of a larger unit (reset, schema, fixtures) is undone
    /// with it when anything later fails. (``SQLiteDriver/resetDatabase(allowingNonTestDatabase:)``
    /// is the standalone form: faster, but it cannot run inside a transaction.)
    ///
    /// Foreign keys are deferred for the rest of the transaction: dropping a parent table
    /// before its children would otherwise fail on the rows that reference it.
    nonisolated(nonsending)
    static func dropEverything(on db: any DatabaseConnection) async throws {
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
}
