import SQLTestKit
import SQLTestKitTesting
import Testing

enum Bookstore {
    static let schemaSQL = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                            email TEXT NOT NULL UNIQUE);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL,
                          author_id INTEGER REFERENCES author(id));
        CREATE TABLE review(id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES book(id),
                            stars INTEGER);
        """
    static let template = DatabaseTemplate(schema: schemaSQL, seed: """
        INSERT INTO author(id, name, email)
            VALUES (1, 'Frank Herbert', 'frank@example.com');
        INSERT INTO book(id, title, author_id) VALUES (1, 'Dune', 1);
        INSERT INTO review(book_id, stars) VALUES (1, 5);
        """)
}

@Suite(.isolatedDatabase(Bookstore.template))
struct BookTests {
    @Test(arguments: 0..<200)                      // each argument gets its own database
    func renaming(index: Int) async throws {
        // also reachable from code the test calls
        let db = try IsolatedDatabase.require()
        try await db.execute("UPDATE book SET title = \("Dune \(index)") WHERE id = 1")
        let title = try await db.fetchOne(String.self,
                                          "SELECT title FROM book WHERE id = 1")
        #expect(title == "Dune \(index)")
    }
}
