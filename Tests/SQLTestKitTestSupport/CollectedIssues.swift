import IssueReporting
import Synchronization

/// Collects the failures SQLTestKitTesting reports instead of passing them to the test
/// framework, so the project's tests can check a failure's message without a green run
/// printing pages of expected failures. Shared by every test target.
public final class CollectedIssues: IssueReporter {
    private let messages = Mutex<[String]>([])

    public init() {}

    /// The messages reported so far.
    public var reported: [String] { messages.withLock { $0 } }

    public func reportIssue(_ message: @autoclosure () -> String?, severity: IssueSeverity, fileID: StaticString, filePath: StaticString,
                            line: UInt, column: UInt) {
        let text = message() ?? ""
        messages.withLock { $0.append(text) }
    }

    /// The failures `body` reports.
    public static func during(_ body: () throws -> Void) rethrows -> [String] {
        let collected = CollectedIssues()
        try withIssueReporters([collected]) { try body() }
        return collected.reported
    }

    /// The failures `body` reports.
    public static func during(_ body: () async throws -> Void) async rethrows -> [String] {
        let collected = CollectedIssues()
        try await withIssueReporters([collected]) { try await body() }
        return collected.reported
    }
}
