#if PostgreSQL && canImport(XCTest)
import SQLTestKit
import SQLTestKitPostgres
import SQLTestKitTesting
import XCTest

/// The XCTest base class with a PostgreSQL template: each test method gets its own database.
final class PostgresDatabaseTestCaseTests: DatabaseTestCase {
    static let notes = PostgresTemplate.onTestServer(schema: """
        CREATE TABLE note(id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL);
        INSERT INTO note(body) VALUES ('from the template');
        """)

    override var isolation: any IsolatedDatabaseSource { Self.notes }

    override func setUp() async throws {
        try XCTSkipUnless(PostgresTesting.canRun, PostgresTestServer.howToEnable)
        try await super.setUp()
    }

    func testChangesAreThisTestsAlone() async throws {
        // The code's own transaction commits into the test's, not into the database.
        try await db.execute("BEGIN")
        try await db.execute("INSERT INTO note(body) VALUES ('one')")
        try await db.execute("COMMIT")
        XCTAssertEqual(db.transactionState.depth, 1)
        let count = try await db.fetchOne(Int.self, "SELECT count(*) FROM note")
        XCTAssertEqual(count, 2)
    }

    func testTheTemplatesRowsAreThereUntouched() async throws {
        try await db.execute("DELETE FROM note WHERE body = 'from the template'")
        let count = try await db.fetchOne(Int.self, "SELECT count(*) FROM note")
        XCTAssertEqual(count, 0)
    }

    func testTheDatabaseIsPostgreSQL() async throws {
        let version = try await db.fetchOne(String.self, "SELECT version()")
        XCTAssertTrue(version?.hasPrefix("PostgreSQL") == true, version ?? "nil")
        XCTAssertEqual(db.capability.dialect, .postgres)
    }
}
#endif
