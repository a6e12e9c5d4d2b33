/// Where a test's own database comes from: SQLite's ``DatabaseTemplate`` (a copy in memory,
/// inside a test transaction), or another database's (`PostgresTemplate` in
/// `SQLTestKitPostgres`: a connection inside a test transaction, or a private database made
/// from a template). ``IsolatedDatabase``, the `.isolatedDatabase(…)` trait and
/// `DatabaseTestCase` take any of them.
///
/// ```swift
/// let count = try await IsolatedDatabase.with(source) { db in
///     try await db.execute("DELETE FROM review")       // gone afterwards
///     return try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
/// }
/// ```
public protocol IsolatedDatabaseSource: Sendable {
    /// A connection for one test, whose changes nobody else sees and that vanish in
    /// ``closeIsolated(_:)``.
    func openIsolated() async throws -> any DatabaseConnection

    /// Ends what ``openIsolated()`` began (rolls back, drops) and closes the connection.
    func closeIsolated(_ db: any DatabaseConnection) async throws
}

extension DatabaseTemplate: IsolatedDatabaseSource {
    /// A copy of the template in memory, inside a test transaction.
    public func openIsolated() async throws -> any DatabaseConnection {
        try await IsolatedDatabase.open(self)
    }

    /// Rolls the test transaction back and closes the copy.
    public func closeIsolated(_ db: any DatabaseConnection) async throws {
        try await IsolatedDatabase.close(db)
    }
}

extension IsolatedDatabase {
    /// Runs `body` with a database of its own from `source` (also set as ``current``), then
    /// ends it — whether `body` returns, throws or is cancelled.
    nonisolated(nonsending)
    public static func with<Result>(_ source: some IsolatedDatabaseSource, _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        let db = try await source.openIsolated()
        let result: Result
        do {
            result = try await $current.withValue(db) { try await body(db) }
        } catch {
            try? await source.closeIsolated(db)
            throw error
        }
        try await source.closeIsolated(db)
        return result
    }
}
