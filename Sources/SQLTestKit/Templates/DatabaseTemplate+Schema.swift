extension DatabaseTemplate {
    /// The statements that create `db`'s schema (tables, indexes, views, triggers), in the
    /// order SQLite created them, as one script: what a template needs to rebuild it empty.
    ///
    /// ```swift
    /// let template = DatabaseTemplate(schema: try await DatabaseTemplate.schema(of: db))
    /// ```
    nonisolated(nonsending)
    public static func schema(of db: any DatabaseConnection) async throws -> String {
        try await db.fetchAll(SQLQuery(sql: """
            SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
            """)).compactMap { $0[0].textValue }.map { $0 + ";\n" }.joined()
    }
}
