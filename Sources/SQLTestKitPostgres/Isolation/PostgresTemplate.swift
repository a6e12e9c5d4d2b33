#if PostgreSQL
import Foundation
import SQLTestKit
import Synchronization

/// Per-test PostgreSQL databases, in two modes, both safe for tests running in parallel:
///
/// - ``Mode/transaction``: each test gets a connection of its own inside a test transaction on
///   a database made once from the template (the code's `BEGIN`/`COMMIT`/`ROLLBACK` become
///   savepoints; everything is rolled back when the test ends). The fastest; tests that change
///   the same rows wait for each other's row locks.
/// - ``Mode/database``: each test gets a private database, `CREATE DATABASE … TEMPLATE`,
///   dropped after the test. The code can commit, run DDL, `VACUUM`, open more connections.
///
/// The template database is built once from a schema and fixtures, named after a hash of
/// their content (`sqltestkit_<hash>`), so a changed schema gets a new template and an
/// unchanged one is reused — across processes too: building takes a PostgreSQL advisory lock,
/// so parallel `swift test` processes or CI shards never race.
///
/// ```swift
/// let template = try PostgresTemplate(url: "postgres://postgres@127.0.0.1:5432/postgres",
///                                     schema: schemaSQL, fixtures: FixtureSet(directory: "Fixtures"))
///
/// @Test(.isolatedDatabase(template))
/// func deletesAReview() async throws {
///     let db = try IsolatedDatabase.require()
///     try await db.execute("DELETE FROM review WHERE id = \(1)")
/// }
/// ```
///
/// Every database it creates carries SQLTestKit's marker (its comment), so destructive
/// operations know it is a test database.
///
/// Nothing a test does survives into another test or another run. Transaction mode runs on a
/// copy of the template made for this process (`…_tx_r<run>_<n>`), never on one a previous run
/// used, and the server itself refuses to commit a test transaction (see
/// <doc:PostgreSQL#The-commit-guard>): a `COMMIT` sent past SQLTestKit fails that test, naming
/// the statement, with nothing committed. If a statement still ends a test transaction (the
/// server's command tag says so after every statement), that test fails the same way and the
/// tests after it get a fresh copy. Databases of runs that are gone (crashed, or ended) are dropped by the
/// next run on the server (see <doc:PostgreSQL#Leftovers-of-earlier-runs>).
public struct PostgresTemplate: IsolatedDatabaseSource {
    /// How a test is isolated.
    public enum Mode: String, Sendable, Hashable {
        /// A connection inside a test transaction, rolled back after the test.
        case transaction
        /// A private database copied from the template, dropped after the test.
        case database
    }

    /// The server, logged in as a role that may create databases; its `database` is the one
    /// the template connects to for `CREATE DATABASE` (`postgres`). `nil`: the process's
    /// ``PostgresTestServer``, found when the first test runs.
    public var server: PostgresDriver.Configuration?
    /// The statements that create the schema.
    public var schema: String
    /// Fixtures loaded into the template after the schema.
    public var fixtures: FixtureSet?
    /// How each test is isolated.
    public var mode: Mode
    /// At most this many tests hold a database at once; the others wait their turn (a
    /// server accepts a limited number of connections).
    public var maxConcurrentTests: Int

    /// A template on a server.
    public init(server: PostgresDriver.Configuration?, schema: String, fixtures: FixtureSet? = nil, mode: Mode = .transaction,
                maxConcurrentTests: Int = 64) {
        self.server = server
        self.schema = schema
        self.fixtures = fixtures
        self.mode = mode
        self.maxConcurrentTests = maxConcurrentTests
    }

    /// A template on the server a URL names (`postgres://postgres@127.0.0.1:5432/postgres`).
    ///
    /// - Throws: ``PostgresURLError``.
    public init(url: String, schema: String, fixtures: FixtureSet? = nil, mode: Mode = .transaction) throws {
        self.init(server: try PostgresDriver.Configuration(url: url), schema: schema, fixtures: fixtures, mode: mode)
    }

