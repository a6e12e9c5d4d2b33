import Foundation
import Testing
import SQLTestKit

@Suite("The mock checked against a schema (SQLite)")
struct MockSchemaCheckTests {
    static let schema: MockSchema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER REFERENCES author(id),
                          price REAL, published DATE, cover BLOB);
        """

    /// The error SQLiteDriver throws for `query` on a database with the same schema.
    static func realError(_ query: SQLQuery) async throws -> QueryError? {
        let driver = SQLiteDriver.inMemory()
        let db = try await driver.connect()
        try await db.executeScript(schema.sql)
        do {
            _ = try await db.fetchAll(query)
            return nil
        } catch let error as QueryError {
            return error
        }
    }

    @Test(arguments: [
        ("SELECT id, titel FROM book", "no such column: titel", "did you mean `title`?"),
        ("SELECT * FROM books WHERE id = 1", "no such table: books", "did you mean `book`?"),
        ("SELEC id FROM book", "near \"SELEC\": syntax error", nil),
        ("UPDATE book SET titel = 'x' WHERE id = 1", "no such column: titel", "did you mean `title`?"),
    ] as [(String, String, String?)])
    func statementsTheDatabaseRefusesFailAsTheDriverFails(sql: String, message: String, suggestion: String?) async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        try mock.script(.regex("."), rows: [])
        let db = try await mock.connect()
        let error = await expectError(QueryError.self) { _ = try await db.fetchAll(SQLQuery(sql: sql)) }
        let real = try await Self.realError(SQLQuery(sql: sql))
        #expect(error?.code == real?.code)
        #expect(error?.code == .error)
        #expect(error?.message == message)
        #expect(error?.message == real?.message)
        #expect(error?.suggestion == suggestion)
        #expect(error?.sql == sql)
        // The statement is logged, and verify() reports it even though the test caught it.
        #expect(mock.takeSQLs() == [sql])
        let verification = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(verification?.problems.count == 2)   // the refusal, and the regex script that never answered
        #expect(verification?.description.contains("statement #1 on connection 1 fails against the mock's schema, as it would on the database:") == true)
        #expect(verification?.description.contains(message) == true)
    }

    @Test func aWrongNumberOfArgumentsFailsWithTheDriversCode() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        let db = try await mock.connect()
        let query = SQLQuery(sql: "SELECT title FROM book WHERE id = ? AND author_id = ?", arguments: [1])
        let error = await expectError(QueryError.self) { _ = try await db.fetchAll(query) }
        let real = try await Self.realError(query)
        #expect(error?.code == .range)
        #expect(error?.code == real?.code)
        #expect(error?.message == "the statement has 2 parameters but 1 argument was given")
        #expect(error?.message == real?.message)
        #expect(error?.arguments == [1])
        // Cached by SQL text, the count is still checked per statement.
        let right = SQLQuery(sql: query.sql, arguments: [1, 2])
        #expect(try await db.fetchAll(right).isEmpty)
        let again = await expectError(QueryError.self) { _ = try await db.fetchAll(SQLQuery(sql: query.sql, arguments: [1, 2, 3])) }
        #expect(again?.message == "the statement has 2 parameters but 3 arguments were given")
    }

    @Test func aSwallowedErrorStillFailsVerify() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        let db = try await mock.connect()
        // Code that ignores the failure, as careless code does.
        _ = try? await db.execute("DELETE FROM book WHERE autor_id = \(5)")
        let problems = mock.problems
        #expect(problems.count == 1)
        guard case .invalidStatement(let statement, let error)? = problems.first else {
            Issue.record("expected an invalid statement, got \(problems)")
            return
        }
        #expect(statement.expandedSQL == "DELETE FROM book WHERE autor_id = 5")
        #expect(error.message == "no such column: autor_id")
        #expect(error.suggestion == "did you mean `author_id`?")
    }

    @Test func validStatementsPassAndAreAnswered() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema, strict: true)
        mock.script("SELECT b.id, b.title, a.name AS author FROM book b JOIN author a ON a.id = b.author_id WHERE b.id = ?",
                    rows: [["id": 1, "title": "Dune", "author": "Frank Herbert"]])
        mock.script("INSERT INTO book(title, author_id) VALUES (?, ?) RETURNING id", rows: [["id": 7]])
        mock.script("UPDATE book SET price = ? WHERE id = ?", answer: .affected(1))
        let db = try await mock.connect()
        let rows = try await db.fetchAll("SELECT b.id, b.title, a.name AS author FROM book b JOIN author a ON a.id = b.author_id WHERE b.id = \(1)")
        #expect(rows.map(\.dictionary) == [["id": 1, "title": "Dune", "author": "Frank Herbert"]])
        let inserted = try await db.fetchOne("INSERT INTO book(title, author_id) VALUES (\("Emma"), \(2)) RETURNING id")
        #expect(inserted?["id"] == 7)
        let updated = try await db.execute("UPDATE book SET price = \(9.5) WHERE id = \(7)")
        #expect(updated.rowsAffected == 1)
        try await db.transaction { db in
            try await db.execute("UPDATE book SET price = \(1.0) WHERE id = \(7)")
        }
        try mock.verify()
        #expect(mock.schemaNotice == nil)
        #expect(mock.checksSchema)
    }

    @Test func scriptedRowsWithOtherColumnsAreRefusedWithBothLists() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        mock.script("SELECT id, name FROM author", rows: [["id": 1, "nmae": "Ada"]])
        let db = try await mock.connect()
        let error = await expectError(MockMismatch.self) { _ = try await db.fetchAll("SELECT id, name FROM author") }
        #expect(error?.description == """
            SQLTestKitTests/MockSchemaCheckTests.swift:109: the answer scripted for
              SELECT id, name FROM author
            statement #1 on connection 1: SELECT id, name FROM author
            the scripted rows do not fit the columns the statement returns:
              statement returns: id, name
              scripted row 1:    id, nmae
              `nmae` is not a column of the statement; did you mean `name`?
              missing: name
            """)
        #expect(mock.problems.count == 1)
    }

    @Test func aColumnCountThatDiffersIsRefused() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        mock.script("SELECT id, title FROM book", rows: [["id": 1, "title": "Dune", "price": 9.5]])
        mock.script("DELETE FROM book WHERE id = 1", rows: [["id": 1]])
        let db = try await mock.connect()
        let wide = await expectError(MockMismatch.self) { _ = try await db.fetchAll("SELECT id, title FROM book") }
        #expect(wide?.description.contains("statement returns: id, title\n  scripted row 1:    id, title, price") == true)
        #expect(wide?.description.contains("`price` is not a column of the statement") == true)
        #expect(wide?.description.contains("the statement returns 2 columns, the row has 3") == true)
        let none = await expectError(MockMismatch.self) { _ = try await db.execute("DELETE FROM book WHERE id = 1") }
        #expect(none?.description.contains("statement returns: (no columns)") == true)
        #expect(none?.description.contains("the statement returns no rows; script .affected(n)") == true)
    }

    @Test func aScriptedValueTheDeclaredTypeCannotHoldIsNamed() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        mock.script("SELECT id, title FROM book", rows: [["id": 1, "title": "Dune"], ["id": "two", "title": "Emma"]])
        mock.script("SELECT title, price FROM book", rows: [["title": 42, "price": 9.5]])
        // A DATE column (numeric affinity) and a BLOB column keep anything; a computed column has no declared type.
        mock.script("SELECT published, cover, count(*) AS n FROM book", rows: [["published": "2024-01-01", "cover": 7, "n": "x"]])
        let db = try await mock.connect()
        let text = await expectError(MockMismatch.self) { _ = try await db.fetchAll("SELECT id, title FROM book") }
        #expect(text?.description.contains("scripted row 2, column `id`: TEXT 'two', but the column is declared INTEGER and SQLite returns INTEGER or REAL there (or NULL)") == true)
        let number = await expectError(MockMismatch.self) { _ = try await db.fetchAll("SELECT title, price FROM book") }
        #expect(number?.description.contains("scripted row 1, column `title`: INTEGER 42, but the column is declared TEXT and SQLite returns BLOB or TEXT there") == true)
        let loose = try await db.fetchAll("SELECT published, cover, count(*) AS n FROM book")
        #expect(loose.count == 1)
    }

    @Test func rowsScriptedInAnotherOrderComeBackInTheStatementsOrder() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        mock.script("SELECT id, title FROM book", rows: [["TITLE": "Dune", "id": 1], ["TITLE": "Emma", "id": 2]])
        let db = try await mock.connect()
        let rows = try await db.fetchAll("SELECT id, title FROM book")
        #expect(rows.map(\.columnNames) == [["id", "title"], ["id", "title"]])
        #expect(rows.map(\.values) == [[1, "Dune"], [2, "Emma"]])
    }

    @Test func theSchemaComesFromTextAFileOrAFixtureDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-mockschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let schemaFile = directory.appendingPathComponent("schema.sql")
        try "CREATE TABLE gadget(id INTEGER PRIMARY KEY, label TEXT);".write(to: schemaFile, atomically: true, encoding: .utf8)
        try "- id: 1\n  label: one\n".write(to: directory.appendingPathComponent("gadget.yml"), atomically: true, encoding: .utf8)
        for schema in [try MockSchema.file(schemaFile.path), try MockSchema.fixtures(try FixtureSet(directory: directory.path))] {
            let db = try await MockDriver(dialect: .sqlite, schema: schema).connect()
            let error = await expectError(QueryError.self) { _ = try await db.fetchAll("SELECT lable FROM gadget") }
            #expect(error?.suggestion == "did you mean `label`?")
        }
        let missing = #expect(throws: QueryError.self) { try MockSchema.file(directory.appendingPathComponent("nope.sql").path) }
        #expect(missing?.message.hasPrefix("cannot read the mock's schema file \(directory.path)/nope.sql") == true)
        try FileManager.default.removeItem(at: schemaFile)
        let noSchema = #expect(throws: QueryError.self) { try MockSchema.fixtures(try FixtureSet(directory: directory.path)) }
        #expect(noSchema?.message == "the fixture set has no schema.sql to check the mock's statements against")
    }

    @Test func aSchemaThatDoesNotLoadIsRefusedWithItsError() throws {
        let error = #expect(throws: QueryError.self) { try MockDriver(dialect: .sqlite, schema: "CREATE TABLE t(id INTEGER PRIMARY KEY);\nCREATE TABEL u(x);") }
        #expect(error?.message == "near \"TABEL\": syntax error")
        #expect(error?.suggestion == "the schema given to the mock does not load into SQLite")
    }

    @Test func constraintsAreNotSimulated() async throws {
        // The mock holds no data: a duplicate key the database would refuse is answered.
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema, strict: true)
        mock.script("INSERT INTO author(id, name) VALUES (1, 'Ada')", answer: .affected(1), count: .times(2))
        let db = try await mock.connect()
        try await db.execute("INSERT INTO author(id, name) VALUES (1, 'Ada')")
        try await db.execute("INSERT INTO author(id, name) VALUES (1, 'Ada')")
        try mock.verify()
    }

    @Test func aDialectWithoutACheckerSaysSoOnce() async throws {
        let mock = try MockDriver(dialect: .postgres, schema: "CREATE TABLE t(x int)")
        let db = try await mock.connect()
        #expect(mock.schemaNotice == nil)
        try await db.execute("SELECT nope FROM nowhere")
        #expect(mock.schemaNotice == "MockDriver(dialect: .postgres, schema:) does not check statements: that needs a PostgreSQL server; use MockDriver.postgres(schema:) from SQLTestKitPostgres (the PostgreSQL trait)")
        try mock.verify()
    }

    @Test func statementsThatAreNotReadsOrWritesAreNotChecked() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        let db = try await mock.connect()
        // Migrations the code runs, settings, transaction control: answered, not prepared.
        try await db.execute("CREATE TABLE book(id INTEGER PRIMARY KEY)")
        try await db.execute("PRAGMA foreign_keys = ON")
        try await db.execute("BEGIN")
        try await db.execute("COMMIT")
        try mock.verify()
    }

    @Test func twoHundredConcurrentTasksEachGetTheirOwnVerdict() async throws {
        let mock = try MockDriver(dialect: .sqlite, schema: Self.schema)
        // Half the texts are new to the checker and half misspell a column, all at once.
        let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let db = try await mock.connect()
                    let column = index.isMultiple(of: 2) ? "title" : "titel"
                    do {
                        _ = try await db.fetchAll(SQLQuery(sql: "SELECT \(column) FROM book WHERE id = ? AND \(index) = \(index)", arguments: [1]))
                        return (index, nil)
                    } catch let error as QueryError {
                        return (index, error.message)
                    }
                }
            }
            return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 200)
        for (index, message) in results {
            #expect(message == (index.isMultiple(of: 2) ? nil : "no such column: titel"), "task \(index)")
        }
        #expect(mock.problems.count == 100)
        #expect(mock.log.statements.count == 200)
    }
}
