import Foundation
import Testing
import SQLTestKit

@Suite("The example bookstore schema")
struct ExampleSchemaTests {
    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema.sql")

    @Test func loadsAndEnforcesItsConstraints() async throws {
        let db = try await makeDatabase(try String(contentsOf: Self.schemaURL, encoding: .utf8))
        let tables = try await db.fetchAll(String.self, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        #expect(tables == ["author", "book", "book_tag", "review", "tag"])
        try await db.execute("INSERT INTO author(id, name, email) VALUES (1, 'Frank Herbert', 'frank@example.com')")
        try await db.execute("INSERT INTO book(id, title, author_id) VALUES (1, 'Dune', 1)")
        try await db.execute("INSERT INTO book(id, title, author_id, previous_book_id) VALUES (2, 'Dune Messiah', 1, 1)")
        let orphan = await expectError(QueryError.self) { try await db.execute("INSERT INTO book(title, author_id) VALUES ('x', 99)") }
        #expect(orphan?.code == .constraintForeignKey)
        let rating = await expectError(QueryError.self) {
            try await db.execute("INSERT INTO review(book_id, reviewer, rating, created_at) VALUES (1, 'ann', 6, '2024-01-01')")
        }
        #expect(rating?.code == .constraintCheck)
    }
}
