import ArgumentParser
import Foundation
import SQLTestKit

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a fixture directory against a schema, without touching any database.",
        discussion: """
            Every problem is listed (file:line:column, what is wrong, a suggestion): malformed \
            files, unknown tables and columns, values that do not fit their column, missing NOT \
            NULL values, unknown labels, and what the database itself would refuse (UNIQUE, \
            CHECK, foreign keys), found in a private in-memory copy of the schema. Exits with 1 \
            when there are problems.

            With --database postgres://… (or an SQLite file) the fixtures are checked against \
            the schema that database has, inside a transaction that is always rolled back: \
            nothing in it changes.
            """)

    @Argument(help: "The fixture directory.")
    var fixtures: String = "Fixtures"

    @Option(help: "The SQL file that creates the schema (default: the directory's schema.sql).")
    var schema: String?

    @Option(name: [.short, .long], help: "Check against this database's schema instead (an SQLite file or a postgres:// URL); nothing in it changes.")
    var database: String?

    func run() async throws {
        try Output.requireFixtureDirectory(fixtures)
        if let database {
            try await check(against: database)
            return
        }
        var schemaSQL: String?
        if let schema {
            guard let text = try? String(contentsOfFile: schema, encoding: .utf8) else {
                Output.error("error: cannot read the schema file \(schema)")
                throw ExitCode.unusable
            }
            schemaSQL = text
        }
        let problems: [FixtureProblem]
        do {
            problems = try await FixtureSet.check(directory: fixtures, schema: schemaSQL)
        } catch let error as FixtureError {
            Output.error(error.description)
            throw ExitCode.unusable
        } catch let error as QueryError {
            Output.error("error: the schema \(schema ?? fixtures + "/" + FixtureSet.schemaFileName) failed: \(error.message)")
            throw ExitCode.unusable
        }
        try finish(problems, fixtureSet: try FixtureSet(directory: fixtures))
    }

    /// Checks against a live database's schema, inside a rolled-back transaction.
    private func check(against database: String) async throws {
        let fixtureSet = try Output.readFixtures(fixtures)
        try PostgresTarget.requireExisting(database)
        let db = try await PostgresTarget.open(database)
        let problems: [FixtureProblem]
        do {
            problems = try await fixtureSet.check(against: db)
        } catch {
            await db.close()
            Output.error("error: \(error)")
            throw ExitCode.unusable
        }
        await db.close()
        try finish(problems, fixtureSet: fixtureSet, against: database)
    }

    /// Prints every problem with a count (exit status 1), or the ok line.
    private func finish(_ problems: [FixtureProblem], fixtureSet: FixtureSet, against database: String? = nil) throws {
        guard problems.isEmpty else {
            for problem in problems { Output.print(problem.description) }
            let files = Set(problems.map(\.file)).count
            Output.error("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")")
            throw ExitCode.fixtureProblems
        }
        let rows = fixtureSet.files.reduce(0) { $0 + $1.rowCount }
        Output.print("ok: \(fixtureSet.tables.count) tables, \(rows) rows, no problems" + (database.map { " against \(PostgresTarget.shown($0))" } ?? ""))
    }
}