    /// A template on the process's throwaway server (``PostgresTestServer/shared()``, or the
    /// server `SQLTESTKIT_POSTGRES_URL` names), found when the first test runs: usable in a
    /// trait, which needs its template before any server is started.
    ///
    /// ```swift
    /// @Test(.isolatedDatabase(PostgresTemplate.onTestServer(schema: schemaSQL)))
    /// func addsANote() async throws { … }
    /// ```
    public static func onTestServer(schema: String, fixtures: FixtureSet? = nil, mode: Mode = .transaction) -> PostgresTemplate {
        PostgresTemplate(server: nil, schema: schema, fixtures: fixtures, mode: mode)
    }

    /// The server this template builds on.
    public func resolvedServer() async throws -> PostgresDriver.Configuration {
        if let server { return server }
        return try await PostgresTestServer.shared().configuration
    }

    /// The same template in another mode.
    public func mode(_ mode: Mode) -> PostgresTemplate {
        var copy = self
        copy.mode = mode
        return copy
    }

    /// The hash of the schema and fixtures that names the template database.
    public var contentHash: String {
        DatabaseTemplate(schema: schema, fixtures: fixtures).contentHash
    }

    /// The template database's name.
    public var templateName: String { "sqltestkit_" + contentHash }

    // MARK: - Isolation

    public func openIsolated() async throws -> any DatabaseConnection {
        let server = try await resolvedServer()
        try await prepare()
        let gate = Self.gate(for: server, limit: maxConcurrentTests)
        await gate.acquire()
        do {
            switch mode {
            case .transaction:
                let name = try await transactionDatabase(on: server)
                let key = preparedKey(on: server)
                let db = if let idle = Self.takeIdleConnection(to: name) {
                    idle
                } else {
                    try await PostgresDriver(configuration: server.database(name)).open(onTestTransactionLoss: { _ in
                        // What the lost transaction did may be committed there: later tests get a new copy.
                        Self.retireTransactionDatabase(name, key: key)
                    })
                }
                do {
                    try await db.beginTestTransaction()
                } catch {
                    await db.close()
                    throw error
                }
                return db
            case .database:
                let unique = UUID().uuidString.prefix(12).lowercased().replacing("-", with: "")
                let name = "sqltestkit_\(contentHash.prefix(8))_\(PostgresRun.tag)_\(unique)"
                try await Self.onServer(server) { admin in
                    try await Self.createMarkedDatabase(name, copying: templateName, on: admin)
                }
                do {
                    return try await PostgresDriver(configuration: server.database(name)).open()
                } catch {
                    try? await Self.drop(name, on: server)
                    throw error
                }
            }
        } catch {
            gate.release()
            throw error
        }
    }

    public func closeIsolated(_ db: any DatabaseConnection) async throws {
        let server = try await resolvedServer()
        defer { Self.gate(for: server, limit: maxConcurrentTests).release() }
        switch mode {
        case .transaction:
            let loss = (db as? PostgresDriver.Connection)?.testTransactionLoss
            if loss == nil, let postgres = db as? PostgresDriver.Connection {
                // Rolled back, then kept for the next test on the same database.
                do {
                    try await postgres.endTestTransaction()
                } catch {
                    await postgres.close()
                    throw error
                }
                await Self.park(postgres, limit: maxConcurrentTests)
                return
            }
            do {
                try await IsolatedDatabase.close(db)
            } catch {
                // The loss says what happened; the failed rollback after it says less.
                if let loss { throw loss }
                throw error
            }
            // Thrown even when the code under test caught the statement's error: the test must fail.
            if let loss { throw loss }
        case .database:
            let name = (db as? PostgresDriver.Connection)?.driver.configuration.database
            await db.close()
            if let name { try await Self.drop(name, on: server) }
        }
    }

    // MARK: - Building the template

