#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    @Suite("RowFactory on PostgreSQL")
    struct Factories {
        static let schema = """
            CREATE TABLE author(id bigserial PRIMARY KEY, name text NOT NULL, email varchar(12) NOT NULL UNIQUE);
            CREATE TABLE book(id uuid PRIMARY KEY, title text NOT NULL, in_print boolean NOT NULL, price numeric(8,2) NOT NULL,
                              published timestamptz NOT NULL, day date NOT NULL, tags text[] NOT NULL, meta jsonb NOT NULL,
                              author_id bigint NOT NULL REFERENCES author(id), note text);
            """

        @Test func rowsSatisfyTheSchemaAndVanishWithTheTestTransaction() async throws {
            let template = PostgresTemplate.onTestServer(schema: Self.schema)
            let ids = try await IsolatedDatabase.with(template) { db in
                let factory = RowFactory(db)
                let books = try await factory.insert("book", count: 2)
                #expect(books.map { $0["title"] } == ["book title 1", "book title 2"])
                #expect(books.map { $0["in_print"] } == [1, 0])
                #expect(books[0]["price"] == "1.00")
                #expect(books[0]["day"] == "2024-01-01")
                #expect(books[0]["tags"] == "[]")   // an empty text[], read as JSON
                #expect(books[0]["note"] == .null)
                #expect(UUID(uuidString: books[0]["id"]?.string ?? "") != nil)
                let author = try #require(try await db.fetchOne("SELECT * FROM author WHERE id = \(books[0]["author_id"] ?? .null)"))
                #expect(author["name"] == "author name 1")
                #expect(author["email"] == "email 1")   // "author email 1" does not fit varchar(12)
                let given = try await factory.insert("book", ["title": "Dune", "in_print": true, "author_id": books[0]["author_id"].map(FactoryValue.value) ?? nil])
                #expect(given["author_id"] == books[0]["author_id"])
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 2)
                let error = await #expect(throws: RowFactoryError.self) { try await factory.insert("book", ["in_print": "maybe"]) }
                #expect(error?.column == "in_print")
                return books.compactMap { $0["id"] }
            }
            #expect(ids.count == 2)
            let left = try await IsolatedDatabase.with(template) { try await $0.fetchOne(Int.self, "SELECT count(*) FROM book") }
            #expect(left == 0)
        }
    }
}
#endif
