import IssueReporting
import Synchronization

/// Collects what SQLTestKitTesting reports, so a test can check a failure's message.
final class CollectedIssues: IssueReporter {
    private let messages = Mutex<[String]>([])

    func reportIssue(_ message: @autoclosure () -> String?, severity: IssueSeverity, fileID: StaticString, filePath: StaticString,
                     line: UInt, column: UInt) {
        let text = message() ?? ""
        messages.withLock { $0.append(text) }
    }

    /// The failures `body` reports.
    static func during(_ body: () async throws -> Void) async rethrows -> [String] {
        let collected = CollectedIssues()
        try await withIssueReporters([collected]) { try await body() }
        return collected.messages.withLock { $0 }
    }
}