    /// Builds the template database (and the database transaction mode runs in) unless it
    /// exists: once per process, and under an advisory lock across processes.
    public func prepare() async throws {
        let server = try await resolvedServer()
        try await PostgresRun.register(on: server)
        let key = preparedKey(on: server)
        let task = Self.prepared.withLock { prepared in
            if let task = prepared[key] { return task }
            let task = Task { try await build(on: server) }
            prepared[key] = task
            return task
        }
        do {
            try await task.value
        } catch {
            // A failed build is tried again by the next test, not remembered as a failure.
            _ = Self.prepared.withLock { $0.removeValue(forKey: key) }
            throw error
        }
    }

    func build(on server: PostgresDriver.Configuration) async throws {
        let name = templateName
        try await Self.onServer(server) { admin in
            // One builder at a time for this template, across processes.
            try await admin.execute(SQLQuery(sql: "SELECT pg_advisory_lock(hashtext(?))", arguments: [.text(name)]))
            do {
                if try await !Self.exists(name, admin: admin) {
                    // Built under another name and renamed when complete: a crash mid-build
                    // leaves no half-made template behind under the real name.
                    let building = name + "_building"
                    try await Self.dropDatabase(building, on: admin)
                    try await Self.createMarkedDatabase(building, on: admin)
                    let db = try await PostgresDriver(configuration: server.database(building)).open()
                    do {
                        try await db.closing { db in
                            try await db.executeScript(schema)
                            if let fixtures { try await fixtures.load(into: db) }
                        }
                    } catch {
                        try? await Self.dropDatabase(building, on: admin)
                        throw TemplateError(message: "the PostgreSQL template could not be built: \(error)",
                                            suggestion: "fix the schema or fixtures; the template database is built again on the next run")
                    }
                    try await admin.execute(SQLQuery(sql: "ALTER DATABASE \(Self.quote(building)) RENAME TO \(Self.quote(name))"))
                }
            } catch {
                _ = try? await admin.execute(SQLQuery(sql: "SELECT pg_advisory_unlock(hashtext(?))", arguments: [.text(name)]))
                throw error
            }
            try await admin.execute(SQLQuery(sql: "SELECT pg_advisory_unlock(hashtext(?))", arguments: [.text(name)]))
        }
    }

    /// Drops the template and the database transaction mode uses, so the next test builds
    /// them again (after changing what a migration does without changing its text, say).
    public func dropTemplate() async throws {
        let server = try await resolvedServer()
        let key = preparedKey(on: server)
        let copy = Self.transactionDatabases.withLock { $0.current.removeValue(forKey: key) }
        let copyName = try? await copy?.task.value
        try await Self.onServer(server) { admin in
            for name in [copyName, templateName].compactMap({ $0 }) {
                try await Self.dropDatabase(name, on: admin)
            }
        }
        _ = Self.prepared.withLock { $0.removeValue(forKey: key) }
    }

    // MARK: - Transaction mode's database

    /// This process's copies of templates that transaction mode runs in, by template and server.
    private struct TransactionDatabases {
        /// The copy each template hands out now (being made, or made).
        var current: [String: (name: String, task: Task<String, any Error>)] = [:]
        /// How many copies this run has made of each template, so a retired copy's name is
        /// never made again.
        var made: [String: Int] = [:]
    }

    private static let transactionDatabases = Mutex(TransactionDatabases())

    /// The name of the copy transaction-mode tests of this run use, made when first asked for
    /// (or after the last one was retired).
    func transactionDatabase(on server: PostgresDriver.Configuration) async throws -> String {
        let key = preparedKey(on: server)
        let template = templateName
        let entry = Self.transactionDatabases.withLock { databases in
            if let entry = databases.current[key] { return entry }
            databases.made[key, default: 0] += 1
            let name = "\(template)_tx_\(PostgresRun.tag)_\(databases.made[key]!)"
            let entry = (name: name, task: Task {
                try await Self.onServer(server) { admin in try await Self.createMarkedDatabase(name, copying: template, on: admin) }
                // Every test transaction on it arms the guard, so the server refuses to commit one.
                try await Self.onServer(server.database(name)) { db in
                    for statement in PostgresCommitGuard.installStatements { try await db.execute(SQLQuery(sql: statement)) }
                }
                return name
            })
            databases.current[key] = entry
            return entry
        }
        do {
            return try await entry.task.value
        } catch {
            // Not made: the next test tries again (under a new name).
            Self.retireTransactionDatabase(entry.name, key: key)
            throw error
        }
    }

