import SQLTestKitTestSupport
import Testing

// The failures are collected instead of reaching the test framework, so the pinned messages are
// checked quietly. (`AssertionTests.aFailingAssertionFailsTheTest` and the XCTest suite prove, with
// `withKnownIssue` and `XCTExpectFailure`, that the same failures do fail a test.)

/// Expects `body` to report exactly one failure, whose message `matching` accepts.
func expectFailure(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void,
                   matching: (String) -> Bool = { _ in true }) rethrows {
    check(try CollectedIssues.during(body), matching, sourceLocation)
}

/// Expects `body` to report exactly one failure, whose message `matching` accepts.
func expectFailure(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void,
                   matching: (String) -> Bool = { _ in true }) async rethrows {
    check(try await CollectedIssues.during(body), matching, sourceLocation)
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
