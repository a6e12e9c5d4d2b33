import SQLTestKit
import SQLTestKitTesting
import XCTest

/// The XCTest base class: each test starts from the template and its changes are rolled back.
final class DatabaseTestCaseTests: DatabaseTestCase {
    override var template: DatabaseTemplate { TestBookstore.template }

    func testDeletingReviewsIsInvisibleToOtherTests() async throws {
        let before = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
        XCTAssertEqual(before, 3)
        try await db.execute("DELETE FROM review")
        let after = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
        XCTAssertEqual(after, 0)
    }

    func testRenamingABookIsInvisibleToOtherTests() async throws {
        let reviews = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
        XCTAssertEqual(reviews, 3)
        try await db.execute("UPDATE book SET title = 'Renamed' WHERE id = 1")
        XCTAssertTrue(db.transactionState.isInTestTransaction)
    }

    func testSynchronousTestsGetTheSameSetUp() throws {
        XCTAssertTrue(db.transactionState.isInTestTransaction)
    }

    /// Code the test calls finds the test's database as it would under the Swift Testing
    /// trait: `IsolatedDatabase.current`, in the test and in tasks it starts.
    func testCodeTheTestCallsFindsTheDatabase() async throws {
        try await Self.deleteReviews()
        let left = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
        XCTAssertEqual(left, 0)
        let seen = try await Task { try await IsolatedDatabase.require().fetchOne(Int.self, "SELECT count(*) FROM review") }.value
        XCTAssertEqual(seen, 0)
        XCTAssertTrue(IsolatedDatabase.current.map { $0 === db as AnyObject } ?? false)
    }

    static func deleteReviews() async throws {
        try await IsolatedDatabase.require().execute("DELETE FROM review")
    }
}
