import ArgumentParser
import Foundation
import SQLTestKit

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a fixture directory into an SQLite database file, in one transaction.",
        discussion: """
            Rows go in in foreign-key order with labels resolved; any problem leaves the database \
            as it was. The tables' existing rows are deleted first unless --keep-existing is given. \
            The database must be a test database: created by SQLTestKit, or with `test` in its \
            file name, unless --allow-non-test-database is given.

            When the database has no tables yet, the schema comes from --schema, or else from the \
            fixture directory's schema.sql. --reset empties the database first (same rule).
            """)

    @Argument(help: "The fixture directory.")
    var fixtures: String = "Fixtures"

    @Option(name: [.short, .long], help: "The SQLite database file to load into (created if missing).")
    var database: String

    @Option(help: "A SQL file that creates the schema, applied when the database has no tables.")
    var schema: String?

    @Flag(help: "Empty the database (tables, indexes, views, triggers) before loading.")
    var reset = false

    @Flag(help: "Keep the rows the fixture tables already hold instead of deleting them.")
    var keepExisting = false

    @Flag(help: "Load into a file database that is not a test database.")
    var allowNonTestDatabase = false

    @Flag(name: [.short, .long], help: "Print nothing but problems.")
    var quiet = false

    func run() async throws {
        let fixtureSet: FixtureSet
        do {
            fixtureSet = try FixtureSet(directory: fixtures)
        } catch let error as FixtureError {
            Output.error(error.description)
            throw ExitCode.fixtureProblems
        }
        let driver = SQLiteDriver(path: database)
        do {
            if reset { try await driver.resetDatabase(allowingNonTestDatabase: allowNonTestDatabase) }
            let db = try await driver.connect()
            defer { Task { await db.close() } }
            try await createSchemaIfEmpty(db, fixtureSet: fixtureSet)
            let totalRows = fixtureSet.files.reduce(0) { $0 + $1.rowCount }
            let showProgress = !quiet && Output.errorIsTerminal && totalRows >= 10_000
            let report: (@Sendable (FixtureLoadProgress) -> Void)? = showProgress ? Self.reportProgress : nil
            let summary = try await fixtureSet.load(into: db, clearingTables: !keepExisting,
                                                    allowingNonTestDatabase: allowNonTestDatabase, progress: report)
            if showProgress { Output.progress("") }
            if !quiet { Output.print("loaded \(fixtures) into \(database)\n" + summary.description) }
        } catch let error as FixtureError {
            Output.error(error.description)
            throw ExitCode.fixtureProblems
        } catch let error as NotATestDatabaseError {
            Output.error(error.description.replacingOccurrences(of: "pass allowingNonTestDatabase: true (or --allow-non-test-database to sqltestkit)", with: "pass --allow-non-test-database")
                .replacingOccurrences(of: "call resetDatabase(allowingNonTestDatabase: true)", with: "pass --allow-non-test-database"))
            throw ExitCode.unusable
        } catch let error as QueryError {
            Output.error("error: \(error)")
            throw ExitCode.unusable
        } catch let error as SchemaFileError {
            Output.error(error.description)
            throw ExitCode.unusable
        }
    }

    /// One redrawn line per update: the table, its rows so far, and the share of all rows.
    @Sendable static func reportProgress(_ progress: FixtureLoadProgress) {
        let percent = progress.totalRowsLoaded * 100 / max(1, progress.totalRows)
        Output.progress("loading \(progress.table): \(progress.rowsLoaded)/\(progress.rowsInTable) rows (\(percent)% of all)")
    }

    /// Applies the schema to a database without tables; refuses `--schema` on one that has them.
    private func createSchemaIfEmpty(_ db: any DatabaseConnection, fixtureSet: FixtureSet) async throws {
        let tableCount = try await db.fetchOne("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")?[0]
        let isEmpty = tableCount == 0
        let schemaSQL: String?
        let source: String
        if let schema {
            guard let text = try? String(contentsOfFile: schema, encoding: .utf8) else {
                throw SchemaFileError(description: "error: cannot read the schema file \(schema)")
            }
            guard isEmpty else {
                throw SchemaFileError(description: "error: \(database) already has tables, so the schema in \(schema) was not applied\n  suggestion: add --reset to empty the database first, or leave out --schema to load into the tables it has")
            }
            (schemaSQL, source) = (text, schema)
        } else {
            (schemaSQL, source) = (isEmpty ? fixtureSet.schemaSQL : nil, fixtures + "/" + FixtureSet.schemaFileName)
        }
        guard let schemaSQL else { return }
        do {
            try await db.executeScript(schemaSQL)
        } catch let error as QueryError {
            throw SchemaFileError(description: "error: the schema in \(source) failed: \(error.message)")
        }
        if !quiet { Output.print("created the schema from \(source)") }
    }
}

/// A schema file that cannot be read or applied.
struct SchemaFileError: Error, CustomStringConvertible {
    var description: String
}
