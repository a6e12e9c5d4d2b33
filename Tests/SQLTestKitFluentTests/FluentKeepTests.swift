#if Fluent
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTestSupport
import Testing

/// Fluent on an isolated database: a failed test keeps what Fluent wrote.
@Suite("Fluent: keeping a failed test's database")
struct FluentKeepTests {
    @Test func aFailedTestKeepsWhatFluentWroteInItsTransaction() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = KeepLocation(suite: "Library", test: "renamesDune()", directory: root)
        let lines = CollectedLines()
        try await IsolatedDatabase.with(LibraryTraitTemplate.template, keepingOnFailureAt: location, hasFailed: { true }, report: lines.append) { _ in
            try await renameDune(to: "Dune Messiah")
        }
        #expect(lines.all == ["kept the database of the failed test Library/renamesDune: sqlite3 '\(root)/Library/renamesDune.sqlite'"])
        let kept = try await SQLiteDriver(path: location.sqliteFile).connect()
        let titles = try await kept.fetchAll("SELECT title FROM book ORDER BY title").map { $0[0] }
        let loans = try await kept.fetchOne(Int.self, "SELECT count(*) FROM loan")
        await kept.close()
        #expect(titles.contains(.text("Dune Messiah")))
        #expect(!titles.contains(.text("Dune")))
        #expect(loans == 2)   // the second migration's table and its fixtures
        // The template's next copy still has the book as the fixtures wrote it.
        let original = try await IsolatedDatabase.with(LibraryTraitTemplate.template) { db in
            try await db.fetchOne(Int.self, "SELECT count(*) FROM book WHERE title = 'Dune'")
        }
        #expect(original == 1)
    }
}
#endif
