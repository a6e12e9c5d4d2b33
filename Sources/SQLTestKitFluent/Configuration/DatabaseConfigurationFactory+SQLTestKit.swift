#if Fluent
import FluentKit
import NIOCore
import SQLTestKit
import Synchronization

extension DatabaseConfigurationFactory {
    /// A Fluent database on an SQLTestKit driver: the mock, SQLite in memory or on file, a
    /// recording wrapper, a routed driver. Fluent's databases share one connection of it,
    /// opened when first used.
    ///
    /// ```swift
    /// let mock = MockDriver(dialect: .sqlite)
    /// app.databases.use(.sqlTestKit(mock), as: .sqlite)
    /// ```
    public static func sqlTestKit(_ driver: any SQLTestKit.DatabaseDriver) -> DatabaseConfigurationFactory {
        DatabaseConfigurationFactory { SQLTestKitFluentConfiguration(source: ConnectionSource(driver: driver)) }
    }

    /// A Fluent database on an open SQLTestKit connection, such as a test's isolated database
    /// (`IsolatedDatabase.require()`): everything Fluent does runs inside that test's
    /// transaction and is rolled back with it.
    ///
    /// ```swift
    /// databases.use(.sqlTestKit(try IsolatedDatabase.require()), as: .sqlite)
    /// ```
    public static func sqlTestKit(_ connection: any DatabaseConnection) -> DatabaseConfigurationFactory {
        DatabaseConfigurationFactory { SQLTestKitFluentConfiguration(source: ConnectionSource(connection: connection)) }
    }
}

/// Where a Fluent database's statements go: an open connection, or a driver's connection
/// opened on first use and shared.
final class ConnectionSource: Sendable {
    private enum State {
        case driver(any SQLTestKit.DatabaseDriver)
        case connecting(Task<any DatabaseConnection, any Error>)
        case connected(any DatabaseConnection)
    }

    private let state: Mutex<State>
    /// How Fluent's queries are rendered, bound and decoded on the database (its dialect is
    /// known before it is opened), or why they cannot be.
    private let fluentDialectOrError: Result<any FluentDialect, FluentUnsupportedError>
    /// One Fluent transaction at a time on the shared connection.
    let gate = TransactionGate()
    /// Whether the connection was opened here (and is closed at shutdown).
    private let owned: Bool

    init(driver: any SQLTestKit.DatabaseDriver) {
        state = Mutex(.driver(driver))
        owned = true
        fluentDialectOrError = driver.capability.dialect.fluentDialect
    }

    init(connection: any DatabaseConnection) {
        state = Mutex(.connected(connection))
        owned = false
        fluentDialectOrError = connection.capability.dialect.fluentDialect
    }

    /// The dialect's Fluent rendering; SQLite's where there is none, so SQLKit can still
    /// render, while ``supportedFluentDialect()`` refuses to send anything.
    var fluentDialect: any FluentDialect {
        (try? fluentDialectOrError.get()) ?? SQLiteFluentDialect()
    }

    /// The dialect's Fluent rendering, or the error saying why this database has none.
    func supportedFluentDialect() throws -> any FluentDialect {
        try fluentDialectOrError.get()
    }

    func connection() async throws -> any DatabaseConnection {
        let task: Task<any DatabaseConnection, any Error> = state.withLock { state in
            switch state {
            case .connected(let connection):
                return Task { connection }
            case .connecting(let task):
                return task
            case .driver(let driver):
                let task = Task { try await driver.connect() }
                state = .connecting(task)
                return task
            }
        }
        let connection = try await task.value
        state.withLock { if case .connecting = $0 { $0 = .connected(connection) } }
        return connection
    }

    func shutdown() async {
        guard owned, let connection = state.withLock({ state -> (any DatabaseConnection)? in
            if case .connected(let connection) = state { return connection }
            return nil
        }) else { return }
        await connection.close()
    }
}

struct SQLTestKitFluentConfiguration: DatabaseConfiguration {
    let source: ConnectionSource
    var middleware: [any AnyModelMiddleware] = []

    func makeDriver(for databases: Databases) -> any FluentKit.DatabaseDriver {
        SQLTestKitFluentDriver(source: source)
    }
}

struct SQLTestKitFluentDriver: FluentKit.DatabaseDriver {
    let source: ConnectionSource

    func makeDatabase(with context: DatabaseContext) -> any Database {
        SQLTestKitFluentDatabase(source: source, context: context, inTransaction: false)
    }

    func shutdown() {}

    func shutdownAsync() async { await source.shutdown() }
}

extension DatabaseID {
    /// An ID for an SQLTestKit database, for code without fluent-sqlite-driver's `.sqlite`
    /// (an app that has it can keep using `.sqlite`).
    ///
    /// ```swift
    /// databases.use(.sqlTestKit(mock), as: .sqlTestKit)
    /// ```
    public static var sqlTestKit: DatabaseID { DatabaseID(string: "sqltestkit") }
}
#endif
