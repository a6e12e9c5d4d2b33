import SQLTestKit
import SQLTestKitTesting
import XCTest

final class BookXCTests: DatabaseTestCase {
    override var template: DatabaseTemplate { Bookstore.template }   // the template above

    func testDeletingReviews() async throws {
        try await db.execute("DELETE FROM review")   // rolled back in tearDown
        let left = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
        XCTAssertEqual(left, 0)
    }
}
