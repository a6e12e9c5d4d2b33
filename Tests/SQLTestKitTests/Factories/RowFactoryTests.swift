import Foundation
import Testing
import SQLTestKit

@Suite("RowFactory on SQLite: rows that satisfy the schema")
struct RowFactoryTests {
    static let schema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, bio TEXT);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, pages INTEGER NOT NULL, price REAL, rating REAL NOT NULL,
                          published DATE NOT NULL, in_print BOOLEAN NOT NULL, isbn VARCHAR(8) NOT NULL, ref UUID NOT NULL,
                          cover BLOB NOT NULL, author_id INTEGER NOT NULL REFERENCES author(id));
        CREATE TABLE review(id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES book(id), stars INTEGER NOT NULL DEFAULT 3,
                            note TEXT, editor_id INTEGER REFERENCES author(id));
        """

    static func database() async throws -> any DatabaseConnection {
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.executeScript(schema)
        return db
    }

    @Test func aRowGetsItsRequiredValuesAndParents() async throws {
        let db = try await Self.database()
        let factory = RowFactory(db)
        let review = try await factory.insert("review")
        #expect(review["id"] == 1)
        #expect(review["stars"] == 3)          // the default, not a generated value
        #expect(review["note"] == .null)       // optional: left NULL
        #expect(review["editor_id"] == .null)  // an optional foreign key: no parent made
        let book = try #require(try await db.fetchOne("SELECT * FROM book WHERE id = \(review["book_id"] ?? .null)"))
        #expect(book["title"] == "book title 1")
        #expect(book["pages"] == 1)
        #expect(book["price"] == .null)
        #expect(book["rating"] == 1.5)
        #expect(book["published"] == "2024-01-01")
        #expect(book["in_print"] == 1)
        #expect(book["isbn"]?.string?.count ?? 99 <= 8)
        #expect(book["isbn"] == "isbn 1")
        #expect(book["ref"]?.string?.hasPrefix("00000000-") == true)
        #expect(book["ref"]?.string?.hasSuffix("-8000-000000000001") == true)
        #expect(UUID(uuidString: book["ref"]?.string ?? "") != nil)
        #expect(book["cover"] == .blob(Array("book cover 1".utf8)))
        let author = try #require(try await db.fetchOne("SELECT * FROM author WHERE id = \(book["author_id"] ?? .null)"))
        #expect(author["name"] == "author name 1")
        #expect(author["email"] == "author email 1")
        #expect(author["bio"] == .null)
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 1)
    }

    @Test func givenValuesAndLabelsAreUsed() async throws {
        let db = try await Self.database()
        let fixtures = try FixtureSet(files: ["author.yml": "ada: { name: Ada, email: ada@example.com }"])
        try await fixtures.load(into: db)
        let factory = RowFactory(db, fixtures: fixtures)
        let book = try await factory.insert("book", ["title": "Dune", "pages": 412, "in_print": false, "published": "1965-08-01",
                                                     "author": .label("ada")])
        #expect(book["title"] == "Dune")
        #expect(book["pages"] == 412)
        #expect(book["in_print"] == 0)
        #expect(book["published"] == "1965-08-01")
        #expect(book["author_id"] == fixtures.id(of: "ada", in: "author").map(SQLValue.integer))
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 1)   // no new parent
        let byColumn = try await factory.insert("book", ["author_id": .label("ada")])
        #expect(byColumn["author_id"] == book["author_id"])
    }

    @Test func manyRowsAreNumberedAndTheSameOnEveryRun() async throws {
        func titles() async throws -> [SQLValue?] {
            let factory = RowFactory(try await Self.database(), seed: 7)
            return try await factory.insert("book", count: 3).flatMap { [$0["title"], $0["ref"], $0["author_id"]] }
        }
        let first = try await titles()
        #expect(first.count == 9)
        #expect(first[0] == "book title 1" && first[3] == "book title 2" && first[6] == "book title 3")
        #expect(Set([first[1], first[4], first[7]]).count == 3)
        #expect(first[1]?.string?.hasPrefix("00000007-") == true)
        #expect(try await titles() == first)
    }

    @Test func aGeneratedValueThatIsTakenIsReplacedByTheNext() async throws {
        let db = try await Self.database()
        try await db.execute("INSERT INTO author(name, email) VALUES ('Someone', 'author email 1')")
        let author = try await RowFactory(db).insert("author")
        #expect(author["email"] == "author email 2")
    }

    @Test func unknownNamesWrongTypesAndCyclesAreRefusedWithWhatToDo() async throws {
        let db = try await Self.database()
        try await db.executeScript("""
            CREATE TABLE hen(id INTEGER PRIMARY KEY, egg_id INTEGER NOT NULL REFERENCES egg(id));
            CREATE TABLE egg(id INTEGER PRIMARY KEY, hen_id INTEGER NOT NULL REFERENCES hen(id));
            CREATE TABLE graded(id INTEGER PRIMARY KEY, grade INTEGER NOT NULL CHECK (grade > 100));
            """)
        let factory = RowFactory(db)
        let table = await #expect(throws: RowFactoryError.self) { try await factory.insert("books") }
        #expect(table?.description == "RowFactory: no table `books`\n  suggestion: did you mean `book`?")
        let column = await #expect(throws: RowFactoryError.self) { try await factory.insert("book", ["titel": "Dune"]) }
        #expect(column?.description == "RowFactory: table `book` has no column `titel`\n  suggestion: did you mean `title`?")
        let type = await #expect(throws: RowFactoryError.self) { try await factory.insert("book", ["pages": "many"]) }
        #expect(type?.column == "pages")
        #expect(type?.description == "RowFactory: column `book.pages` (INTEGER): `\"many\"` is not an integer\n  suggestion: write a whole number such as `42`")
        let cycle = await #expect(throws: RowFactoryError.self) { try await factory.insert("hen") }
        #expect(cycle?.message == "the required foreign keys make a cycle: hen → egg → hen")
        let label = await #expect(throws: RowFactoryError.self) { try await factory.insert("book", ["author": .label("ada")]) }
        #expect(label?.suggestion == "make the factory with RowFactory(db, fixtures: …)")
        let check = await #expect(throws: RowFactoryError.self) { try await factory.insert("graded") }
        #expect(check?.message == "graded: the database refused the row: CHECK constraint failed: grade > 100\n  generated: grade = 1")
        // Nothing half-made stays behind from the refused rows' parents? The cycle made none.
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM hen") == 0)
    }

    @Test func rowsMadeInAnIsolatedDatabaseVanishWithIt() async throws {
        let template = DatabaseTemplate(schema: Self.schema)
        let made = try await IsolatedDatabase.with(template) { db in
            let factory = RowFactory(db)
            _ = try await factory.insert("review", count: 5)
            return try await db.fetchOne(Int.self, "SELECT count(*) FROM book")
        }
        #expect(made == 5)
        let after = try await IsolatedDatabase.with(template) { try await $0.fetchOne(Int.self, "SELECT count(*) FROM book") }
        #expect(after == 0)
    }
}
