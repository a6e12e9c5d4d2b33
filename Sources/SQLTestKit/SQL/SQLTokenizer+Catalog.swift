extension SQLTokenizer {
    /// Whether a statement only reads the database's own catalog: SQLite's `sqlite_schema`
    /// (`sqlite_master`, and their temp twins) or `pragma_…` table-valued functions,
    /// PostgreSQL's `information_schema` and `pg_catalog`. ORMs read these to learn the schema,
    /// and only while their schema cache is cold, so a statement log counts them as noise.
    ///
    /// ```swift
    /// SQLTokenizer.readsOnlyCatalog("SELECT sql FROM sqlite_master WHERE name = ?")   // true
    /// SQLTokenizer.readsOnlyCatalog("SELECT * FROM book")                             // false
    /// ```
    public static func readsOnlyCatalog(_ sql: String) -> Bool {
        // Most statements never name a catalog: decided without tokenizing.
        let lowered = sql.lowercased()
        guard lowered.contains("sqlite_") || lowered.contains("pragma_") || lowered.contains("information_schema")
                || lowered.contains("pg_") else { return false }
        guard StatementKind(sql: sql) == .select else { return false }
        let tables = tableReferences(in: sql)
        if tables.isEmpty {
            // Only table-valued functions: `SELECT * FROM pragma_table_info('book')`.
            return tokenize(sql).contains { $0.kind == .word && $0.text.lowercased().hasPrefix("pragma_") }
        }
        return tables.allSatisfy(isCatalog)
    }

    /// Whether a table reference names a catalog table.
    static func isCatalog(_ table: TableReference) -> Bool {
        let name = table.name.lowercased()
        let schema = table.schema?.lowercased()
        if schema == "information_schema" || schema == "pg_catalog" { return true }
        return ["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"].contains(name)
            || (schema == nil && name.hasPrefix("pg_"))
    }
}
