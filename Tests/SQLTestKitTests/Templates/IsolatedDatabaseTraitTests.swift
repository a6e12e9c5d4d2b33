import Testing
import SQLTestKit
import SQLTestKitTesting

/// 200 tests in parallel, all changing the same rows of the same template: each must see only
/// its own change. Each argument of the parameterized test gets its own database.
@Suite(.isolatedDatabase(TestBookstore.template))
struct IsolatedDatabaseTraitTests {
    @Test(arguments: 0..<200)
    func parallelTestsNeverSeeEachOthersChanges(index: Int) async throws {
        let db = try IsolatedDatabase.require()
        let title = "Dune, edition \(index)"
        try await db.execute("UPDATE book SET title = \(title) WHERE id = \(1)")
        try await db.execute("INSERT INTO review(book_id, reviewer, rating, created_at) VALUES (1, \("test \(index)"), 3, '2024-03-01')")
        await Task.yield()
        #expect(try await db.fetchOne(String.self, "SELECT title FROM book WHERE id = 1") == title)
        #expect(try await db.fetchAll(String.self, "SELECT reviewer FROM review WHERE book_id = 1 ORDER BY id") == ["ann", "bob", "test \(index)"])
    }

    @Test func codeThatCommitsRollsBackAndNestsLeavesNothing() async throws {
        let db = try IsolatedDatabase.require()
        try await db.execute("BEGIN")
        try await db.execute("DELETE FROM review")
        try await db.execute("COMMIT")
        try await db.transaction { db in
            try await db.execute("DELETE FROM book_tag")
            try await db.transaction { db in try await db.execute("DELETE FROM tag") }
        }
        try await db.execute("BEGIN")
        try await db.execute("DELETE FROM book WHERE id = 3")
        try await db.execute("ROLLBACK")
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM review") == 0)
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book") == 3)
        // Whatever this test did is invisible to a new clone of the same template.
        let fresh = try await SQLiteDriver.cloning(TestBookstore.template).connect()
        #expect(try await fresh.fetchOne(Int.self, "SELECT count(*) FROM review") == 3)
        #expect(try await fresh.fetchOne(Int.self, "SELECT count(*) FROM tag") == 2)
    }

    @Test func codeUnderTestReachesTheDatabaseThroughTheTaskLocal() async throws {
        func countBooks() async throws -> Int? {   // code that does not receive `db`
            try await IsolatedDatabase.require().fetchOne(Int.self, "SELECT count(*) FROM book")
        }
        #expect(try await countBooks() == 3)
        #expect(IsolatedDatabase.current?.transactionState.isInTestTransaction == true)
    }
}
