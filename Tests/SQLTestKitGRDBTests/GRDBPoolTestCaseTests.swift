#if GRDB
#if canImport(XCTest)
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import XCTest

final class GRDBPoolTestCaseTests: GRDBPoolTestCase {
    override var template: GRDBTemplate {
        GRDBTemplate(migrator: RealApp.migrator, fixtures: RealApp.fixtures, configuration: RealApp.configuration)
    }

    /// Every test's pool file, to check afterwards that none outlived its test.
    nonisolated(unsafe) static var files: [String] = []

    func testEachTestGetsAPoolOnAFileOfItsOwn() async throws {
        let path = dbPool.path
        Self.files.append(path)
        XCTAssertTrue(path.contains("sqltestkit-grdb-test-"))
        let journal = try await dbPool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(journal, "wal")
        try await dbPool.write { db in try db.execute(sql: "DELETE FROM article") }
        let left = try await dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM article") }
        XCTAssertEqual(left, 0)
        XCTAssertTrue(log.statements(.excludingNoise).map(\.sql).contains("DELETE FROM article"))
        // The app's configuration is on every connection of the pool, readers included.
        let slug = try await dbPool.read { db in try String.fetchOne(db, sql: "SELECT slugify('A B')") }
        XCTAssertEqual(slug, "a-b")
    }

    func testAnotherTestStartsFromTheTemplateAgain() async throws {
        Self.files.append(dbPool.path)
        let count = try await dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM article") }
        XCTAssertEqual(count, 1)
        let current = try XCTUnwrap(GRDBTestDatabase.current as? DatabasePool)
        XCTAssertTrue(current === dbPool)
    }

    override class func tearDown() {
        // Both tests ran: their files are gone.
        for path in files { XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) outlived its test") }
        super.tearDown()
    }
}
#endif
#endif
