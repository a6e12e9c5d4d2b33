/// Wraps any connection and writes every statement it runs to a ``StatementLog``, so tests on
/// a real database assert SQL the same way as tests on the mock.
///
/// ```swift
/// let log = StatementLog()
/// let db = RecordingConnection(wrapping: try await SQLiteDriver.inMemory().connect(), log: log)
/// try await db.execute("CREATE TABLE t(x)")
/// log.takeSQLs()   // ["CREATE TABLE t(x)"]
/// ```
///
/// Transactions are the wrapped connection's own (they share its state), so `BEGIN`,
/// `SAVEPOINT` and `COMMIT` are logged as the database receives them.
public final class RecordingConnection: DatabaseConnection {
    /// The connection statements are passed to.
    public let wrapped: any DatabaseConnection
    /// Where statements are written.
    public let log: StatementLog
    private let connectionID: Int

    /// Records every statement `connection` runs into `log`, under a new connection number.
    public init(wrapping connection: any DatabaseConnection, log: StatementLog) {
        self.wrapped = connection
        self.log = log
        self.connectionID = log.newConnectionID()
    }

    public var capability: DriverCapability { wrapped.capability }
    public var transactionState: TransactionState { wrapped.transactionState }

    nonisolated(nonsending)
    public func run(_ query: SQLQuery) async throws -> QueryResult {
        log.record(query, dialect: capability.dialect, connectionID: connectionID, transactionDepth: transactionState.depth)
        return try await wrapped.run(query)
    }

    nonisolated(nonsending)
    public func close() async {
        await wrapped.close()
    }
}

/// Wraps a driver so every connection it makes records into one ``StatementLog``.
///
/// ```swift
/// let driver = RecordingDriver(wrapping: SQLiteDriver.inMemory())
/// let db = try await driver.connect()
/// // ... code under test ...
/// driver.log.takeSQLs(.excludingNoise)
/// ```
public struct RecordingDriver: DatabaseDriver {
    /// The driver whose connections are recorded.
    public let wrapped: any DatabaseDriver
    /// Where every connection of this driver records.
    public let log: StatementLog

    /// Records every connection `driver` makes into `log`.
    public init(wrapping driver: any DatabaseDriver, log: StatementLog = StatementLog()) {
        self.wrapped = driver
        self.log = log
    }

    public var url: String { wrapped.url }
    public var capability: DriverCapability { wrapped.capability }
    public var maxConnections: Int { wrapped.maxConnections }

    public func connect() async throws -> any DatabaseConnection {
        RecordingConnection(wrapping: try await wrapped.connect(), log: log)
    }

    public func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        try await wrapped.resetDatabase(allowingNonTestDatabase: allowingNonTestDatabase)
    }
}

extension RecordingConnection: CatalogProviding {
    /// The wrapped connection's catalog: a recorded PostgreSQL connection reads PostgreSQL's.
    package var catalog: any DatabaseCatalog { wrapped.catalog }
}
