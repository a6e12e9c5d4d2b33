import SQLTestKit
import Synchronization
import Testing

/// Keeping a failed Swift Testing test's database: where it goes, whether the test failed,
/// and the line that says so. The `.isolatedDatabase` trait and the GRDB adapter's trait use it.
package enum SwiftTestingKeep {
    /// Where `test`'s case keeps its database: the suite's type names, the function's name,
    /// and a parameterized case's arguments (`ReviewTests/rates-3`).
    package static func location(test: Test, testCase: Test.Case?) -> KeepLocation {
        let components = test.id.nameComponents
        let suite = components.count > 1 ? components.dropLast().joined(separator: ".") : test.id.moduleName
        return KeepLocation(suite: suite, test: test.name, arguments: arguments(of: testCase))
    }

    /// A parameterized case's arguments, as Swift Testing describes them to people. Swift
    /// Testing does not publish them, so they are read by reflection; should that find none,
    /// a stable hash of the case's description stands for them.
    static func arguments(of testCase: Test.Case?) -> [String] {
        guard let testCase, testCase.isParameterized else { return [] }
        if let arguments = child(labelled: "arguments", of: testCase, depth: 3) {
            let values = Mirror(reflecting: arguments).children.compactMap { argument in
                Mirror(reflecting: argument.value).children.first { $0.label == "value" }.map { String(describingForTest: $0.value) }
            }
            if !values.isEmpty { return values }
        }
        return ["case", StableHash.hex(StableHash.fnv1a64(String(describing: testCase).utf8))]
    }

    private static func child(labelled label: String, of value: Any, depth: Int) -> Any? {
        guard depth > 0 else { return nil }
        for child in Mirror(reflecting: value).children {
            if child.label == label { return child.value }
            if let found = Self.child(labelled: label, of: child.value, depth: depth - 1) { return found }
        }
        return nil
    }

    /// Runs `function` and says whether the test failed while it ran: an issue that fails the
    /// test was recorded (`#expect`, `Issue.record`; known issues and warnings do not count).
    /// An error `function` throws is thrown on.
    package static func run(_ function: @Sendable () async throws -> Void, test: Test, testCase: Test.Case?) async throws -> Bool {
        let failed = FailureFlag()
        let watch = IssueHandlingTrait.compactMapIssues { issue in
            if issue.isFailure { failed.set() }
            return issue
        }
        try await watch.provideScope(for: test, testCase: testCase, performing: function)
        return failed.isSet
    }

    /// What records a line as a warning of the running test, at `test`'s source location: it
    /// appears with the test's failure and does not change its outcome.
    package static func report(for test: Test) -> @Sendable (String) -> Void {
        let location = test.sourceLocation
        return { line in Issue.record(Comment(rawValue: line), severity: .warning, sourceLocation: location) }
    }

    /// Whether a trait's option, or else the environment, asks for keeping.
    package static func isEnabled(_ option: Bool?) -> Bool {
        option ?? KeepOnFailure.isRequested
    }
}

/// Whether a test failed, set from wherever its issues are recorded.
package final class FailureFlag: Sendable {
    private let value = Atomic<Bool>(false)

    package init() {}

    package func set() { value.store(true, ordering: .relaxed) }

    package var isSet: Bool { value.load(ordering: .relaxed) }
}
