extension FixtureSet {
    /// Every problem in these fixtures against `schema`, without touching any database of
    /// yours: the schema is built in a private in-memory database, the rows are resolved against
    /// it (types, labels, references, NOT NULL columns) and inserted there, so UNIQUE, CHECK and
    /// foreign-key violations are found too. Returns an empty list when the fixtures load
    /// cleanly; throws only when `schema` itself fails.
    ///
    /// ```swift
    /// let problems = try await FixtureSet(directory: "Fixtures").check(schema: schemaSQL)
    /// for problem in problems { print(problem) }   // file:line:column: message, and a suggestion
    /// ```
    nonisolated(nonsending)
    public func check(schema: String) async throws -> [FixtureProblem] {
        try await Self.withScratchDatabase(schema: schema, failure: "the schema must build before fixtures can be checked against it") { db in
            let plan = FixturePlan(files: files, schema: try await SchemaInfo.read(from: db))
            return try await plan.problems + db.transaction { db in
                try await FixtureInserter(plan: plan, progress: nil).run(on: db, clearingTables: true, skippingBrokenRows: true)
            }
        }
    }

    /// Runs `body` on a private in-memory database built from `schema`, closed afterwards
    /// (`check`, mock rows and the baseline of `changes(in:)` all work on one). A schema that
    /// fails throws its `QueryError` with `failure` as the suggestion, when given.
    nonisolated(nonsending)
    static func withScratchDatabase<Result>(schema: String, failure: String? = nil,
                                            _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        try await SQLiteDriver.inMemory().connect().closing { db in
            do {
                try await db.executeScript(schema)
            } catch var error as QueryError where failure != nil {
                error.suggestion = failure
                throw error
            }
            return try await body(db)
        }
    }

    /// Every problem in the fixtures of `directory`: the problems of files that cannot be
    /// parsed, and ``check(schema:)`` for the rest. The schema is `schema`, or else the
    /// directory's `schema.sql`; with neither this throws ``FixtureError``.
    nonisolated(nonsending)
    public static func check(directory: String, schema: String? = nil) async throws -> [FixtureProblem] {
        var problems: [FixtureProblem] = []
        let fixtures = FixtureSet(directory: directory, problems: &problems)
        if problems.contains(where: { $0.file == directory }) { throw FixtureError(problems: problems) }
        guard let schema = schema ?? fixtures.schemaSQL else {
            throw FixtureError(problems: [FixtureProblem(
                kind: .unreadableFile, message: "no schema to check the fixtures against", file: directory,
                suggestion: "put the schema in \(directory)/\(schemaFileName), or name a schema file")])
        }
        return problems + (try await fixtures.check(schema: schema))
    }
}

extension FixtureSet {
    /// Every problem in these fixtures against the schema `db` really has (any database:
    /// SQLite, PostgreSQL), leaving it exactly as it was: the load runs inside a transaction
    /// that is always rolled back. Returns an empty list when the fixtures load cleanly.
    ///
    /// ```swift
    /// let problems = try await FixtureSet(directory: "Fixtures").check(against: db)
    /// ```
    nonisolated(nonsending)
    public func check(against db: any DatabaseConnection) async throws -> [FixtureProblem] {
        struct RolledBack: Error { var problems: [FixtureProblem] }
        do {
            try await db.transaction { db in
                let plan = FixturePlan(files: files, schema: try await SchemaInfo.read(from: db))
                let inserted = try await FixtureInserter(plan: plan, progress: nil).run(on: db, clearingTables: true, skippingBrokenRows: true)
                throw RolledBack(problems: plan.problems + inserted)
            }
        } catch let rolledBack as RolledBack {
            return rolledBack.problems
        }
        return []
    }
}
