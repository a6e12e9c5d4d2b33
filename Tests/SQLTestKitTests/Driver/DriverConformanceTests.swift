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
        #expect(DriverConformance(driver: mock, level: .database).checkNames.count == 9)
    }
}
