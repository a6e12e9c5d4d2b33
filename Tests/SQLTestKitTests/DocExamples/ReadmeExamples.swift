import SQLTestKit
import SQLTestKitTesting
import Testing

/// Every Swift example of the README that runs in a test body, copied verbatim (checked by
/// `ReadmeExampleTests.everyExampleIsCompiledAsWritten`), one test each.
@Suite("README examples, as written")
struct ReadmeExamples {
    @Test func queriesAndValues() async throws {
        let id = 42
        let query: SQLQuery =
            "SELECT id, title FROM book WHERE author_id = \(id) AND title LIKE \("%Swift%")"
        #expect(query.sql == "SELECT id, title FROM book WHERE author_id = ? AND title LIKE ?")
        #expect(query.arguments == [.integer(42), .text("%Swift%")])
        #expect(query.expandedSQL ==
            "SELECT id, title FROM book WHERE author_id = 42 AND title LIKE '%Swift%'")

        let table = "order"
        let ids = [1, 2, 3]
        let other: SQLQuery = "SELECT * FROM \(identifier: table) WHERE id IN (\(list: ids))"
        #expect(other.sql(for: .postgres) == #"SELECT * FROM "order" WHERE id IN ($1, $2, $3)"#)
        #expect(other.expandedSQL(for: .mysql) == "SELECT * FROM `order` WHERE id IN (1, 2, 3)")
    }

    @Test func sqlite() async throws {
        struct Book: Decodable { var id: Int; var title: String; var year: Int? }

        let db = try await SQLiteDriver.inMemory().connect()
        try await db.executeScript("""
            CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE, year INTEGER);
            INSERT INTO book(title, year) VALUES ('Dune', 1965), ('Emma', NULL);
            """)
        let books = try await db.fetchAll(Book.self, "SELECT id, title, year FROM book ORDER BY id")
        #expect(books.map(\.title) == ["Dune", "Emma"])

        let inserted = try await db.execute("INSERT INTO book(title) VALUES (\("Ulysses"))")
        #expect(inserted.lastInsertID == 3)

        do {
            try await db.execute("INSERT INTO book(title) VALUES (\("Dune"))")
        } catch QueryError.Code.constraintUnique {
            // recognised by its code, from SQLite and from the mock alike
        }
    }

    @Test func readingRowByRow() async throws {
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.executeScript("""
            CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL);
            INSERT INTO book(title, price) VALUES ('Dune', 9.5), ('Emma', 7.25);
            """)
        var books: [(id: Int, title: String, price: Double)] = []
        try await db.forEachRow("SELECT id, title, price FROM book ORDER BY id") { row in
            books.append((try row.decode("id"), try row.decode("title"), try row.decode("price")))
        }
        #expect(books.map(\.title) == ["Dune", "Emma"])
        #expect(books.map(\.price) == [9.5, 7.25])
    }

    @Test func transactions() async throws {
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.execute("CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
        try await db.transaction { db in
            try await db.execute("INSERT INTO book(title) VALUES (\("Dune"))")
            try? await db.transaction { db in          // a savepoint
                try await db.execute("INSERT INTO book(title) VALUES (\("Emma"))")
                throw CancellationError()               // undoes only the inner insert
            }
        }
        let count = try await db.testTransaction { db in
            // code under test opening its own transaction…
            try await db.execute("BEGIN")
            try await db.execute("DELETE FROM book")
            try await db.execute("COMMIT")              // …becomes a savepoint: nothing escapes
            return try await db.fetchOne(Int.self, "SELECT count(*) FROM book")
        }
        #expect(count == 0)
        // Dune is still there
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book") == 1)
    }

    @Test func fixtures() async throws {
        // parses; problems carry file:line:column
        let fixtures = try FixtureSet(directory: "Fixtures")
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.executeScript(fixtures.schemaSQL!)
        let summary = try await fixtures.load(into: db)      // one transaction, parents first
        #expect(summary.totalRows == 17)

        let grace = fixtures.id(of: "grace", in: "author")!  // the same number on every machine
        let titles = try await db.fetchAll(String.self, """
            SELECT title FROM book WHERE author_id = \(grace) ORDER BY title
            """)
        #expect(titles == ["A Manual for Compilers", "Compilers, Second Edition"])
    }

    @Test func fixtureProblems() async throws {
        let schemaSQL = """
            CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                email TEXT NOT NULL UNIQUE);
            """
        let fixtures = try FixtureSet(files: [
            "author.yml": "ada:\n  nmae: Ada Lovelace\n  email: ada@example.com",
        ])
        let problems = try await fixtures.check(schema: schemaSQL)
        #expect(problems.map(\.description) == ["""
            author.yml:2:9: unknown column `nmae` in table `author` (row `ada`)
              suggestion: did you mean `name`?
            """])
    }

    @Test func fixturesForTheMockAndTemplates() async throws {
        let fixtures = try FixtureSet(directory: "Fixtures")
        let mock = MockDriver(dialect: .sqlite)
        mock.script("SELECT * FROM tag", answer: .rows(try await fixtures.rows(of: "tag")))
        // the rows SQLite would give
        let tags = try await mock.connect().fetchAll("SELECT * FROM tag")

        // schema.sql + every fixture, built once
        let template = try DatabaseTemplate(fixtures: fixtures)
        let db = try await SQLiteDriver.Connection.cloning(template)
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM tag") == tags.count)
    }

    @Test func mockToqlStyle() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script("SELECT id, name FROM user WHERE id = 5", rows: [["id": 5, "name": "Joe"]])

        let db = try await mock.connect()                 // hand `mock` to the code under test
        let name = try await db.fetchOne("SELECT id, name FROM user WHERE id = \(5)")?["name"]
        try await db.execute("UPDATE user SET seen = 1 WHERE id = \(5)")

        #expect(name == "Joe")
        #expect(mock.takeSQLs() == [
            "SELECT id, name FROM user WHERE id = 5",
            "UPDATE user SET seen = 1 WHERE id = 5",
        ])
        try mock.verify() // every script was used
    }

    @Test func mockSqlmockStyle() async throws {
        let mock = MockDriver(dialect: .postgres, strict: true)
        mock.expectInOrder {
            MockExpectation("BEGIN")
            MockExpectation("UPDATE account SET balance = balance - $1 WHERE id = $2",
                            arguments: [100, 1])
                .answering(.affected(1))
            MockExpectation("UPDATE account SET balance = balance + $1 WHERE id = $2",
                            arguments: [100, 2])
                .answering(.affected(1))
            MockExpectation("COMMIT")
        }
        let db = try await mock.connect()
        try await db.transaction { db in
            try await db.execute("UPDATE account SET balance = balance - \(100) WHERE id = \(1)")
            try await db.execute("UPDATE account SET balance = balance + \(100) WHERE id = \(2)")
        }
        try mock.verify()
    }

    @Test func assertions() async throws {
        struct BookStore {
            let db: any DatabaseConnection
            func rename(book id: Int, to title: String) async throws {
                try await db.execute("UPDATE book SET title = \(title) WHERE id = \(id)")
            }
            func booksWithAuthors() async throws -> [ResultRow] {
                let books = try await db.fetchAll("SELECT id, author_id FROM book")
                let ids = books.map { $0["author_id"] ?? .null }
                let authors = try await db.fetchAll(
                    "SELECT * FROM author WHERE id IN (\(list: ids))")
                return books + authors
            }
        }

        let mock = MockDriver()
        let store = BookStore(db: try await mock.connect())
        try await store.rename(book: 1, to: "Dune")
        assertSQL(mock, [.bound("UPDATE book SET title = ? WHERE id = ?", arguments: ["Dune", 1])])

        try await assertQueryCount(2, mock.log) { _ = try await store.booksWithAuthors() }
        try await assertNoNPlusOne(mock.log) { _ = try await store.booksWithAuthors() }
    }

    @Test func stateAssertions() async throws {
        let fixtures = try FixtureSet(directory: "Fixtures")
        let db = try await SQLiteDriver.inMemory().connect()
        let schema = FixtureSchema(sql: fixtures.schemaSQL!, source: "Fixtures/schema.sql")
        try await fixtures.load(into: db, schema: schema)
        let notes = fixtures.id(of: "notes", in: "book")!
        try await db.execute("UPDATE book SET price = 10.0 WHERE id = \(notes)")
        try await db.execute("INSERT INTO tag(id, name) VALUES (1, 'Poetry')")

        try await assertTableRows("tag", in: db, [
            ["id": 1, "name": "Poetry"],
            ["id": .integer(fixtures.id(of: "history", in: "tag")!), "name": "History"],
            ["id": .integer(fixtures.id(of: "languages", in: "tag")!),
             "name": "Programming Languages"],
            ["id": .integer(fixtures.id(of: "systems", in: "tag")!), "name": "Systems"],
        ])
        try await assertChanges(in: db, since: fixtures, [
            "~ book `notes`: price 12.5 → 10.0",
            "+ tag (id 1): id 1, name 'Poetry'",
        ])
    }

    @Test func readReplica() async throws {
        struct ReadReplica: DatabaseRouter {
            func databaseForReading(_ table: String, context: RoutingContext) -> String? {
                "replica"
            }
        }

        let primary = MockDriver(), replica = MockDriver()            // a mock per name
        let routed = RoutedDriver(databases: ["default": primary, "replica": replica],
                                  router: ReadReplica())
        let db = try await routed.connect()
        _ = try await db.fetchAll("SELECT * FROM book WHERE id = \(1)")
        try await db.execute("UPDATE book SET price = \(10) WHERE id = \(1)")
        #expect(replica.takeSQLs() == ["SELECT * FROM book WHERE id = 1"])
        #expect(primary.takeSQLs() == ["UPDATE book SET price = 10 WHERE id = 1"])
    }

    @Test func schemaPerTenant() async throws {
        struct SchemaPerTenant: DatabaseRouter {
            func schema(for table: String, context: RoutingContext) -> String? {
                table == "plan" ? nil : context.tenant
            }
        }

        let tenants = RoutedDriver(databases: ["default": SQLiteDriver.inMemory()],
                                   router: SchemaPerTenant())
        let db = try await tenants.connect()
        try await db.executeScript("""
            CREATE TABLE plan (id INTEGER PRIMARY KEY, name TEXT);
            ATTACH DATABASE ':memory:' AS acme;
            CREATE TABLE acme.invoice (id INTEGER PRIMARY KEY, plan_id INTEGER, total REAL);
            """)
        try await RoutingContext.with(tenant: "acme") {
            // runs as "acme"."invoice"
            try await db.execute("INSERT INTO invoice (plan_id, total) VALUES (\(1), \(10.0))")
        }
        #expect(try await db.fetchOne(Double.self, "SELECT total FROM acme.invoice") == 10.0)
    }

    @Test func recording() async throws {
        let driver = RecordingDriver(wrapping: SQLiteDriver.inMemory())
        let db = try await driver.connect()
        try await db.execute("CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT)")
        for id in 1...3 {
            _ = try await db.fetchOne("SELECT name FROM author WHERE id = \(id)")
        }
        #expect(driver.log.shapes().first?.shape == "SELECT name FROM author WHERE id = ?")
        #expect(driver.log.shapes().first?.count == 3)
    }
}
