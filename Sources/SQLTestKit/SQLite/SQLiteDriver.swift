import Foundation
import Synchronization
import SQLTestKitSQLite

/// A driver for SQLite through the system `libsqlite3`: in-memory databases for tests, file
/// databases for everything else — including an app's own production database.
///
/// ```swift
/// let driver = SQLiteDriver.inMemory()                         // private to this driver
/// let app = SQLiteDriver(path: "/var/lib/shop/shop.sqlite")    // the app's database, created if missing
/// let scratch = SQLiteDriver.testDatabase(path: "build/scratch.sqlite")   // a file made for tests
/// let db = try await driver.connect()
/// ```
///
/// `SQLiteDriver(path:)` never marks a file as a test database, even one it creates: an app
/// opens its production database with it, and SQLTestKit's destructive operations (reset,
/// fixture loads that clear tables) keep refusing that file unless its name says `test`.
/// Only ``testDatabase(path:configuration:)`` (and the templates, copies and isolated
/// databases SQLTestKit makes, and the `sqltestkit load` command's new files) mark what they
/// create.
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
        /// Which file databases are switched to write-ahead logging (readers don't block the
        /// writer). By default only files SQLTestKit creates: switching is a lasting change to
        /// the file, which opening someone else's database must not make.
        public var writeAheadLogging: WriteAheadLogging = .forNewFiles
        /// How many connections callers should open at most.
        public var maxConnections: Int = 8
        /// How the transactions SQLTestKit opens begin (``DatabaseConnection/transaction(_:)``
        /// and test transactions). `.immediate`, the default, takes the write lock at `BEGIN`,
        /// waiting up to ``busyTimeout`` for it, so concurrent write transactions take turns.
        /// With `.deferred`, a transaction that reads before it writes cannot wait for the lock
        /// when it upgrades and fails at once with `database is locked`.
        public var transactionBehavior: TransactionBehavior = .immediate
        /// Whether a file this driver creates is marked as a test database (SQLTestKit's marker
        /// in `PRAGMA application_id`), which reset and fixture loads then accept whatever its
        /// name. `false` by default, so a database an app creates is never taken for a test
        /// database; ``SQLiteDriver/testDatabase(path:configuration:)`` sets it. An existing
        /// file is never marked.
        public var marksCreatedFileAsTestDatabase: Bool = false

        /// The defaults: 5 s busy timeout, 256 cached statements, WAL for files SQLTestKit
        /// creates, 8 connections, `BEGIN IMMEDIATE`.
        public init() {}
    }

    /// Which file databases use write-ahead logging.
    public enum WriteAheadLogging: Sendable, Hashable {
        /// Files SQLTestKit creates use WAL; existing files keep the journal mode they have.
        case forNewFiles
        /// Every file database this driver opens is switched to WAL (a lasting change).
        case always
        /// No file is switched to WAL.
        case never
    }

    /// How a transaction takes its locks (SQLite's `BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`).
    public enum TransactionBehavior: String, Sendable, Hashable {
        case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE"
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

    /// A driver for a database file, created on first connection if it does not exist (in
    /// write-ahead logging mode); an existing file is opened as it is. `path` may be a `file:`
    /// URI. This is how an app opens its own database: nothing it creates counts as a test
    /// database.
    public convenience init(path: String, configuration: Configuration = Configuration()) {
        self.init(location: .file(path: path), configuration: configuration)
    }

    /// A driver for a file made for tests: if the first connection creates it, it carries
    /// SQLTestKit's marker, so ``resetDatabase(allowingNonTestDatabase:)`` and fixture loads
    /// accept it whatever its name. An existing file is opened as it is and not marked.
    ///
    /// ```swift
    /// let driver = SQLiteDriver.testDatabase(path: "build/scratch.sqlite")
    /// try await fixtures.load(into: driver.connect())
    /// ```
    public static func testDatabase(path: String, configuration: Configuration = Configuration()) -> SQLiteDriver {
        var configuration = configuration
        configuration.marksCreatedFileAsTestDatabase = true
        return SQLiteDriver(location: .file(path: path), configuration: configuration)
    }

    /// A driver for `location` with `configuration`.
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

    public var capability: DriverCapability { configuration.capability }

    public var maxConnections: Int { configuration.maxConnections }

    /// Opens a connection. For a file, creates the file when it is missing, in WAL mode (see
    /// ``Configuration/writeAheadLogging``), marked as a test database only when
    /// ``Configuration/marksCreatedFileAsTestDatabase`` says so.
    public func connect() async throws -> any DatabaseConnection {
        try Connection(handle: openHandle(), cacheCapacity: configuration.statementCacheCapacity, capability: capability)
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
            // Judged before opening: whether a database exists is asked of SQLite (links and
            // URIs resolved), never of the name as written.
            let wasMissing = SQLiteFileTarget.resolve(path) == .missing
            let handle = try SQLiteHandle.open(path, configuration: configuration)
            // The marker goes only on a database just created for tests, still empty.
            let created = try wasMissing && handle.integer("PRAGMA page_count") == 0
            if created && configuration.marksCreatedFileAsTestDatabase {
                try handle.execute("PRAGMA application_id = \(SQLiteHandle.testDatabaseMarker)")
            }
            switch configuration.writeAheadLogging {
            case .always: try handle.execute("PRAGMA journal_mode = WAL")
            case .forNewFiles where created: try handle.execute("PRAGMA journal_mode = WAL")
            case .forNewFiles, .never: break
            }
            return handle
        }
    }
}

extension SQLiteDriver.Configuration {
    /// What connections with these settings report: SQLite's, opening transactions with the
    /// configured behaviour.
    var capability: DriverCapability {
        var capability = DriverCapability.sqlite
        capability.beginTransactionSQL = "BEGIN \(transactionBehavior.rawValue)"
        return capability
    }
}
