#if GRDB
#if canImport(XCTest)
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import XCTest

final class GRDBTestCaseTests: GRDBTestCase {
    override var template: GRDBTemplate { TestApp.template }

    func testEachTestStartsFromTheTemplate() async throws {
        let count = try await dbQueue.read { db in try Player.fetchCount(db) }
        XCTAssertEqual(count, 3)
        try await dbQueue.write { db in try db.execute(sql: "DELETE FROM player") }
        XCTAssertEqual(log.statements(.excludingNoise).map(\.sql).last, "DELETE FROM player")
    }

    func testAnotherTestSeesNoneOfThat() async throws {
        let count = try await dbQueue.read { db in try Player.fetchCount(db) }
        XCTAssertEqual(count, 3)
    }

    /// Code under test that finds its database the way the docs say, with no parameter.
    private static func renameArthur() async throws {
        let writer = try GRDBTestDatabase.require()
        try await writer.write { db in try db.execute(sql: "UPDATE player SET name = 'Art' WHERE name = 'Arthur'") }
    }

    func testCodeUnderTestReachesThisTestsDatabaseThroughCurrent() async throws {
        let current = try XCTUnwrap(GRDBTestDatabase.current as? DatabaseQueue)
        XCTAssertTrue(current === dbQueue)
        XCTAssertTrue(try GRDBTestDatabase.requireLog() === log)
        try await Self.renameArthur()
        let names = try await dbQueue.read { db in try String.fetchAll(db, sql: "SELECT name FROM player ORDER BY name") }
        XCTAssertEqual(names, ["Art", "Ford", "Trillian"])
        XCTAssertTrue(log.statements(.excludingNoise).map(\.sql).contains("UPDATE player SET name = 'Art' WHERE name = 'Arthur'"))
        // A task the test starts sees it too.
        let fromTask = await Task { GRDBTestDatabase.current as? DatabaseQueue }.value
        XCTAssertTrue(fromTask === dbQueue)
    }

    func testASynchronousTestSeesItToo() throws {
        let current = try XCTUnwrap(GRDBTestDatabase.current as? DatabaseQueue)
        XCTAssertTrue(current === dbQueue)
    }
}
#endif
#endif
