#if PostgreSQL
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    @Suite("PostgreSQL errors are QueryError values with the codes SQLite uses")
    struct Errors {
        @Test func constraintViolationsMapOntoTheSameCodes() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript("""
                    CREATE TABLE author(id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE, age INTEGER CHECK (age > 0));
                    CREATE TABLE book(id BIGINT PRIMARY KEY, author_id BIGINT REFERENCES author(id));
                    INSERT INTO author VALUES (1, 'a@example.com', 30);
                    """)
                let cases: [(SQLQuery, QueryError.Code, String)] = [
                    ("INSERT INTO author VALUES (\(2), \("a@example.com"), \(1))", .constraintUnique, "23505"),
                    ("INSERT INTO author VALUES (\(1), \("b@example.com"), \(1))", .constraintPrimaryKey, "23505"),
                    ("INSERT INTO book VALUES (\(1), \(99))", .constraintForeignKey, "23503"),
                    ("INSERT INTO author(id, email) VALUES (\(3), NULL)", .constraintNotNull, "23502"),
                    ("INSERT INTO author VALUES (\(4), \("c@example.com"), \(-1))", .constraintCheck, "23514"),
                ]
                for (query, code, state) in cases {
                    let error = try await #require(throws: QueryError.self) { try await db.execute(query) }
                    #expect(error.code == code, "\(query.sql)")
                    #expect(error.databaseCode == state)
                    #expect(error.primaryCode == .constraint)
                    #expect(error.sql == query.sql)
                    #expect(error.arguments == query.arguments)
                }
                let duplicate = try await #require(throws: QueryError.self) {
                    try await db.execute("INSERT INTO author VALUES (\(2), \("a@example.com"), \(1))")
                }
                #expect(duplicate.message == "duplicate key value violates unique constraint \"author_email_key\"")
                #expect(duplicate.detail == "Key (email)=(a@example.com) already exists.")
                #expect(duplicate.description.hasPrefix("SQLSTATE 23505 unique_violation (QueryError.Code.constraintUnique): duplicate key value"))
                #expect(duplicate.description.contains("  detail: Key (email)=(a@example.com) already exists."))
                // The same catch works as for SQLite and the mock.
                do {
                    try await db.execute("INSERT INTO author VALUES (\(5), \("a@example.com"), \(1))")
                    Issue.record("the duplicate was accepted")
                } catch QueryError.Code.constraintUnique {}
            }
        }

        @Test func aMisspelledTableOrColumnGetsASuggestion() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.execute("CREATE TABLE author(id BIGINT PRIMARY KEY, name TEXT)")
                let table = try await #require(throws: QueryError.self) { try await db.execute("SELECT * FROM authr") }
                #expect(table.message == "relation \"authr\" does not exist")
                #expect(table.databaseCode == "42P01")
                #expect(table.code == .error)
                #expect(table.suggestion == "did you mean `author`?")
                let column = try await #require(throws: QueryError.self) { try await db.execute("SELECT nmae FROM author") }
                #expect(column.databaseCode == "42703")
                // The server's own hint is the suggestion when it sends one.
                #expect(column.suggestion == "Perhaps you meant to reference the column \"author.name\".")
                // Nothing near: no guess.
                let far = try await #require(throws: QueryError.self) { try await db.execute("SELECT * FROM invoices") }
                #expect(far.suggestion == nil)
            }
        }

        @Test func badURLsAndUnreachableServersSayWhatIsWrong() async throws {
            #expect(throws: PostgresURLError.self) { try PostgresDriver(url: "mysql://root:secret@localhost/app") }
            do {
                _ = try PostgresDriver(url: "mysql://root:secret@localhost/app")
            } catch {
                #expect("\(error)" == "not a PostgreSQL URL: \"mysql://root:***@localhost/app\" (the scheme is `mysql`)\n  expected: postgres://user:password@host:port/database")
            }
            let parsed = try PostgresDriver(url: "postgresql://us%40er:p%3Ass@db.example:6543/app_test")
            #expect(parsed.configuration.username == "us@er")
            #expect(parsed.configuration.password == "p:ss")
            #expect(parsed.configuration.port == 6543)
            #expect(parsed.configuration.database == "app_test")
            #expect(parsed.url == "postgres://us@er@db.example:6543/app_test")

            let server = try await PostgresTestServer.shared()
            let missing = server.driver(database: "no_such_database_here")
            let error = try await #require(throws: QueryError.self) { _ = try await missing.connect() }
            #expect(error.code == .cannotOpen)
            #expect(error.databaseCode == "3D000")
            #expect(error.message.contains("database \"no_such_database_here\" does not exist"))
            #expect(error.suggestion?.hasPrefix("create the database first") == true)
        }

        @Test func aClosedConnectionRefusesStatements() async throws {
            try await PostgresTesting.withDatabase { driver in
                let db = try await driver.connect()
                await db.close()
                let error = try await #require(throws: QueryError.self) { try await db.execute("SELECT 1") }
                #expect(error.code == .misuse)
                #expect(error.message == "the connection is closed")
            }
        }
    }

    @Suite("A test transaction on PostgreSQL survives a failed statement")
    struct TestTransactions {
        @Test func aFailedStatementOfTheCodeIsRolledBackAlone() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.execute("CREATE TABLE author(id BIGINT PRIMARY KEY, email TEXT UNIQUE)")
                try await db.testTransaction { db in
                    try await db.execute("INSERT INTO author VALUES (1, 'a@example.com')")
                    // The first statement of a test can fail too (nothing to keep yet).
                    await #expect(throws: QueryError.self) { try await db.execute("SELECT * FROM nowhere") }
                    let duplicate = try await #require(throws: QueryError.self) { try await db.execute("INSERT INTO author VALUES (2, 'a@example.com')") }
                    #expect(duplicate.code == .constraintUnique)
                    // The transaction goes on, with the first insert and without the failed one.
                    try await db.execute("INSERT INTO author VALUES (3, 'c@example.com')")
                    #expect(try await db.fetchAll(Int.self, "SELECT id FROM author ORDER BY id") == [1, 3])
                    // A failing read after a change keeps the change.
                    await #expect(throws: QueryError.self) { try await db.execute("SELECT 1 / 0") }
                    #expect(try await db.fetchAll(Int.self, "SELECT id FROM author ORDER BY id") == [1, 3])
                    // The code's own BEGIN … COMMIT is a savepoint, and inside it PostgreSQL's rule holds.
                    try await db.execute("BEGIN")
                    try await db.execute("INSERT INTO author VALUES (4, 'd@example.com')")
                    await #expect(throws: QueryError.self) { try await db.execute("INSERT INTO author VALUES (4, 'd@example.com')") }
                    let aborted = try await #require(throws: QueryError.self) { try await db.execute("SELECT 1") }
                    #expect(aborted.databaseCode == "25P02")
                    #expect(aborted.suggestion?.contains("roll back to a savepoint") == true)
                    try await db.execute("ROLLBACK")
                    #expect(try await db.fetchAll(Int.self, "SELECT id FROM author ORDER BY id") == [1, 3])
                }
                // Nothing of the test stays.
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 0)
            }
        }

        @Test func outsideATestTransactionPostgreSQLsRuleHolds() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.execute("CREATE TABLE t(x INTEGER PRIMARY KEY)")
                await #expect(throws: QueryError.self) {
                    try await db.transaction { db in
                        try await db.execute("INSERT INTO t VALUES (1)")
                        _ = try? await db.execute("INSERT INTO t VALUES (1)")
                        // Aborted until rolled back: this fails, and the block rolls back.
                        try await db.execute("INSERT INTO t VALUES (2)")
                    }
                }
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM t") == 0)
                #expect(db.transactionState.depth == 0)
            }
        }
    }
}
#endif
