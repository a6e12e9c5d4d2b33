extension FixtureSet {
    /// The rows `table` holds once these fixtures are loaded, exactly as SQLite returns them
    /// (every column in schema order, defaults filled, labels turned into keys), ready to be
    /// scripted into a ``MockDriver``. The fixtures are loaded into a private in-memory copy of
    /// `schema` (default: the directory's `schema.sql`); throws ``FixtureError`` when they do
    /// not load or `table` has no rows file.
    ///
    /// ```swift
    /// let fixtures = try FixtureSet(directory: "Fixtures")
    /// mock.script("SELECT * FROM author", answer: .rows(try await fixtures.rows(of: "author")))
    /// ```
    nonisolated(nonsending)
    public func rows(of table: String, schema: String? = nil) async throws -> [ResultRow] {
        guard let file = file(for: table) else {
            let closest = Suggestions.closest(to: table, in: tables)
            throw FixtureError(problems: [FixtureProblem(
                kind: .unknownTable, message: "no fixture file gives rows to `\(table)`", file: table, table: table,
                suggestion: closest.map { "did you mean `\($0)`?" } ?? "fixture tables: \(FixturePlan.list(tables))")])
        }
        guard let schema = schema ?? schemaSQL else {
            throw FixtureError(problems: [FixtureProblem(
                kind: .unreadableFile, message: "no schema to load the fixtures into", file: file.path, table: table,
                suggestion: "put the schema in the fixture directory's \(Self.schemaFileName), or pass schema:")])
        }
        return try await Self.withScratchDatabase(schema: schema) { db in
            try await load(into: db)
            let select = "SELECT * FROM \(DatabaseDialect.sqlite.quoteIdentifier(file.table))"
            do {
                return try await db.fetchAll(SQLQuery(sql: select + " ORDER BY rowid"))
            } catch let error as QueryError where error.code == .error {
                return try await db.fetchAll(SQLQuery(sql: select))   // a WITHOUT ROWID table
            }
        }
    }
}