    /// Stops handing out `name` to new tests (it may hold what a lost test transaction
    /// committed); the next test makes a new copy. The old one is dropped by the next run.
    static func retireTransactionDatabase(_ name: String, key: String) {
        transactionDatabases.withLock { databases in
            if databases.current[key]?.name == name { databases.current[key] = nil }
        }
        closeIdleConnections(to: name)
    }

    // MARK: - Helpers

    private static let prepared = Mutex<[String: Task<Void, any Error>]>([:])
    private static let gates = Mutex<[String: AsyncGate]>([:])

    static func gate(for server: PostgresDriver.Configuration, limit: Int) -> AsyncGate {
        let key = serverKey(server)
        return gates.withLock { gates in
            if let gate = gates[key] { return gate }
            let gate = AsyncGate(limit: limit)
            gates[key] = gate
            return gate
        }
    }

    /// This template's entry in the process-wide cache of prepared templates.
    private func preparedKey(on server: PostgresDriver.Configuration) -> String {
        Self.serverKey(server) + "/" + templateName
    }

    /// Which server a process-wide cache entry is for.
    private static func serverKey(_ server: PostgresDriver.Configuration) -> String {
        server.host + ":" + String(server.port)
    }

    static func quote(_ name: String) -> String { DatabaseDialect.postgres.quoteIdentifier(name) }

    private static func exists(_ name: String, admin: any DatabaseConnection) async throws -> Bool {
        try await admin.fetchOne(SQLQuery(sql: "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?", arguments: [.text(name)])) != nil
    }

    static func drop(_ name: String, on server: PostgresDriver.Configuration) async throws {
        try await onServer(server) { try await dropDatabase(name, on: $0) }
    }

    /// Creates a database that carries SQLTestKit's marker: empty, or a copy of `template`.
    package static func createMarkedDatabase(_ name: String, copying template: String? = nil, on admin: any DatabaseConnection) async throws {
        let copy = template.map { " TEMPLATE \(quote($0)) STRATEGY FILE_COPY" } ?? ""
        try await admin.execute(SQLQuery(sql: "CREATE DATABASE \(quote(name))\(copy)"))
        try await admin.execute(SQLQuery(sql: "COMMENT ON DATABASE \(quote(name)) IS '\(PostgresCatalog.testDatabaseMarker)'"))
    }

    /// Drops a database, ending the sessions still on it.
    static func dropDatabase(_ name: String, on admin: any DatabaseConnection) async throws {
        try await admin.execute(SQLQuery(sql: "DROP DATABASE IF EXISTS \(quote(name)) WITH (FORCE)"))
    }

    /// Runs `body` with a new, empty database of this run on `server`, dropped afterwards. It
    /// carries SQLTestKit's marker and the run's tag, so a run that dies first leaves it to the
    /// next run's cleanup (see ``PostgresRun``).
    package static func withScratchDatabase<Result>(_ purpose: String, on server: PostgresDriver.Configuration,
                                                    _ body: (PostgresDriver.Configuration) async throws -> Result) async throws -> Result {
        try await PostgresRun.register(on: server)
        let unique = UUID().uuidString.prefix(12).lowercased().replacing("-", with: "")
        let name = "sqltestkit_\(purpose)_\(PostgresRun.tag)_\(unique)"
        try await onServer(server) { try await createMarkedDatabase(name, on: $0) }
        do {
            let result = try await body(server.database(name))
            try await drop(name, on: server)
            return result
        } catch {
            try? await drop(name, on: server)
            throw error
        }
    }

    /// Runs `body` on a connection to the server's maintenance database, closed afterwards.
    @discardableResult
    package static func onServer<Result>(_ server: PostgresDriver.Configuration, _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        try await PostgresDriver(configuration: server).open().closing { try await body($0) }
    }
}

/// At most `limit` holders at once; the others wait in order.
final class AsyncGate: Sendable {
    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
#endif
