import Synchronization
import Testing
import SQLTestKit
import SQLTestKitConformance

@Suite("Every driver passes the conformance suite")
struct DriverConformanceTests {
    @Test func theSQLiteDriver() async {
        let failures = await DriverConformance(driver: SQLiteDriver.inMemory(), level: .database).run()
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test(arguments: DatabaseDialect.allCases)
    func theMock(dialect: DatabaseDialect) async {
        let failures = await DriverConformance(driver: MockDriver(dialect: dialect), level: .protocolOnly).run()
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func aRecordingWrapperAroundSQLite() async {
        let failures = await DriverConformance(driver: RecordingDriver(wrapping: SQLiteDriver.inMemory()), level: .database).run()
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func aRoutedDriverOverSQLiteAndOverMocks() async {
        let overSQLite = RoutedDriver(databases: ["default": SQLiteDriver.inMemory()])
        let sqliteFailures = await DriverConformance(driver: overSQLite, level: .database).run()
        #expect(sqliteFailures.isEmpty, "\(sqliteFailures)")
        let overMocks = RoutedDriver(databases: ["default": MockDriver(), "replica": MockDriver()], router: ReadReplicaRouter())
        let mockFailures = await DriverConformance(driver: overMocks, level: .protocolOnly).run()
        #expect(mockFailures.isEmpty, "\(mockFailures)")
    }

    @Test func theSuiteCatchesABrokenDriver() async {
        // A driver whose inserts report nothing must fail the suite, or the suite proves nothing.
        let mock = MockDriver()
        mock.script(.predicate("every insert") { $0.kind == .insert }, answer: .affected(0), count: .always)
        let failures = await DriverConformance(driver: mock, level: .protocolOnly).run()
        #expect(failures.map(\.description) == ["an insert reports one row affected and a key: rowsAffected was 0"])
        #expect(DriverConformance(driver: mock, level: .database).checkNames.count == 13)
    }

    @Test func theSuiteCatchesAFetchThatSkipsTheInterception() async {
        // fetchAll implemented straight on `run`: raw BEGIN inside a test transaction would
        // reach the database. The suite must say so.
        let failures = await DriverConformance(driver: FetchSkippingDriver(), level: .protocolOnly).run()
        // Its BEGIN opened no level, so the COMMIT that execute intercepts has nothing to close.
        #expect(failures.map { $0.description.prefix { $0 != "\n" } } == [
            "fetchAll, fetchOne and forEachRow absorb raw transaction control like execute: threw SQLITE_ERROR (1): cannot commit - no transaction is active",
        ])
        // The same for a driver whose forEachRow alone runs statements as given.
        let forEachFailures = await DriverConformance(driver: FetchSkippingDriver(skipsInForEachRow: true), level: .protocolOnly).run()
        // Its raw BEGIN opened no level, so the depth stays at the test transaction's.
        #expect(forEachFailures.map(\.description) == [
            "fetchAll, fetchOne and forEachRow absorb raw transaction control like execute: depths after BEGIN, COMMIT, BEGIN and COMMIT were [2, 1, 1, 1], expected [2, 1, 2, 1]",
        ])
    }
}

/// A driver over the mock whose `fetchAll` (or only its `forEachRow`) runs statements as given,
/// skipping what `execute` does inside a test transaction.
private struct FetchSkippingDriver: DatabaseDriver {
    var skipsInForEachRow = false
    let mock = MockDriver()
    var url: String { "broken:" }
    var capability: DriverCapability { mock.capability }
    var maxConnections: Int { 1 }
    func connect() async throws -> any DatabaseConnection { Connection(inner: try await mock.connect(), onlyForEachRow: skipsInForEachRow) }
    func resetDatabase(allowingNonTestDatabase: Bool) async throws {}

    final class Connection: DatabaseConnection {
        let inner: any DatabaseConnection
        let onlyForEachRow: Bool
        let transactionState = TransactionState()
        init(inner: any DatabaseConnection, onlyForEachRow: Bool) {
            self.inner = inner
            self.onlyForEachRow = onlyForEachRow
        }
        var capability: DriverCapability { inner.capability }
        nonisolated(nonsending) func run(_ query: SQLQuery) async throws -> QueryResult { try await inner.run(query) }
        nonisolated(nonsending) func fetchAll(_ query: SQLQuery) async throws -> [ResultRow] {
            onlyForEachRow ? try await execute(query).rows : try await run(query).rows
        }
        nonisolated(nonsending) func forEachRow(_ query: SQLQuery, _ body: (ResultRow) throws -> Void) async throws {
            for row in try await run(query).rows { try body(row) }
        }
        nonisolated(nonsending) func close() async { await inner.close() }
    }
}

/// A driver whose connections refuse one statement and count how many are open.
final class CountingDriver: DatabaseDriver, Sendable {
    let base = SQLiteDriver.inMemory()
    let open = Mutex(0)

    var capability: DriverCapability { base.capability }
    var url: String { "counting:" + base.url }
    var maxConnections: Int { base.maxConnections }

    func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        try await base.resetDatabase(allowingNonTestDatabase: allowingNonTestDatabase)
    }

    func connect() async throws -> any DatabaseConnection {
        open.withLock { $0 += 1 }
        return CountedConnection(wrapping: try await base.connect(), driver: self)
    }
}

final class CountedConnection: DatabaseConnection {
    let wrapped: any DatabaseConnection
    let driver: CountingDriver
    let closed = Mutex(false)
    var capability: DriverCapability { wrapped.capability }
    var transactionState: TransactionState { wrapped.transactionState }

    init(wrapping wrapped: any DatabaseConnection, driver: CountingDriver) {
        self.wrapped = wrapped
        self.driver = driver
    }

    nonisolated(nonsending)
    func run(_ query: SQLQuery) async throws -> QueryResult {
        if query.sql.contains("conformance_u") { throw QueryError(code: .error, message: "refused for the test", sql: query.sql) }
        return try await wrapped.run(query)
    }

    nonisolated(nonsending)
    func close() async {
        if closed.withLock({ let was = $0; $0 = true; return was }) { return }
        driver.open.withLock { $0 -= 1 }
        await wrapped.close()
    }
}

@Suite("The conformance suite itself")
struct ConformanceSuiteTests {
    @Test func aCheckThatThrowsStillClosesItsConnection() async {
        let driver = CountingDriver()
        let failures = await DriverConformance(driver: driver, level: .database).run()
        #expect(failures.map(\.check) == ["a unique violation is recognised by its code"])
        #expect(failures.first?.detail.hasPrefix("threw") == true)
        #expect(driver.open.withLock { $0 } == 0)
    }
}
