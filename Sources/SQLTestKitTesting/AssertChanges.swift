import IssueReporting
import SQLTestKit

/// Asserts that `db` differs from the state `fixtures` load by exactly `expected` — one line
/// per row inserted (`+`), updated (`~`, with each changed column) or deleted (`-`), fixture
/// rows named by label. Everything else is unchanged, so a test states only what the code
/// under test did.
///
/// ```swift
/// try await store.discount(book: "notes")
/// try await assertChanges(in: db, since: fixtures, [
///     "~ book `notes`: price 12.5 → 10.0",
/// ])
/// ```
///
/// On a mismatch the failure shows a line diff and the actual lines, ready to paste.
public func assertChanges(
    in db: any DatabaseConnection, since fixtures: FixtureSet, _ expected: [String],
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async throws {
    let actual = try await fixtures.changes(in: db).lines
    guard let diff = LineDiff.render(expected: expected, actual: actual) else { return }
    reportIssue("""
        assertChanges failed: the changes since the fixtures differ (− expected, + actual):
        \(diff)
        actual changes:
        \(actual.isEmpty ? "  (none)" : actual.map { "  " + $0 }.joined(separator: "\n"))
        """, fileID: fileID, filePath: filePath, line: line, column: column)
}
