import IssueReporting
import SQLTestKit

/// Asserts that `body` runs exactly `count` statements on connections writing to `log`
/// (transaction control and settings left out by default), listing them when it does not.
///
/// ```swift
/// try await assertQueryCount(2, mock.log) {
///     _ = try await store.booksWithAuthors()
/// }
/// ```
@discardableResult
public func assertQueryCount<Result>(
    _ count: Int,
    _ log: StatementLog,
    filter: StatementFilter = .excludingNoise,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column,
    _ body: () async throws -> Result
) async rethrows -> Result {
    let (result, statements) = try await statementsRun(in: log, filter: filter, body)
    if statements.count != count {
        reportIssue(
            "expected \(count) statement\(count == 1 ? "" : "s"), ran \(statements.count):\n" + listing(statements),
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return result
}

/// Asserts that `body` runs no statement at all, listing any it runs.
@discardableResult
public func assertNoQueries<Result>(
    _ log: StatementLog,
    filter: StatementFilter = .excludingNoise,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column,
    _ body: () async throws -> Result
) async rethrows -> Result {
    try await assertQueryCount(0, log, filter: filter, fileID: fileID, filePath: filePath, line: line, column: column, body)
}

/// Asserts that no query shape (the statement with its values stripped) runs more than
/// `maxRepeats` times in `body`: the N+1 check. Names each offending shape and its count.
///
/// Only reads count. Writes repeat on purpose: saving several models runs one `UPDATE` per
/// row in Fluent, GRDB and most ORMs, and that is not a missing join; bound writes with
/// ``assertQueryCount(_:_:filter:fileID:filePath:line:column:_:)`` instead.
///
/// ```swift
/// try await assertNoNPlusOne(mock.log) {
///     _ = try await store.booksWithAuthors()   // fails if it fetches each author separately
/// }
/// ```
@discardableResult
public func assertNoNPlusOne<Result>(
    _ log: StatementLog,
    maxRepeats: Int = 1,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column,
    _ body: () async throws -> Result
) async rethrows -> Result {
    let (result, statements) = try await statementsRun(in: log, filter: .excludingNoise, body)
    let repeated = StatementLog.shapes(of: statements.filter { $0.kind == .select }).filter { $0.count > maxRepeats }
    if !repeated.isEmpty {
        let lines = repeated.map { "  \($0.count)× \($0.shape)" }
        reportIssue(
            "N+1 pattern: \(repeated.count == 1 ? "a statement shape ran" : "statement shapes ran") more than \(maxRepeats) time\(maxRepeats == 1 ? "" : "s"):\n"
                + lines.joined(separator: "\n") + "\nload them in one statement (a JOIN or `IN (…)`) instead of one per row",
            fileID: fileID, filePath: filePath, line: line, column: column)
    }
    return result
}

/// The statements `body` adds to `log` (not taking them, so other assertions still see them).
private func statementsRun<Result>(
    in log: StatementLog, filter: StatementFilter, _ body: () async throws -> Result
) async rethrows -> (Result, [LoggedStatement]) {
    let before = log.statements.count
    let result = try await body()
    return (result, Array(log.statements.dropFirst(before)).filter { filter.includes($0) })
}

private func listing(_ statements: [LoggedStatement]) -> String {
    statements.isEmpty ? "  (none)" : statements.enumerated().map { "  \($0 + 1). \($1.expandedSQL)" }.joined(separator: "\n")
}
