import IssueReporting
import Synchronization
import Testing

/// Collects the failures SQLTestKitTesting reports instead of passing them to the test
/// framework, so tests can pin failure messages without a green run printing pages of
/// expected failures. (`AssertionTests.aFailingAssertionFailsTheTest` and the XCTest suite
/// prove, with `withKnownIssue` and `XCTExpectFailure`, that the same failures do fail a test.)
final class CollectingIssueReporter: IssueReporter {
    private let messages = Mutex<[String]>([])

    var reported: [String] { messages.withLock { $0 } }

    func reportIssue(_ message: @autoclosure () -> String?, severity: IssueSeverity, fileID: StaticString, filePath: StaticString,
                     line: UInt, column: UInt) {
        let text = message() ?? ""
        messages.withLock { $0.append(text) }
    }
}

/// Expects `body` to report exactly one failure, whose message `matching` accepts.
func expectFailure(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void,
                   matching: (String) -> Bool = { _ in true }) rethrows {
    let reporter = CollectingIssueReporter()
    try withIssueReporters([reporter]) { try body() }
    check(reporter.reported, matching, sourceLocation)
}

/// Expects `body` to report exactly one failure, whose message `matching` accepts.
func expectFailure(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void,
                   matching: (String) -> Bool = { _ in true }) async rethrows {
    let reporter = CollectingIssueReporter()
    try await withIssueReporters([reporter]) { try await body() }
    check(reporter.reported, matching, sourceLocation)
}

private func check(_ reported: [String], _ matching: (String) -> Bool, _ sourceLocation: SourceLocation) {
    guard reported.count == 1 else {
        Issue.record("expected one reported failure, got \(reported.count): \(reported)", sourceLocation: sourceLocation)
        return
    }
    if !matching(reported[0]) {
        Issue.record("the reported failure does not match:\n\(reported[0])", sourceLocation: sourceLocation)
    }
}
