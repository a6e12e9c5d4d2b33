import Foundation
import Testing

/// The README's Swift examples are the code in this folder, line for line: a change to one
/// that is not made to the other fails here, so every example compiles and runs as written.
@Suite("README examples are compiled as written")
struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The README's ```swift blocks, without the `Package.swift` fragment (not test code).
    static func readmeBlocks() throws -> [[String]] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [[String]] = []
        var current: [String]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil, line == "```swift" { current = [] } else if current != nil, line == "```" {
                blocks.append(current!)
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks.filter { $0.first?.hasPrefix("dependencies:") != true }
    }

    @Test func everyExampleIsCompiledAsWritten() throws {
        // The core's examples, and the adapters' (each compiled in its own test target).
        let sources = try ["Tests/SQLTestKitTests/ReadmeExamples", "Tests/SQLTestKitGRDBTests/ReadmeExamples", "Tests/SQLTestKitFluentTests/ReadmeExamples", "Tests/SQLTestKitPostgresTests/ReadmeExamples"].flatMap { path in
            let folder = Self.root.appendingPathComponent(path)
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") && $0 != "ReadmeExampleTests.swift" }
                .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        }
        let lines = sources.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        let blocks = try Self.readmeBlocks()
        #expect(blocks.count >= 15)
        for block in blocks {
            let wanted = block.map { $0.trimmingCharacters(in: .whitespaces) }
            let found = lines.contains { file in
                file.count >= wanted.count && (0...(file.count - wanted.count)).contains { Array(file[$0..<$0 + wanted.count]) == wanted }
            }
            #expect(found, "this README example is not in Tests/SQLTestKitTests/ReadmeExamples as written:\n\(block.joined(separator: "\n"))")
        }
    }
}
