import ArgumentParser
import Foundation
import SQLTestKit

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a fixture directory into an SQLite database file or a PostgreSQL database, in one transaction.",
        discussion: """
            Rows go in in foreign-key order with labels resolved; any problem leaves the database \
            as it was. The tables' existing rows are deleted first unless --keep-existing is given. \
            The database must be a test database: created by SQLTestKit, or with `test` in its \
            file name, unless --allow-non-test-database is given.

            When the database has no tables yet, the schema comes from --schema, or else from the \
            fixture directory's schema.sql. --reset empties the database first (same rule).

            --database postgres://user@host:port/db loads into PostgreSQL (a build with the \
            PostgreSQL trait: swift run --traits PostgreSQL sqltestkit load …); there a test \
            database is one whose name has `test` in it or that SQLTestKit created.
            """)

    @Argument(help: "The fixture directory.")
    var fixtures: String = "Fixtures"

    @Option(name: [.short, .long], help: "The SQLite database file to load into, or a postgres:// URL (either created if missing).")
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
        let start = ContinuousClock.now
        // Everything that can be read and checked is, before the database is touched: the
        // fixtures, then the schema file.
        try Output.requireFixtureDirectory(fixtures)
        let fixtureSet = try Output.readFixtures(fixtures)
        let schemaToApply: FixtureSchema?
        if let schema {
            schemaToApply = FixtureSchema(sql: try Self.readSchemaFile(schema), source: schema)
        } else {
            schemaToApply = fixtureSet.schemaSQL.map {
                FixtureSchema(sql: $0, source: fixtures + "/" + FixtureSet.schemaFileName, onlyIfEmpty: true)
            }
        }
        if PostgresTarget.isURL(database) {
            let db = try await PostgresTarget.connectCreatingMissing(database)
            do {
                try await load(fixtureSet, schema: schemaToApply, into: db, start: start) { await $0.close() }
            } catch {
                try report(error)
            }
            return
        }
        let existed = FileManager.default.fileExists(atPath: database)
        var loaded = false
        // A file this command creates is made for tests and marked so; an existing one is not.
        let driver = SQLiteDriver.testDatabase(path: database)
        defer {
            // A load that failed into a file it created leaves no empty database behind.
            if !loaded && !existed { Self.removeDatabaseFiles(database) }
        }
        do {
            // Judged on the real file, before anything is opened for writing.
            try driver.refuseUnlessTestDatabase(operation: reset ? "reset" : "load fixtures into", allowingNonTestDatabase: allowNonTestDatabase)
            // The file alone holds every row before the process exits: no -wal or -shm is left.
            try await load(fixtureSet, schema: schemaToApply, into: try await driver.connect(), start: start, closing: Self.closeAndCheckpoint)
            loaded = true
        } catch {
            try report(error)
        }
    }

    /// Loads into `db` (SQLite or PostgreSQL), closes it with `close` whatever happens, and
    /// prints the summary.
    private func load(_ fixtureSet: FixtureSet, schema: FixtureSchema?, into db: any DatabaseConnection, start: ContinuousClock.Instant,
                      closing close: (any DatabaseConnection) async -> Void) async throws {
        let summary: FixtureLoadSummary
        do {
            let totalRows = fixtureSet.files.reduce(0) { $0 + $1.rowCount }
            if let notice = Self.debugBuildNotice(rows: totalRows) { Output.error(notice) }
            let showProgress = !quiet && Output.errorIsTerminal && totalRows >= 10_000
            let report: (@Sendable (FixtureLoadProgress) -> Void)? = showProgress ? Self.progressReporter(since: .now) : nil
            // Reset, schema and rows are one transaction: any failure leaves the database as it was.
            summary = try await fixtureSet.load(into: db, clearingTables: !keepExisting, allowingNonTestDatabase: allowNonTestDatabase,
                                                resettingDatabase: reset, schema: schema, progress: report)
            if showProgress { Output.progress("") }
            if !quiet, let created = summary.schema { Output.print("created the schema from \(created)") }
        } catch {
            let note = await Self.skippedSchemaNote(for: error, schema: schema, db: db, database: PostgresTarget.shown(database))
            await close(db)
            if let note { throw ExplainedFailure(error: error, note: note) }
            throw error
        }
        await close(db)
        if !quiet {
            var total = summary
            total.duration = ContinuousClock.now - start
            Output.print("loaded \(fixtures) into \(PostgresTarget.shown(database))\n" + total.description)
        }
    }

    /// A failed load's error, with what caused it when the error alone does not say.
    struct ExplainedFailure: Error {
        var error: any Error
        var note: String
    }

    /// When fixtures name tables or columns the database lacks and the directory's schema.sql
    /// was skipped because the database already had tables: the likely cause, and the fix.
    static func skippedSchemaNote(for error: any Error, schema: FixtureSchema?, db: any DatabaseConnection, database: String) async -> String? {
        guard let error = error as? FixtureError, let schema, schema.onlyIfEmpty,
              error.problems.contains(where: { $0.kind == .unknownColumn || $0.kind == .unknownTable }),
              // The load rolled back: tables now mean tables before it, so the schema was skipped.
              (try? await db.catalog.hasTables(db)) == true else { return nil }
        return "note: \(schema.source) was not applied, because \(database) already has tables, and its tables differ from the fixtures'\n  suggestion: add --reset to rebuild the database from \(schema.source) (nothing is kept of what it holds)"
    }

    /// Prints a failed load's error and exits with its code; rethrows anything else.
    private func report(_ error: any Error) throws -> Never {
        if let failure = error as? ExplainedFailure {
            defer { Output.error(failure.note) }
            try report(failure.error)
        }
        switch error {
        case let error as FixtureError:
            Output.error(error.description)
            throw ExitCode.fixtureProblems
        case let error as NotATestDatabaseError:
            Output.error(error.description.replacingOccurrences(of: "pass allowingNonTestDatabase: true (or --allow-non-test-database to sqltestkit)", with: "pass --allow-non-test-database")
                .replacingOccurrences(of: "call resetDatabase(allowingNonTestDatabase: true)", with: "pass --allow-non-test-database"))
            throw ExitCode.unusable
        case let error as FixtureSchemaError where error.reason == .databaseHasTables:
            Output.error("error: \(PostgresTarget.shown(database)) already has tables, so the schema in \(error.source) was not applied\n  suggestion: add --reset to empty the database first, or leave out --schema to load into the tables it has")
            throw ExitCode.unusable
        case is FixtureSchemaError, is QueryError:
            Output.error("error: \(error)")
            throw ExitCode.unusable
        default:
            throw error
        }
    }

    /// One redrawn line per update: the table, its rows so far, the share of all rows, the
    /// rate and the time left at that rate.
    static func progressReporter(since start: ContinuousClock.Instant) -> @Sendable (FixtureLoadProgress) -> Void {
        { progress in Output.progress(progressLine(progress, elapsed: ContinuousClock.now - start)) }
    }

    /// `loading book: 40000/100000 rows (40% of all), 52,000 rows/s, about 1 s left`
    static func progressLine(_ progress: FixtureLoadProgress, elapsed: Duration) -> String {
        let percent = progress.totalRowsLoaded * 100 / max(1, progress.totalRows)
        var line = "loading \(progress.table): \(progress.rowsLoaded)/\(progress.rowsInTable) rows (\(percent)% of all)"
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0.2, progress.totalRowsLoaded > 0 else { return line }
        let rate = Double(progress.totalRowsLoaded) / seconds
        let left = Double(progress.totalRows - progress.totalRowsLoaded) / rate
        line += ", \(Int(rate).formatted()) rows/s, about \(left < 60 ? "\(Int(left.rounded(.up))) s" : "\(Int((left / 60).rounded(.up))) min") left"
        return line
    }

    /// Rows from which a debug build's load is slow enough to be worth a word.
    static let largeLoad = 50_000

    /// Said once before a large load by a debug build (what `swift run` builds): release is
    /// much faster (a user measured 1M CSV rows at 90 s in debug, 8.7 s in release).
    static func debugBuildNotice(rows: Int) -> String? {
        guard isDebugBuild, rows >= largeLoad else { return nil }
        return "note: this sqltestkit is a debug build (what `swift run` builds), which loads \(rows.formatted()) rows much slower than a release build; for large loads run `swift run -c release sqltestkit load …`"
    }

    static var isDebugBuild: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }

    /// The text of a `--schema` file, refused before anything is done when it cannot be read,
    /// is not UTF-8 or holds transaction control.
    static func readSchemaFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            Output.error("error: cannot read the schema file \(path)")
            throw ExitCode.unusable
        }
        do {
            return try FixtureSet.schemaText(Array(data), path: path)
        } catch let error as FixtureError {
            Output.error(error.description)
            throw ExitCode.unusable
        }
    }

    /// Moves every page from the write-ahead log into the database file and closes the
    /// connection (the last one: SQLite then removes the `-wal` and `-shm` files).
    static func closeAndCheckpoint(_ db: any DatabaseConnection) async {
        _ = try? await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await db.close()
    }

    /// Removes a database file this command created, with its journal files.
    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
