import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import Testing

/// Runs the tests of `KeepFixtures.swift`, which fail on purpose, in a process of their own —
/// as `swift test` runs them — and checks what they printed and the files they kept.
@Suite("Keeping failed tests' databases, end to end", .enabled(if: BuiltBinary.runningTests != nil && !FailingFixtures.areOn))
struct KeepEndToEndTests {
    func run(_ arguments: [String], keepingIn root: String) throws -> (status: Int32, output: String) {
        try FailingFixtures.run(arguments, keepingIn: root)
    }

    func kept(_ root: String) -> [String] {
        FailingFixtures.keptFiles(in: root)
    }

    @Test func swiftTestingKeepsWhatFailedTestsSaw() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // What an earlier run kept for a test that passes now.
        try FileManager.default.createDirectory(atPath: root + "/KeepFixtureSuite", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: root + "/KeepFixtureSuite/passesAfterDeleting.sqlite", contents: Data("stale".utf8))

        let (status, output) = try run(["--testing-library", "swift-testing", "--filter", "SQLTestKitTests.KeepFixture"], keepingIn: root)
        #expect(status != 0)
        #expect(kept(root) == [
            "KeepFixtureByEnvironment/fails.sqlite",
            "KeepFixtureSuite/failsAfterDeleting.sqlite",
            "KeepFixtureSuite/failsWith-3.sqlite",
            "KeepFixtureSuite/failsWith-7.sqlite",
            "KeepFixtureSuite/throwsAfterInserting.sqlite",
        ])
        for name in ["KeepFixtureByEnvironment/fails", "KeepFixtureSuite/failsAfterDeleting", "KeepFixtureSuite/failsWith-3",
                     "KeepFixtureSuite/failsWith-7", "KeepFixtureSuite/throwsAfterInserting"] {
            #expect(output.contains("kept the database of the failed test \(name): sqlite3 '\(root)/\(name).sqlite'"), "\(output)")
        }
        #expect(!output.contains("KeepFixtureNever/"))
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureSuite/failsAfterDeleting.sqlite", "SELECT title FROM book")
                == [[.text("Compilers")]])
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureSuite/failsWith-3.sqlite", "SELECT name FROM author WHERE id > 2")
                == [[.text("Author 3")]])
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureSuite/failsWith-7.sqlite", "SELECT name FROM author WHERE id > 2")
                == [[.text("Author 7")]])
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureSuite/throwsAfterInserting.sqlite", "SELECT name FROM author WHERE id > 2")
                == [[.text("Committed")]])
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureByEnvironment/fails.sqlite", "SELECT count(*) FROM audit")
                == [[.integer(0)]])
    }

    @Test func xctestKeepsWhatFailedTestsSaw() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (status, output) = try run(["SQLTestKitTests.KeepFixtureCase"], keepingIn: root)
        #expect(status != 0)
        #expect(kept(root) == ["KeepFixtureCase/testFailsAfterInserting.sqlite", "KeepFixtureCase/testThrowsAfterDeleting.sqlite"])
        for name in ["KeepFixtureCase/testFailsAfterInserting", "KeepFixtureCase/testThrowsAfterDeleting"] {
            #expect(output.contains("kept the database of the failed test \(name): sqlite3 '\(root)/\(name).sqlite'"), "\(output)")
        }
        #expect(!output.contains("testPasses:"))
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureCase/testFailsAfterInserting.sqlite", "SELECT name FROM author WHERE id > 2")
                == [[.text("Failing")]])
        #expect(try await KeepOnFailureTests.read(root + "/KeepFixtureCase/testThrowsAfterDeleting.sqlite", "SELECT count(*) FROM audit")
                == [[.integer(0)]])
    }
}
