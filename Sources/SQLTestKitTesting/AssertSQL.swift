import IssueReporting
import SQLTestKit

/// Asserts that the statements run since the log was last taken from are `expected`, in order,
/// and takes them. Fails the current test — XCTest or Swift Testing — at the caller's line.
///
/// ```swift
/// try await store.rename(book: 1, to: "Dune")
/// assertSQL(mock, ["UPDATE book SET title = 'Dune' WHERE id = 1"])
/// ```
///
/// On a mismatch every expected and actual statement is listed side by side — matching ones
/// marked `✓`, differing ones with the first differing token pointed at, missing ones `−` and
/// extra ones `+` — rather than stopping at the first difference. By default transaction
/// control and settings are left out (`filter: .all` keeps them).
public func assertSQL(
    _ log: StatementLog,
    _ expected: [ExpectedStatement],
    filter: StatementFilter = .excludingNoise,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) {
    let actual = log.takeStatements(filter)
    guard let message = SQLComparison(expected: expected, actual: actual).failureMessage else { return }
    reportIssue(message, fileID: fileID, filePath: filePath, line: line, column: column)
}

/// ``assertSQL(_:_:filter:fileID:filePath:line:column:)`` on a mock's log.
public func assertSQL(
    _ mock: MockDriver,
    _ expected: [ExpectedStatement],
    filter: StatementFilter = .excludingNoise,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) {
    let actual = mock.log.takeStatements(filter)
    guard var message = SQLComparison(expected: expected, actual: actual).failureMessage else { return }
    if !mock.wasConnected { message += "\n" + MockVerificationError.neverConnectedHint }
    reportIssue(message, fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Lines up expected and actual statements (``LineDiff/align(_:_:matches:)``) and
/// describes the differences.
struct SQLComparison {
    let expected: [ExpectedStatement]
    let actual: [LoggedStatement]

    enum Line {
        case same(ExpectedStatement)
        case differs(ExpectedStatement, LoggedStatement)
        case missing(ExpectedStatement)
        case extra(LoggedStatement)
    }

    var lines: [Line] {
        var result: [Line] = []
        var pendingExpected: [ExpectedStatement] = []
        var pendingActual: [LoggedStatement] = []
        func flush() {
            // Unmatched runs between matches pair up as "differs"; the rest are missing or extra.
            let paired = min(pendingExpected.count, pendingActual.count)
            for k in 0..<paired { result.append(.differs(pendingExpected[k], pendingActual[k])) }
            result += pendingExpected.dropFirst(paired).map { .missing($0) }
            result += pendingActual.dropFirst(paired).map { .extra($0) }
            pendingExpected.removeAll()
            pendingActual.removeAll()
        }
        for step in LineDiff.align(expected, actual, matches: { $0.matches($1) }) {
            switch step {
            case .match(let i, _):
                flush()
                result.append(.same(expected[i]))
            case .expectedOnly(let i): pendingExpected.append(expected[i])
            case .actualOnly(let j): pendingActual.append(actual[j])
            }
        }
        flush()
        return result
    }

    var failureMessage: String? {
        let lines = self.lines
        var differing = 0, missing = 0, extra = 0
        var body: [String] = []
        for (index, line) in lines.enumerated() {
            let number = "\(index + 1)."
            switch line {
            case .same(let statement):
                body.append("  ✓ \(number) \(statement)")
            case .differs(let wanted, let got):
                differing += 1
                let gotText = wanted.arguments == nil ? got.expandedSQL : got.sql
                body.append("  ✗ \(number) expected: \(wanted)")
                body.append("       actual:   \(got.expandedSQL)")
                let detail = SQLTokenizer.firstDifference(expected: wanted.sql, actual: gotText)
                if detail.isEmpty, let arguments = wanted.arguments {
                    body.append("       the SQL matches; arguments expected [\(arguments.map(\.debugDescription).joined(separator: ", "))], actual [\(got.arguments.map(\.debugDescription).joined(separator: ", "))]")
                } else if let first = detail.first {
                    body.append("       " + first)
                }
            case .missing(let statement):
                missing += 1
                body.append("  − \(number) missing:  \(statement)")
            case .extra(let statement):
                extra += 1
                body.append("  + \(number) extra:    \(statement.expandedSQL)")
            }
        }
        guard differing + missing + extra > 0 else { return nil }
        let plural = { (n: Int, word: String) in "\(n) \(word)\(n == 1 ? "" : "s")" }
        let header = "assertSQL failed: \(plural(differing, "differing statement")), \(missing) missing, \(extra) extra (expected \(expected.count), ran \(actual.count))"
        return ([header] + body).joined(separator: "\n")
    }
}
