#if GRDB
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import SQLTestKitTesting
import Testing

struct Author: Codable, FetchableRecord, PersistableRecord {
    var id: Int64
    var name: String
}

struct Book: Codable, FetchableRecord, PersistableRecord {
    var id: Int64
    var title: String
    var authorId: Int64
    static let author = belongsTo(Author.self)
}

struct BookWithAuthor: Decodable, FetchableRecord {
    var book: Book
    var author: Author
}

enum Library {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "author") { t in
                t.primaryKey("id", .integer)
                t.column("name", .text).notNull()
            }
            try db.create(table: "book") { t in
                t.primaryKey("id", .integer)
                t.column("title", .text).notNull()
                t.belongsTo("author").notNull()
            }
        }
        return migrator
    }

    static let fixtures = try! FixtureSet(files: [
        "author.yml": """
            herbert: { name: Frank Herbert }
            leguin: { name: Ursula K. Le Guin }
            """,
        "book.yml": """
            dune: { title: Dune, author: herbert }
            earthsea: { title: A Wizard of Earthsea, author: leguin }
            """,
    ])

    static let template = GRDBTemplate(migrator: migrator, fixtures: fixtures)
}

@Suite(.grdbDatabase(Library.template))
struct LibraryTests {
    @Test func eachTestGetsItsOwnMigratedDatabaseWithTheFixtures() async throws {
        let db = try GRDBTestDatabase.require()
        let duneID = Library.fixtures.id(of: "dune", in: "book")
        let dune = try await db.read { db in try Book.fetchOne(db, key: duneID) }
        #expect(dune?.title == "Dune")
        _ = try await db.write { db in try Book.deleteAll(db) }   // no other test sees this
    }

    @Test func theExactSQL() async throws {
        let db = try GRDBTestDatabase.require()
        let log = try GRDBTestDatabase.requireLog()
        _ = try await db.read { db in
            try Book.filter(Column("title") == "Dune").fetchAll(db)
        }
        // GRDB's BEGIN, COMMIT and schema reads are noise
        assertSQL(log, [#"SELECT * FROM "book" WHERE "title" = 'Dune'"#])
    }

    @Test func booksWithTheirAuthorsInOneQuery() async throws {
        let db = try GRDBTestDatabase.require()
        let log = try GRDBTestDatabase.requireLog()
        // Fetching each book's author in a loop fails this:
        // "N+1 pattern: … 2× SELECT * FROM author WHERE id = ?"
        try await assertNoNPlusOne(log) {
            let books = try await db.read { db in
                try Book.including(required: Book.author)
                    .asRequest(of: BookWithAuthor.self).fetchAll(db)
            }
            let names = books.map(\.author.name).sorted()
            #expect(names == ["Frank Herbert", "Ursula K. Le Guin"])
        }
    }
}
#endif
