import Foundation
import SQLTestKit
import SQLTestKitTesting
import Testing

// The SQLite examples of the "A mock you can trust" article, compiled and run as written.

@Suite struct CheckedMockTests {
    @Test func aTypoFailsAsSQLiteWould() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: """
            CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL);
            """)
        mock.script("SELECT id, title FROM book WHERE id = ?",
                    rows: [["id": 1, "title": "Dune"]])
        let db = try await mock.connect()

        let book = try await db.fetchOne("SELECT id, title FROM book WHERE id = \(1)")
        #expect(book?["title"] == "Dune")

        let error = await #expect(throws: QueryError.self) {
            try await db.execute("UPDATE book SET titel = \("Emma") WHERE id = \(1)")
        }
        #expect(error?.message == "no such column: titel")
        #expect(error?.suggestion == "did you mean `title`?")
        #expect(mock.problems.count == 1)   // verify() fails, even if the code caught it
    }

    @Test func scriptedRowsMustFitTheStatement() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: """
            CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL);
            """)
        mock.script("SELECT id, title FROM book", rows: [["id": 1, "titel": "Dune"]])
        let db = try await mock.connect()
        let mismatch = await #expect(throws: MockMismatch.self) {
            _ = try await db.fetchAll("SELECT id, title FROM book")
        }
        #expect(mismatch?.description.contains("`titel` is not a column") == true)
    }
}

/// The store the cassette example tests.
struct BookStore {
    let db: any DatabaseConnection

    func titles() async throws -> [String] {
        try await db.fetchAll("SELECT title FROM book ORDER BY title")
            .compactMap { $0["title"]?.string }
    }

    func rename(_ id: Int, to title: String) async throws {
        try await db.execute("UPDATE book SET title = \(title) WHERE id = \(id)")
    }
}

@Suite struct BookStoreCassetteTests {
    static let template = DatabaseTemplate(
        schema: "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL);",
        seed: "INSERT INTO book(id, title) VALUES (1, 'Dune'), (2, 'Emma');")

    @Test func renamingABook() async throws {
        try await withCassette(recordingOn: Self.template) { db in
            let store = BookStore(db: db)
            try await store.rename(2, to: "Persuasion")
            #expect(try await store.titles() == ["Dune", "Persuasion"])
        }
    }
}
