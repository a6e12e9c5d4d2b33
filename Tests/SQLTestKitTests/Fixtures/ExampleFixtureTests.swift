import Foundation
import Testing
import SQLTestKit

@Suite("The example bookstore fixtures")
struct ExampleFixtureTests {
    @Test func loadEveryTableWithLabelsResolved() async throws {
        let (db, fixtures) = try await ExampleFixtures.loadedDatabase()
        #expect(fixtures.tables == ["author", "book", "book_tag", "review", "tag"])
        let counts = try await db.fetchAll("SELECT (SELECT count(*) FROM author), (SELECT count(*) FROM book), (SELECT count(*) FROM review), (SELECT count(*) FROM tag), (SELECT count(*) FROM book_tag)")
        #expect(counts[0].values == [3, 4, 3, 3, 4])

        let ada = try #require(fixtures.id(of: "ada", in: "author"))
        #expect(ada == FixtureSet.derivedID(for: "ada"))
        #expect(fixtures.id(of: "linus", in: "author") == 42)
        #expect(fixtures.id(of: "nobody", in: "author") == nil)

        let notes = try #require(try await db.fetchOne("SELECT * FROM book WHERE title LIKE 'Notes%'"))
        #expect(notes["author_id"] == .integer(ada))
        #expect(notes["published"] == "1843-10-01")
        #expect(notes["in_print"] == 1)
        #expect(notes["price"] == .real(12.5))
        #expect(notes["metadata"] == #"{"pages":66,"languages":["en","fr"]}"#)
        #expect(notes["cover"] == .blob([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))

        let sequel = try #require(try await db.fetchOne("SELECT * FROM book WHERE title = 'Compilers, Second Edition'"))
        #expect(sequel["previous_book_id"] == .integer(fixtures.id(of: "compilers", in: "book")!))
        #expect(sequel["published"] == "1959-03-15 09:30:00.000")
        #expect(sequel["in_print"] == 0)
        #expect(try await db.fetchOne("SELECT metadata FROM book WHERE title LIKE 'A Manual%'")?[0] == #"{"pages":120,"edition":1}"#)

        let authors = try await db.fetchAll("SELECT name, born, active FROM author ORDER BY name")
        #expect(authors.map(\.values) == [["Ada Lovelace", "1815-12-10", 0], ["Grace Hopper", "1906-12-09", 1], ["Linus Example", .null, 1]])

        let reviews = try await db.fetchAll("SELECT reviewer, rating, body, created_at FROM review ORDER BY created_at")
        #expect(reviews.map(\.values) == [
            ["Charles", 5, "Visionary; the first program, really.", "2024-01-05 10:00:00.000"],
            ["Mary", 4, "Long, but \"worth it\"\neven the appendix.", "2024-01-06 08:15:00.000"],
            ["Ken", 3, .null, "2024-02-10 17:45:00.000"],
        ])
        let tagged = try await db.fetchAll(String.self, """
            SELECT b.title || ' / ' || t.name FROM book_tag bt JOIN book b ON b.id = bt.book_id JOIN tag t ON t.id = bt.tag_id ORDER BY 1
            """)
        #expect(tagged == ["A Manual for Compilers / Programming Languages", "Compilers, Second Edition / Programming Languages",
                           "Just a Hobby / Systems", "Notes on the Analytical Engine / History"])
    }

    @Test func loadingTwiceGivesTheSameContents() async throws {
        let (db, fixtures) = try await ExampleFixtures.loadedDatabase()
        let before = try await db.fetchAll("SELECT * FROM book ORDER BY id")
        let summary = try await fixtures.load(into: db)
        #expect(try await db.fetchAll("SELECT * FROM book ORDER BY id") == before)
        #expect(summary.tables.map(\.name) == ["author", "book", "review", "tag", "book_tag"])
        #expect(summary.tables.map(\.rows) == [3, 4, 3, 3, 4])
        #expect(summary.totalRows == 17)
    }
}
