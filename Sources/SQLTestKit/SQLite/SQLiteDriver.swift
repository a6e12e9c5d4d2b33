import Foundation
import Synchronization
import SQLTestKitSQLite

/// A driver for SQLite through the system `libsqlite3`: in-memory databases for tests, file
/// databases for everything else.
///
/// ```swift
/// let driver = SQLiteDriver.inMemory()                 // private to this driver
/// let files = SQLiteDriver(path: "build/test.sqlite")  // created if missing, WAL mode
/// let db = try await driver.connect()
/// ```
///
/// Every connection has foreign keys on, a busy timeout, extended result codes, and a cache
/// of prepared statements keyed by SQL. All connections of one in-memory driver share its
/// database, which lives as long as the driver does.
public final class SQLiteDriver: DatabaseDriver {
    /// Where the database lives.
    public enum Location: Sendable, Hashable {
        /// An in-memory database private to one driver.
        case memory(name: String)
        /// A database file.
        case file(path: String)
    }

    /// Connection settings.
    public struct Configuration: Sendable, Hashable {
        /// How long a statement waits for a lock held by another connection before failing
        /// with `SQLITE_BUSY`.
        public var busyTimeout: Duration = .seconds(5)
        /// How many prepared statements each connection keeps, least recently used evicted first.
        public var statementCacheCapacity: Int = 256
        /// Whether file databases use write-ahead logging (readers don't block the writer).
        public var writeAheadLogging: Bool = true
        /// How many connections callers should open at most.
        public var maxConnections: Int = 8

        public init() {}
    }

    /// Where the database lives.
    public let location: Location
    /// The settings each connection gets.
    public let configuration: Configuration
    /// Keeps an in-memory database alive while no other connection is open.
    private let keeper = Mutex<SQLiteHandle?>(nil)

    /// A driver for a new, empty in-memory database that only this driver's connections see.
    public static func inMemory(configuration: Configuration = Configuration()) -> SQLiteDriver {
        SQLiteDriver(location: .memory(name: "sqltestkit-\(UUID().uuidString)"), configuration: configuration)
    }

    /// A driver for a database file, created on first connection if it does not exist.
    /// A file SQLTestKit creates carries a marker that makes it a test database.
    public convenience init(path: String, configuration: Configuration = Configuration()) {
        self.init(location: .file(path: path), configuration: configuration)
    }

    public init(location: Location, configuration: Configuration = Configuration()) {
        self.location = location
        self.configuration = configuration
    }

    deinit {
        keeper.withLock { $0?.close() }
    }

    public var url: String {
        switch location {
        case .memory(let name): "sqlite::memory:\(name)"
        case .file(let path): "sqlite://\(path)"
        }
    }

    public var capability: DriverCapability { .sqlite }

    public var maxConnections: Int { configuration.maxConnections }

    /// Opens a connection. For a file, creates the file (with SQLTestKit's marker) when it is
    /// missing and switches it to WAL mode.
    public func connect() async throws -> any DatabaseConnection {
        try Connection(handle: openHandle(), cacheCapacity: configuration.statementCacheCapacity)
    }

    /// The filename SQLite opens: a `memdb` URI for memory, so several connections share it.
    var openName: String {
        switch location {
        case .memory(let name): "file:/\(name)?vfs=memdb"
        case .file(let path): path
        }
    }

    /// Runs `body` with the `sqlite3*` that keeps an in-memory database alive, opening it first
    /// if needed. The pointer is used only inside `body`, under the keeper's lock.
    func withKeeper(_ body: @Sendable (OpaquePointer) throws -> Void) throws {
        try keeper.withLock { keeper in
            if keeper == nil { keeper = try SQLiteHandle.open(openName, configuration: configuration) }
            guard let db = keeper?.db else { throw SQLiteHandle.closedError(sql: nil) }
            // Region analysis cannot see that the pointer stays inside this lock.
            nonisolated(unsafe) let pointer = db
            try body(pointer)
        }
    }

    func openHandle() throws -> SQLiteHandle {
        switch location {
        case .memory:
            try withKeeper { _ in }
            return try SQLiteHandle.open(openName, configuration: configuration)
        case .file(let path):
            let isNew = !FileManager.default.fileExists(atPath: path)
            let handle = try SQLiteHandle.open(path, configuration: configuration)
            if isNew { try handle.execute("PRAGMA application_id = \(SQLiteHandle.testDatabaseMarker)") }
            if configuration.writeAheadLogging { try handle.execute("PRAGMA journal_mode = WAL") }
            return handle
        }
    }
}
