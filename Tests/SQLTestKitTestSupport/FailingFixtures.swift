import Foundation
import Synchronization
import Testing

/// Tests that fail on purpose, to check what a failed test leaves behind. They run only in a
/// process of their own, started by the test that checks them with ``variable`` set to `1`
/// (see ``BuiltBinary/runningTests``); everywhere else they are skipped.
public enum FailingFixtures {
    /// The environment variable that turns them on.
    public static let variable = "SQLTESTKIT_KEEP_SELFTEST"

    /// Why they are skipped everywhere else (CI's check for skipped tests knows these words).
    public static let skipped: Comment = "fails on purpose; run in a process of its own by the test that checks it"

    /// Whether this process runs them.
    public static var areOn: Bool { ProcessInfo.processInfo.environment[variable] == "1" }

    /// Runs the test executable's tests `arguments` select with the failing fixtures on and
    /// failed databases kept under `root`; returns the exit status and everything printed.
    public static func run(_ arguments: [String], keepingIn root: String) throws -> (status: Int32, output: String) {
        guard let binary = BuiltBinary.runningTests else { return (-1, "no test executable to run") }
        let run = try binary.run(arguments, environment: [variable: "1", "SQLTESTKIT_KEEP_DIR": root, "SQLTESTKIT_KEEP_FAILED": "1"])
        return (run.status, run.output + run.error)
    }

    /// The `.sqlite` files under `root`, as paths relative to it.
    public static func keptFiles(in root: String) -> [String] {
        (FileManager.default.subpaths(atPath: root) ?? []).filter { $0.hasSuffix(".sqlite") }.sorted()
    }

    /// A new, empty temporary directory.
    public static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keep-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Lines a callback reports, collected from any task (what a kept database's report says).
public final class CollectedLines: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    public var all: [String] { lines.withLock { $0 } }
}
