import Testing
import SQLTestKit

/// Exact scripts agree with `assertSQL` on placeholders: `?`, `?N`, `$N` and `:name` are the
/// same placeholder, whichever the script and the code use. Everything else stays exact.
@Suite("The mock driver: scripts match any placeholder style")
struct MockPlaceholderStyleTests {
    static let styles: [(DatabaseDialect, String)] = [
        (.sqlite, "SELECT title FROM book WHERE id = ?1 AND author_id = ?2"),      // Fluent on SQLite
        (.sqlite, "SELECT title FROM book WHERE id = ? AND author_id = ?"),
        (.sqlite, "SELECT title FROM book WHERE id = :id AND author_id = :author"),
        (.postgres, "SELECT title FROM book WHERE id = $1 AND author_id = $2"),    // Fluent on PostgreSQL
        (.postgres, "SELECT title FROM book WHERE id = ? AND author_id = ?"),
    ]

    @Test(arguments: ["SELECT title FROM book WHERE id = ? AND author_id = ?",
                      "SELECT title FROM book WHERE id = ?1 AND author_id = ?2",
                      "SELECT title FROM book WHERE id = $1 AND author_id = $2"])
    func aScriptInAnyStyleAnswersTheCodeInEveryStyle(script: String) async throws {
        for (dialect, sent) in Self.styles {
            let mock = MockDriver(dialect: dialect, strict: true)
            mock.script(.exact(script), arguments: [5, .any], rows: [["title": "Dune"]])
            let db = try await mock.connect()
            let row = try await db.fetchOne(SQLQuery(sql: sent, arguments: [5, 9]))
            #expect(row?["title"] == "Dune", "script \(script) for \(sent) on \(dialect)")
            try mock.verify()
        }
    }

    @Test func theArgumentsStillDecideWhichScriptAnswers() async throws {
        let mock = MockDriver(dialect: .sqlite, strict: true)
        mock.script("SELECT title FROM book WHERE id = ?", arguments: [1], rows: [["title": "one"]])
        mock.script("SELECT title FROM book WHERE id = ?", arguments: [2], rows: [["title": "two"]])
        let db = try await mock.connect()
        #expect(try await db.fetchOne(SQLQuery(sql: "SELECT title FROM book WHERE id = ?1", arguments: [2]))?["title"] == "two")
        #expect(try await db.fetchOne(SQLQuery(sql: "SELECT title FROM book WHERE id = ?1", arguments: [1]))?["title"] == "one")
    }

    @Test func layoutStillMattersToAnExactScript() async throws {
        let mock = MockDriver(dialect: .sqlite, strict: true)
        mock.script("SELECT title FROM book WHERE id = ?", rows: [["title": "Dune"]])
        let db = try await mock.connect()
        let error = await #expect(throws: MockMismatch.self) {
            _ = try await db.fetchOne(SQLQuery(sql: "SELECT title FROM  book WHERE id = ?1", arguments: [1]))
        }
        #expect(error?.description.contains("SELECT title FROM book WHERE id = ?") == true, "the closest script is named")
    }

    @Test func theTokenizerWritesEveryPlaceholderAsAQuestionMarkAndLeavesStringsAlone() {
        #expect(SQLTokenizer.unifyingPlaceholders("SELECT '$1', ?2, :name FROM t -- ?3", dialect: .sqlite) == "SELECT '$1', ?, ? FROM t -- ?3")
        #expect(SQLTokenizer.unifyingPlaceholders(#"UPDATE "t" SET a = $10 WHERE b = '?'"#, dialect: .postgres) == #"UPDATE "t" SET a = ? WHERE b = '?'"#)
    }
}
