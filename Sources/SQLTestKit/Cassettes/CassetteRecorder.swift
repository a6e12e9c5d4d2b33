import Synchronization

/// Where recording connections write their statements: one cassette, in the order the
/// statements were answered.
public final class CassetteRecorder: Sendable {
    private let entries = Mutex<[Cassette.Entry]>([])
    /// What the database recorded can do.
    public let capability: DriverCapability

    /// A recorder for a database with `capability` (a connection's or driver's).
    public init(capability: DriverCapability) {
        self.capability = capability
    }

    /// What has been recorded so far.
    public var cassette: Cassette {
        Cassette(capability: capability, entries: entries.withLock { $0 })
    }

    func append(_ entry: Cassette.Entry) {
        entries.withLock { $0.append(entry) }
    }

    /// Wraps `connection` so every statement it runs, and its answer, is recorded here.
    public func recording(_ connection: any DatabaseConnection) -> any DatabaseConnection {
        CassetteRecordingConnection(wrapping: connection, recorder: self)
    }
}

/// A connection that passes every statement to the one it wraps and records it with the
/// answer — rows, rows affected, last insert id, or the error — into a ``CassetteRecorder``.
///
/// It keeps its own transaction state, as a new connection has, and hands each statement to
/// the wrapped connection's `execute`: the statements recorded are the code's own, as a
/// ``MockDriver`` replaying them receives them, even when the wrapped connection runs inside
/// a test transaction that turns them into savepoints.
final class CassetteRecordingConnection: DatabaseConnection {
    let wrapped: any DatabaseConnection
    let recorder: CassetteRecorder
    let transactionState = TransactionState()

    init(wrapping connection: any DatabaseConnection, recorder: CassetteRecorder) {
        self.wrapped = connection
        self.recorder = recorder
    }

    var capability: DriverCapability { wrapped.capability }

    nonisolated(nonsending)
    func run(_ query: SQLQuery) async throws -> QueryResult {
        let sql = query.sql(for: capability.dialect)
        do {
            let result = try await wrapped.execute(query)
            recorder.append(Cassette.Entry(sql: sql, arguments: query.arguments, outcome: Cassette.Outcome(result)))
            return result
        } catch let error as QueryError {
            var recorded = error
            (recorded.sql, recorded.arguments) = (nil, [])
            recorder.append(Cassette.Entry(sql: sql, arguments: query.arguments, outcome: .error(recorded)))
            throw error
        }
    }

    nonisolated(nonsending)
    func close() async {
        await wrapped.close()
    }
}

extension CassetteRecordingConnection: CatalogProviding {
    /// The wrapped connection's catalog, so fixtures and state assertions work while recording.
    var catalog: any DatabaseCatalog { wrapped.catalog }
}

/// Wraps a driver so every connection it makes records into one cassette.
///
/// ```swift
/// let recorder = CassetteRecordingDriver(wrapping: SQLiteDriver.inMemory())
/// let db = try await recorder.connect()
/// try await db.execute("CREATE TABLE t(x)")
/// recorder.cassette.entries.count   // 1
/// ```
public struct CassetteRecordingDriver: DatabaseDriver {
    /// The driver whose connections are recorded.
    public let wrapped: any DatabaseDriver
    /// Where the statements go.
    public let recorder: CassetteRecorder

    /// Records every connection `driver` makes.
    public init(wrapping driver: any DatabaseDriver) {
        self.wrapped = driver
        self.recorder = CassetteRecorder(capability: driver.capability)
    }

    /// What has been recorded so far.
    public var cassette: Cassette { recorder.cassette }

    public var url: String { wrapped.url }
    public var capability: DriverCapability { wrapped.capability }
    public var maxConnections: Int { wrapped.maxConnections }

    public func connect() async throws -> any DatabaseConnection {
        recorder.recording(try await wrapped.connect())
    }

    public func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        try await wrapped.resetDatabase(allowingNonTestDatabase: allowingNonTestDatabase)
    }
}
