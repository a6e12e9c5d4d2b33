import SQLTestKit
import SQLTestKitTesting
import XCTest

/// The assertions fail an XCTest test too, at the caller's line, with the same message: this
/// case captures the failures it expects instead of letting them fail the run, and checks them.
final class AssertionXCTests: XCTestCase {
    private var captured: [(message: String, line: Int)] = []
    private var capturing = false

    #if canImport(ObjectiveC)
    override func record(_ issue: XCTIssue) {
        guard capturing else { return super.record(issue) }
        captured.append((issue.compactDescription, issue.sourceCodeContext.location?.lineNumber ?? 0))
    }
    #else
    override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        guard capturing else { return super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected) }
        captured.append((description, lineNumber))
    }
    #endif

    private func capture(_ body: () async throws -> Void) async rethrows -> [(message: String, line: Int)] {
        capturing = true
        defer { capturing = false }
        captured = []
        try await body()
        return captured
    }

    func testAssertSQLFailsAnXCTestAtTheCallersLine() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        try await db.execute("SELECT id, titel FROM book")
        let line = #line + 1
        let failures = await capture { assertSQL(mock, ["SELECT id, title FROM book"]) }
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?.line, line)
        XCTAssertTrue(failures.first?.message.contains("""
            ✗ 1. expected: SELECT id, title FROM book
                   actual:   SELECT id, titel FROM book
                   first difference at token 4: expected `title`, actual has `titel`
            """) == true, failures.first?.message ?? "no failure")
    }

    func testQueryCountAndTableRowsFailAnXCTest() async throws {
        let mock = MockDriver()
        let failures = try await capture {
            try await assertQueryCount(1, mock.log) {
                let db = try await mock.connect()
                try await db.execute("SELECT 1")
                try await db.execute("SELECT 2")
            }
            let db = try await SQLiteDriver.inMemory().connect()
            try await db.executeScript("CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO tag VALUES (1, 'a');")
            try await assertTableRows("tag", in: db, [["id": 1, "name": "b"]])
        }
        XCTAssertEqual(failures.count, 2)
        XCTAssertTrue(failures.first?.message.contains("expected 1 statement, ran 2") == true, failures.first?.message ?? "")
        XCTAssertTrue(failures.last?.message.contains("✗ id 1: name 'a' ≠ expected 'b'") == true, failures.last?.message ?? "")
    }
}
