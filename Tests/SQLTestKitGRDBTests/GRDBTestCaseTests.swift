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
}
#endif
