import Foundation

/// A program `swift build` put next to the test bundle (`sqltestkit`), run as a user runs it.
public struct BuiltBinary: Sendable {
    /// What one run printed and how it ended.
    public struct Run: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    public let url: URL

    /// The binary named `name` next to the tests, or `nil` when it was not built.
    public init?(named name: String) {
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL]
        guard let directory = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent(name).path) }) else {
            return nil
        }
        url = directory.appendingPathComponent(name)
    }

    /// The program at `url`.
    public init(url: URL) {
        self.url = url
    }

    /// The test executable running now (on Linux, where `swift test` runs one), to run tests
    /// of it in a process of their own; `nil` elsewhere.
    public static var runningTests: BuiltBinary? {
        #if os(Linux)
        let path = CommandLine.arguments[0]
        guard path.hasSuffix(".xctest"), FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return BuiltBinary(url: URL(fileURLWithPath: path))
        #else
        return nil
        #endif
    }

    /// Runs it with `arguments` (and `environment` added to this process's) and waits for it to end.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self), error: String(decoding: errData, as: UTF8.self))
    }
}
