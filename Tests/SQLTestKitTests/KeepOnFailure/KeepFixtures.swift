import Foundation
import SQLTestKit
import SQLTestKitTesting
import SQLTestKitTestSupport
import Testing
#if canImport(XCTest)
import XCTest
#endif

// Tests that fail on purpose, to see what they keep: run only by `KeepEndToEndTests`, in a
// process of their own (see `FailingFixtures`).

@Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped), .isolatedDatabase(KeepOnFailureTests.template, keepOnFailure: true))
struct KeepFixtureSuite {
    @Test func failsAfterDeleting() async throws {
        let db = try IsolatedDatabase.require()
        try await db.execute("DELETE FROM book WHERE title = \("Notes")")
        #expect(Bool(false), "fails on purpose")
    }

    @Test func passesAfterDeleting() async throws {
        let db = try IsolatedDatabase.require()
        try await db.execute("DELETE FROM book WHERE title = \("Notes")")
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book") == 1)
    }

    @Test(arguments: [3, 7]) func failsWith(id: Int) async throws {
        let db = try IsolatedDatabase.require()
        try await db.execute("INSERT INTO author VALUES (\(id), \("Author \(id)"))")
        #expect(id == 0, "fails on purpose")
    }

    @Test func throwsAfterInserting() async throws {
        let db = try IsolatedDatabase.require()
        try await db.transaction { db in
            try await db.execute("INSERT INTO author VALUES (\(9), \("Committed"))")
        }
        try await db.execute("SELECT * FROM missing_table")
    }

    @Test func hasAKnownIssue() async throws {
        let db = try IsolatedDatabase.require()
        try await db.execute("DELETE FROM audit")
        withKnownIssue { Issue.record("known, so not a failure") }
    }
}

@Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped), .isolatedDatabase(KeepOnFailureTests.template, keepOnFailure: false))
struct KeepFixtureNever {
    @Test func failsButKeepsNothing() async throws {
        try await IsolatedDatabase.require().execute("DELETE FROM book")
        #expect(Bool(false), "fails on purpose")
    }
}

@Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped), .isolatedDatabase(KeepOnFailureTests.template))
struct KeepFixtureByEnvironment {
    @Test func fails() async throws {
        try await IsolatedDatabase.require().execute("DELETE FROM audit")
        #expect(Bool(false), "fails on purpose")
    }
}

#if canImport(XCTest)
final class KeepFixtureCase: DatabaseTestCase {
    override var template: DatabaseTemplate { KeepOnFailureTests.template }

    override func setUp() async throws {
        try XCTSkipUnless(FailingFixtures.areOn, "fails on purpose; run in a process of its own by the test that checks it")
        try await super.setUp()
    }

    func testFailsAfterInserting() async throws {
        try await db.execute("INSERT INTO author VALUES (\(5), \("Failing"))")
        XCTFail("fails on purpose")
    }

    func testThrowsAfterDeleting() async throws {
        try await db.execute("DELETE FROM audit")
        try await db.execute("SELECT * FROM missing_table")
    }

    func testPasses() async throws {
        try await db.execute("INSERT INTO author VALUES (\(6), \("Passing"))")
        let count = try await db.fetchOne(Int.self, "SELECT count(*) FROM author")
        XCTAssertEqual(count, 3)
    }
}
#endif
