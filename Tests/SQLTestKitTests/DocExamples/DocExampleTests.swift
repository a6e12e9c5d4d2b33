import Foundation
import Testing

/// The Swift examples of the README and of every DocC article are the code in the
/// `DocExamples` folders, line for line: a change to one that is not made to the other fails
/// here, so every example compiles (and most run) as written.
@Suite("Documentation examples are compiled as written")
struct DocExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where the compiled copies live: the core's, and each adapter's (compiled in its own
    /// test target, with its trait).
    static let exampleFolders = ["Tests/SQLTestKitTests/DocExamples", "Tests/SQLTestKitGRDBTests/DocExamples",
                                 "Tests/SQLTestKitFluentTests/DocExamples", "Tests/SQLTestKitPostgresTests/DocExamples",
                                 "Tests/SQLTestKitVaporTests/DocExamples"]

    /// The README and every DocC article.
    static func documents() throws -> [String] {
        var paths = ["README.md"]
        let sources = root.appendingPathComponent("Sources")
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() {
            let catalog = "Sources/\(module)/\(module).docc"
            guard let articles = try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(catalog).path) else { continue }
            paths += articles.filter { $0.hasSuffix(".md") }.sorted().map { "\(catalog)/\($0)" }
        }
        return paths
    }

    /// A document's ```swift blocks, without manifests (`Package.swift` is not test code).
    static func swiftBlocks(in path: String) throws -> [[String]] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        var blocks: [[String]] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" { current = [] } else if current != nil, trimmed == "```" {
                blocks.append(current!)
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks.filter { block in
            let first = block.first?.trimmingCharacters(in: .whitespaces) ?? ""
            return !first.hasPrefix("dependencies:") && !first.hasPrefix("// swift-tools-version")
                && !block.contains { $0.contains(".package(url:") }
        }
    }

    @Test func everyExampleIsCompiledAsWritten() throws {
        let sources = try Self.exampleFolders.flatMap { path in
            let folder = Self.root.appendingPathComponent(path)
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") && $0 != "DocExampleTests.swift" }
                .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        }
        let lines = sources.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        var checked = 0
        for document in try Self.documents() {
            for block in try Self.swiftBlocks(in: document) {
                checked += 1
                let wanted = block.map { $0.trimmingCharacters(in: .whitespaces) }
                let found = lines.contains { file in
                    file.count >= wanted.count && (0...(file.count - wanted.count)).contains { Array(file[$0..<$0 + wanted.count]) == wanted }
                }
                #expect(found, "this example of \(document) is not in a DocExamples folder as written:\n\(block.joined(separator: "\n"))")
            }
        }
        #expect(checked >= 30)
    }

    /// DocC shows code in a box of fixed width and cuts longer lines (no wrapping): every code
    /// line of an article fits.
    @Test func noCodeLineOfAnArticleIsCutAtTheBoxEdge() throws {
        let width = 92
        for document in try Self.documents() where document.hasSuffix(".md") && document.contains(".docc/") {
            let text = try String(contentsOf: Self.root.appendingPathComponent(document), encoding: .utf8)
            var inCode = false
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    inCode.toggle()
                } else if inCode {
                    #expect(line.count <= width, "\(document):\(number + 1) is \(line.count) characters (at most \(width) fit): \(line)")
                }
            }
        }
    }

    @Test func theReadmeIsALandingPage() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 300, "the README has \(lines.count) lines; the depth belongs in the DocC articles")
        // Every link into the documentation points at a file that exists.
        for link in readme.matches(of: /\]\((Sources\/[^)#]+)/) {
            let path = String(link.output.1)
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "the README links to \(path), which does not exist")
        }
    }
}
