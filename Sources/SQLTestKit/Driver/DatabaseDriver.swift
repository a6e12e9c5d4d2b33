/// A source of connections to one database: the SQLite driver, the mock, or your own.
///
/// ```swift
/// let driver: any DatabaseDriver = SQLiteDriver.inMemory()
/// let db = try await driver.connect()
/// try await db.execute("CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
/// ```
///
/// Drivers are `Sendable`: one driver is shared by every task that needs a connection.
public protocol DatabaseDriver: Sendable {
    /// Where the database is, as a URL-like string for messages and logs
    /// (`sqlite::memory:`, `sqlite:///tmp/test.sqlite`, `mock:postgres`).
    var url: String { get }

    /// What the database can do; the mock reports the capability it impersonates.
    var capability: DriverCapability { get }

    /// How many connections may be open at once; callers that pool connections respect it.
    var maxConnections: Int { get }

    /// Opens a new connection.
    func connect() async throws -> any DatabaseConnection

    /// Empties the database: every table, index, view and trigger is dropped.
    ///
    /// Refuses (throwing ``NotATestDatabaseError``) when the database might hold real data,
    /// unless `allowingNonTestDatabase` is `true`.
    func resetDatabase(allowingNonTestDatabase: Bool) async throws
}

// MARK: - Default implementations

extension DatabaseDriver {
    /// Empties the database, refusing one that is not a test database. The override is a
    /// separate, explicit argument so it is visible wherever it is used.
    public func resetDatabase() async throws {
        try await resetDatabase(allowingNonTestDatabase: false)
    }
}

/// A destructive operation was refused because the database might not be a test database.
///
/// ```text
/// refusing to reset /srv/app/prod.sqlite: it is a file database that SQLTestKit did not
/// create and whose name does not say it is a test database.
/// To go ahead anyway, pass `allowingNonTestDatabase: true`; or name the file like
/// `prod-test.sqlite`.
/// ```
public struct NotATestDatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was refused ("reset", "load fixtures into").
    public var operation: String
    /// The database's location.
    public var location: String
    /// Why it does not count as a test database.
    public var reason: String
    /// How to go ahead.
    public var howToOverride: String

    /// A refusal of `operation` on the database at `location`, with why and how to go ahead.
    public init(operation: String, location: String, reason: String, howToOverride: String) {
        self.operation = operation
        self.location = location
        self.reason = reason
        self.howToOverride = howToOverride
    }

    public var description: String {
        "refusing to \(operation) \(location): \(reason).\n\(howToOverride)"
    }
}
