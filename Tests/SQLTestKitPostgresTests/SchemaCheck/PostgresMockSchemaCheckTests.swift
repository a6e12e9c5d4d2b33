#if PostgreSQL
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    @Suite("The mock checked against a schema on the PostgreSQL test server")
    struct MockSchemaCheck {
        static let schema: MockSchema = """
            CREATE TABLE author(id bigserial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE book(id bigserial PRIMARY KEY, title text NOT NULL, author_id bigint REFERENCES author(id),
                              price numeric(8,2), in_print boolean NOT NULL DEFAULT true, cover bytea);
            """

        /// The error SQLTestKit's PostgreSQL driver throws for `query` on the same schema.
        static func realError(_ query: SQLQuery) async throws -> QueryError? {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript(schema.sql)
                do {
                    _ = try await db.fetchAll(query)
                    return nil
                } catch let error as QueryError {
                    return error
                }
            }
        }

        @Test(arguments: [
            ("SELECT id, titel FROM book", "42703", "column \"titel\" does not exist", "Perhaps you meant to reference the column \"book.title\"."),
            ("SELECT * FROM books WHERE id = 1", "42P01", "relation \"books\" does not exist", "did you mean `book`?"),
            ("SELECT id FROM book WHERE id =", "42601", "syntax error at end of input", nil),
            ("UPDATE book SET in_print = 'maybe' WHERE id = 1", "22P02", "invalid input syntax for type boolean: \"maybe\"", nil),
        ] as [(String, String, String, String?)])
        func statementsTheServerRefusesFailAsTheDriverFails(sql: String, state: String, message: String, suggestion: String?) async throws {
            let mock = try await MockDriver.postgres(schema: Self.schema)
            let db = try await mock.connect()
            let error = await #expect(throws: QueryError.self) { _ = try await db.fetchAll(SQLQuery(sql: sql)) }
            let real = try #require(try await Self.realError(SQLQuery(sql: sql)))
            #expect(error?.databaseCode == state)
            #expect(error?.databaseCode == real.databaseCode)
            #expect(error?.code == real.code)
            #expect(error?.message == message)
            #expect(error?.message == real.message)
            #expect(error?.suggestion == suggestion)
            #expect(error?.suggestion == real.suggestion)
            #expect(error?.sql == sql)
            let verification = #expect(throws: MockVerificationError.self) { try mock.verify() }
            #expect(verification?.problems.count == 1)
            #expect(verification?.description.contains("fails against the mock's schema, as it would on the database:\n  SQLSTATE \(state)") == true)
        }

        @Test func aWrongNumberOfArgumentsFailsWithTheDriversCode() async throws {
            let mock = try await MockDriver.postgres(schema: Self.schema)
            let db = try await mock.connect()
            let query = SQLQuery(sql: "SELECT title FROM book WHERE id = $1 AND author_id = $2", arguments: [1])
            let error = await #expect(throws: QueryError.self) { _ = try await db.fetchAll(query) }
            let real = try #require(try await Self.realError(query))
            #expect(error?.databaseCode == "08P01")
            #expect(error?.databaseCode == real.databaseCode)
            #expect(error?.code == real.code)
            #expect(error?.message == real.message)
            #expect(try await db.fetchAll(SQLQuery(sql: query.sql, arguments: [1, 2])).isEmpty)
        }

        @Test func scriptedRowsAreFittedToTheColumnsAndTypesTheServerReports() async throws {
            let mock = try await MockDriver.postgres(schema: Self.schema)
            mock.script("SELECT id, name FROM author", rows: [["id": 1, "nmae": "Ada"]])
            mock.script("SELECT id, title, in_print FROM book", rows: [["id": "one", "title": "Dune", "in_print": 1]])
            mock.script("SELECT title AS t, price FROM book", rows: [["price": "9.50", "t": "Dune"]])
            mock.script("INSERT INTO book (title) VALUES ($1) RETURNING \"id\"", rows: [["key": 5]])
            mock.script("INSERT INTO author (name) VALUES ($1) RETURNING id AS new_id", rows: [["new_id": 5]])
            let db = try await mock.connect()
            let names = await #expect(throws: MockMismatch.self) { _ = try await db.fetchAll("SELECT id, name FROM author") }
            #expect(names?.description.contains("statement returns: id, name\n  scripted row 1:    id, nmae") == true)
            #expect(names?.description.contains("`nmae` is not a column of the statement; did you mean `name`?") == true)
            let types = await #expect(throws: MockMismatch.self) { _ = try await db.fetchAll("SELECT id, title, in_print FROM book") }
            #expect(types?.description.contains("scripted row 1, column `id`: TEXT 'one', but the column is declared bigint and PostgreSQL returns INTEGER or REAL there (or NULL)") == true)
            let fitted = try await db.fetchAll("SELECT title AS t, price FROM book")
            #expect(fitted.map(\.columnNames) == [["t", "price"]])
            let returning = await #expect(throws: MockMismatch.self) { _ = try await db.fetchAll("INSERT INTO book (title) VALUES (\("Emma")) RETURNING \"id\"") }
            #expect(returning?.description.contains("statement returns: id\n  scripted row 1:    key") == true)
            #expect(try await db.fetchOne("INSERT INTO author (name) VALUES (\("Ada")) RETURNING id AS new_id")?["new_id"] == 5)
        }

        @Test func validStatementsPassWithArgumentsAndTransactions() async throws {
            let mock = try await MockDriver.postgres(schema: Self.schema, strict: true)
            mock.script("SELECT b.id, b.title, a.name FROM book b JOIN author a ON a.id = b.author_id WHERE b.price > $1",
                        rows: [["id": 1, "title": "Dune", "name": "Frank Herbert"]])
            mock.script("UPDATE book SET price = $1 WHERE id = $2", answer: .affected(1))
            let db = try await mock.connect()
            try await db.transaction { db in
                let rows = try await db.fetchAll("SELECT b.id, b.title, a.name FROM book b JOIN author a ON a.id = b.author_id WHERE b.price > \(5)")
                #expect(rows.map(\.values) == [[1, "Dune", "Frank Herbert"]])
                #expect(try await db.execute("UPDATE book SET price = \(9.5) WHERE id = \(1)").rowsAffected == 1)
            }
            try mock.verify()
            #expect(mock.schemaNotice == nil)
        }

        @Test func aSchemaThatDoesNotLoadFailsWhenTheMockIsMade() async throws {
            let error = await #expect(throws: QueryError.self) {
                _ = try await MockDriver.postgres(schema: "CREATE TABLE t(id bigserial PRIMARY KEY, kind no_such_type)")
            }
            #expect(error?.message == "type \"no_such_type\" does not exist")
            #expect(error?.suggestion?.hasPrefix("the schema given to the mock does not load into PostgreSQL") == true)
        }

        @Test func concurrentStatementsAreCheckedOneAtATimeOnTheServer() async throws {
            let mock = try await MockDriver.postgres(schema: Self.schema)
            let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let db = try await mock.connect()
                        let column = index.isMultiple(of: 2) ? "title" : "titel"
                        do {
                            // 20 texts, as an app sends the same statements again and again.
                            _ = try await db.fetchAll(SQLQuery(sql: "SELECT \(column) FROM book WHERE id = $1 AND \(index % 20) = \(index % 20)", arguments: [1]))
                            return (index, nil)
                        } catch let error as QueryError {
                            return (index, error.databaseCode)
                        }
                    }
                }
                return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 200)
            for (index, state) in results { #expect(state == (index.isMultiple(of: 2) ? nil : "42703"), "task \(index)") }
            #expect(mock.problems.count == 100)
        }

        @Test func aCheckingSessionTheServerKillsIsReplaced() async throws {
            let schema: MockSchema = "CREATE TABLE killed_session_probe(id bigint PRIMARY KEY, label text);"
            let mock = try await MockDriver.postgres(schema: schema)
            let db = try await mock.connect()
            _ = try await db.fetchAll("SELECT label FROM killed_session_probe WHERE id = \(1)")
            // An administrator (or a restart) ends every session on the checker's database.
            let server = try await PostgresTestServer.shared()
            let admin = try await server.driver().connect()
            let database = "sqltestkit_check_\(DatabaseTemplate(schema: schema.sql).contentHash.prefix(12))_%"
            let killed = try await admin.fetchAll("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE \(database)
                """)
            await admin.close()
            #expect(!killed.isEmpty)
            // New texts are still checked: right ones pass, wrong ones fail as before.
            _ = try await db.fetchAll("SELECT id, label FROM killed_session_probe WHERE id = \(2)")
            let error = await #expect(throws: QueryError.self) { _ = try await db.fetchAll("SELECT lable FROM killed_session_probe") }
            #expect(error?.databaseCode == "42703")
        }

        @Test func returningListsAreReadByTheTokenizer() {
            func names(_ sql: String) -> [String]? { PostgresStatementChecker.returnedColumnNames(of: sql) }
            #expect(names("INSERT INTO t (a) VALUES ($1)") == [])
            #expect(names("INSERT INTO t (a) VALUES ($1) RETURNING \"id\", t.Name, lower(b) AS lowered") == ["id", "name", "lowered"])
            #expect(names("UPDATE t SET a = 1 RETURNING *") == nil)
            #expect(names("DELETE FROM t RETURNING a + 1") == nil)
        }
    }
}
#endif
