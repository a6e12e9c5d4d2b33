#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import SQLTestKitTestSupport
import Testing
#if canImport(XCTest)
import XCTest
#endif

// Tests that fail on purpose, to see what they keep: run only by `GRDBKeepTests`, in a process
// of their own (see `FailingFixtures`).

@Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped), .grdbDatabase(TestApp.template, keepOnFailure: true))
struct GRDBKeepFixtureQueue {
    @Test func failsAfterRenaming() async throws {
        try await renameArthur(to: "Zaphod")
        #expect(Bool(false), "fails on purpose")
    }

    @Test func passesAfterRenaming() async throws {
        try await renameArthur(to: "Marvin")
    }
}

@Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped), .grdbDatabasePool(TestApp.template))
struct GRDBKeepFixturePool {
    @Test func throwsAfterRenaming() async throws {
        try await renameArthur(to: "Eddie")
        try await GRDBTestDatabase.require().write { db in try db.execute(sql: "SELECT * FROM missing_table") }
    }
}

#if canImport(XCTest)
final class GRDBKeepFixtureCase: GRDBTestCase {
    override var template: GRDBTemplate { TestApp.template }

    override func setUp() async throws {
        try XCTSkipUnless(FailingFixtures.areOn, "fails on purpose; run in a process of its own by the test that checks it")
        try await super.setUp()
    }

    func testFailsAfterRenaming() async throws {
        try await dbQueue.write { db in try db.execute(sql: "UPDATE player SET name = 'Slartibartfast' WHERE name = 'Ford'") }
        XCTFail("fails on purpose")
    }
}
#endif

/// GRDB's per-test databases, kept when their test fails.
@Suite("GRDB: keeping a failed test's database", .enabled(if: BuiltBinary.runningTests != nil && !FailingFixtures.areOn))
struct GRDBKeepTests {
    static func names(in path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT name FROM player ORDER BY name") }
    }

    @Test func theTraitsKeepTheQueueOrPoolOfAFailedTest() throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (status, output) = try FailingFixtures.run(["--testing-library", "swift-testing", "--filter", "SQLTestKitGRDBTests.GRDBKeepFixture"], keepingIn: root)
        #expect(status != 0)
        #expect(FailingFixtures.keptFiles(in: root) == ["GRDBKeepFixturePool/throwsAfterRenaming.sqlite", "GRDBKeepFixtureQueue/failsAfterRenaming.sqlite"])
        for name in ["GRDBKeepFixtureQueue/failsAfterRenaming", "GRDBKeepFixturePool/throwsAfterRenaming"] {
            #expect(output.contains("kept the database of the failed test \(name): sqlite3 '\(root)/\(name).sqlite'"), "\(output)")
        }
        #expect(try Self.names(in: root + "/GRDBKeepFixtureQueue/failsAfterRenaming.sqlite") == ["Ford", "Trillian", "Zaphod"])
        #expect(try Self.names(in: root + "/GRDBKeepFixturePool/throwsAfterRenaming.sqlite") == ["Eddie", "Ford", "Trillian"])
    }

    @Test func grdbTestCaseKeepsTheDatabaseOfAFailedTest() throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (status, output) = try FailingFixtures.run(["SQLTestKitGRDBTests.GRDBKeepFixtureCase"], keepingIn: root)
        #expect(status != 0)
        #expect(FailingFixtures.keptFiles(in: root) == ["GRDBKeepFixtureCase/testFailsAfterRenaming.sqlite"])
        #expect(output.contains("kept the database of the failed test GRDBKeepFixtureCase/testFailsAfterRenaming: sqlite3 '\(root)/GRDBKeepFixtureCase/testFailsAfterRenaming.sqlite'"))
        #expect(try Self.names(in: root + "/GRDBKeepFixtureCase/testFailsAfterRenaming.sqlite") == ["Arthur", "Slartibartfast", "Trillian"])
    }

    @Test func aPassingTestRemovesAnEarlierKeep() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = KeepLocation(suite: "Players", test: "renames", directory: root)
        let lines = CollectedLines()
        try await GRDBTestDatabase.with(TestApp.template, keepingOnFailureAt: location, hasFailed: { true }, report: lines.append) { queue in
            try await queue.write { db in try db.execute(sql: "DELETE FROM player WHERE name = 'Ford'") }
        }
        #expect(try Self.names(in: location.sqliteFile) == ["Arthur", "Trillian"])
        #expect(lines.all == ["kept the database of the failed test Players/renames: sqlite3 '\(location.sqliteFile)'"])
        try await GRDBTestDatabase.with(TestApp.template, keepingOnFailureAt: location, report: lines.append) { _ in }
        #expect(!FileManager.default.fileExists(atPath: location.sqliteFile))
        #expect(lines.all.count == 1)
    }
}
#endif
