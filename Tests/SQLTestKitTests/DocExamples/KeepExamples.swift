import Foundation
import SQLTestKit
import SQLTestKitTesting
import SQLTestKitTestSupport
import Testing
#if canImport(XCTest)
import XCTest
#endif

// The examples of KeepingFailedDatabases.md, as the article shows them. They pass; what they
// keep when they fail is checked by KeepEndToEndTests.

@Suite(.isolatedDatabase(Bookstore.template, keepOnFailure: true))
struct ReviewTests {
    @Test func deletingAReviewKeepsTheBook() async throws {
        let db = try IsolatedDatabase.require()
        try await db.execute("DELETE FROM review WHERE book_id = \(1)")
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book") == 1)
    }
}

#if canImport(XCTest)
final class ReviewCaseTests: DatabaseTestCase {
    override var template: DatabaseTemplate { Bookstore.template }
    override var keepsDatabaseOnFailure: Bool { true }

    func testDeletingAReviewKeepsTheBook() async throws {
        try await db.execute("DELETE FROM review WHERE book_id = \(1)")
        let books = try await db.fetchOne(Int.self, "SELECT count(*) FROM book")
        XCTAssertEqual(books, 1)
    }
}
#endif

@Suite("Keeping failed databases: the article's examples")
struct KeepExamples {
    func importOrders(into db: any DatabaseConnection) async throws {
        try await db.execute("INSERT INTO review(book_id, stars) VALUES (\(1), \(4))")
    }

    @Test func keepingFromAnyCode() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let template = Bookstore.template
        let place = KeepLocation(suite: "Nightly", test: "importsOrders", directory: root)
        try await IsolatedDatabase.with(template, keepingOnFailureAt: place) { db in
            try await importOrders(into: db)
        }
        // It passed: nothing kept.
        #expect(FailingFixtures.keptFiles(in: root).isEmpty)
    }

    @Test func whatAKeepSays() {
        let kept = KeptDatabase.sqliteFile("/app/.build/sqltestkit/failed/ReviewTests/x.sqlite",
                                           test: "ReviewTests/x")
        #expect(kept.openCommand == "sqlite3 '/app/.build/sqltestkit/failed/ReviewTests/x.sqlite'")
    }
}
