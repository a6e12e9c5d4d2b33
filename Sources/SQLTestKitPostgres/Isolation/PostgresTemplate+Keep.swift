#if PostgreSQL
import Foundation
import SQLTestKit

extension PostgresTemplate {
    /// Keeps what a failed test saw. Both modes first dump the test's view — its open test
    /// transaction included — as fixtures (`schema.sql` and a YAML file per table) into
    /// `location.dumpDirectory`, which outlives any server. Then:
    ///
    /// - database mode, on a server that outlives the tests (any server this process did not
    ///   start, such as `SQLTESTKIT_POSTGRES_URL`'s): the test's database is kept instead of dropped, renamed
    ///   `sqltestkit_kept_<key>` (the same name for the same test in every run), and the line
    ///   gives the `psql` command that opens it;
    /// - transaction mode, or a throwaway server this process started (removed when it ends):
    ///   the test's rows vanish with the rollback or the server, so the line gives the
    ///   `sqltestkit load` command that loads the dump into `sqltestkit_kept_<key>`.
    ///
    /// A kept database carries no test-database marker and no `test` in its name, so no
    /// fixture load or reset takes it for a test database, and the cleanup of earlier runs
    /// leaves it alone; only the same test's next run drops it.
    public func closeIsolated(_ db: any DatabaseConnection, keepingAt location: KeepLocation) async throws -> KeptDatabase {
        let server = try await resolvedServer()
        var dumpFailure: (any Error)?
        do {
            try await FixtureSet.dump(from: db, to: location.dumpDirectory)
        } catch {
            try? location.removeEarlierKeep()
            dumpFailure = error
        }
        let kept = Self.keptName(location)
        let name = (db as? PostgresDriver.Connection)?.driver.configuration.database
        guard mode == .database, let name, outlivesTheTests(server) else {
            try await closeIsolated(db)
            if let dumpFailure { throw KeepError(test: location.name, reason: "the dump failed: \(dumpFailure)") }
            return .dump(location.dumpDirectory, test: location.name, into: PostgresDriver(configuration: server.database(kept)).url,
                         traits: "PostgreSQL")
        }
        await db.close()
        defer { Self.gate(for: server, limit: maxConcurrentTests).release() }
        do {
            try await Self.onServer(server) { admin in
                try await Self.dropDatabase(kept, on: admin)
                // Connections the code under test opened itself would stop the rename.
                try await admin.execute(SQLQuery(sql: "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()",
                                                 arguments: [.text(name)]))
                try await admin.execute(SQLQuery(sql: "ALTER DATABASE \(Self.quote(name)) RENAME TO \(Self.quote(kept))"))
                try await admin.execute(SQLQuery(sql: "COMMENT ON DATABASE \(Self.quote(kept)) IS '\((Self.keptComment + location.name).replacingOccurrences(of: "'", with: "''"))'"))
            }
        } catch {
            try? await Self.drop(name, on: server)
            throw KeepError(test: location.name, reason: "the database could not be kept as \(kept): \(error)")
        }
        let url = PostgresDriver(configuration: server.database(kept)).url
        return KeptDatabase(kind: .postgresDatabase, test: location.name, location: url, openCommand: "psql '\(url)'",
                            dumpDirectory: dumpFailure == nil ? location.dumpDirectory : nil)
    }

    /// Removes the dump an earlier run kept for the same test and, on a server that outlives
    /// the tests, the database it kept or loaded.
    public func removeKept(at location: KeepLocation) async throws {
        try location.removeEarlierKeep()
        let server = try await resolvedServer()
        guard outlivesTheTests(server) else { return }
        try await Self.onServer(server) { try await Self.dropDatabase(Self.keptName(location), on: $0) }
    }

    /// The name a kept database has on the server.
    public static func keptName(_ location: KeepLocation) -> String { "sqltestkit_kept_" + location.key }

    /// What a kept database's comment starts with (then the test's name).
    static let keptComment = "sqltestkit kept from the failed test "

    /// Whether `server` lasts after this process: any server but one this process started.
    private func outlivesTheTests(_ server: PostgresDriver.Configuration) -> Bool {
        !PostgresTestServer.goesWithThisProcess(server)
    }
}
#endif
