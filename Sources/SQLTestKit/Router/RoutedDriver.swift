import Synchronization

/// A driver over named drivers (`"default"`, `"replica"`, …) that sends each statement where
/// a ``DatabaseRouter`` says: by the tables the SQL touches (read with the one tokenizer) and
/// whether it reads or writes them. A transaction stays on the database its first statement
/// goes to; a statement relating tables on two databases is refused unless the router allows
/// it; table references are schema-qualified when the router names a schema.
///
/// ```swift
/// let primary = MockDriver(), replica = MockDriver()
/// let driver = RoutedDriver(databases: ["default": primary, "replica": replica], router: ReadReplica())
/// let db = try await driver.connect()
/// _ = try await db.fetchAll("SELECT * FROM book")          // replica
/// try await db.execute("UPDATE book SET price = 1")         // default
/// ```
public final class RoutedDriver: DatabaseDriver {
    /// The name of the database that gets everything the router has no opinion on.
    public static let defaultDatabase = "default"

    /// The drivers statements are routed to, by name (`"default"` takes what the router does not place).
    public let databases: [String: any DatabaseDriver]
    /// What decides where each statement goes.
    public let router: any DatabaseRouter

    /// `databases` should include `"default"`, which gets every statement the router has no
    /// opinion on; without it such a statement throws a ``RoutingError`` naming the databases
    /// there are.
    public init(databases: [String: any DatabaseDriver], router: any DatabaseRouter = DefaultRouter()) {
        self.databases = databases
        self.router = router
    }

    public var url: String {
        "routed:" + databases.keys.sorted().map { "\($0)=\(databases[$0]!.url)" }.joined(separator: ",")
    }

    /// The default database's capability (or, without one, the first database's by name).
    public var capability: DriverCapability {
        (databases[Self.defaultDatabase] ?? databases.keys.sorted().first.flatMap { databases[$0] })?.capability ?? .sqlite
    }

    public var maxConnections: Int { databases.values.map(\.maxConnections).min() ?? 1 }

    public func connect() async throws -> any DatabaseConnection {
        Connection(driver: self)
    }

    /// Resets every named database (each under the test-database rule).
    public func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        for name in databases.keys.sorted() {
            try await databases[name]!.resetDatabase(allowingNonTestDatabase: allowingNonTestDatabase)
        }
    }
}
