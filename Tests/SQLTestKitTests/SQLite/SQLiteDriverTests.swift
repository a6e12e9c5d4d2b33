import Foundation
import Testing
import SQLTestKit
import SQLTestKitSQLite

@Suite("The SQLite driver")
struct SQLiteDriverTests {
    @Test func everyValueRoundTripsExactly() async throws {
        let db = try await makeDatabase("CREATE TABLE v(id INTEGER PRIMARY KEY, x)")
        let values: [SQLValue] = [
            .integer(.max), .integer(.min), .integer(0), .real(-0.0), .real(.pi), .real(.infinity),
            .real(.leastNonzeroMagnitude), .text(""), .text("a\u{0}b"), .text("naïve 日本 🎉"),
            .blob([]), .blob([0, 1, 255]), .null,
        ]
        for value in values {
            try await db.execute("INSERT INTO v(x) VALUES (\(value))")
        }
        let read = try await db.fetchAll("SELECT x FROM v ORDER BY id").map { $0[0] }
        #expect(read == values)
        // An empty blob is not NULL, and the NUL inside the text survived.
        #expect(try await db.fetchOne("SELECT count(*) FROM v WHERE x IS NULL")?[0] == 1)
        #expect(try await db.fetchOne("SELECT length(x) FROM v WHERE x = \("a\u{0}b")")?[0] == 1)
        #expect(try await db.fetchOne("SELECT typeof(x) FROM v WHERE id = 11")?[0] == "blob")
    }

    @Test func nanIsRefusedRatherThanStoredAsNull() async throws {
        let db = try await makeDatabase("CREATE TABLE v(x REAL)")
        let error = await expectError(QueryError.self) {
            try await db.execute("INSERT INTO v(x) VALUES (\(Double.nan))")
        }
        #expect(error?.code == .mismatch)
        #expect(error?.message == "argument 1 is NaN, which SQLite would silently store as NULL")
        #expect(error?.sql == "INSERT INTO v(x) VALUES (?)")
        #expect(try await db.fetchOne("SELECT count(*) FROM v")?[0] == 0)
    }

    @Test func resultsCountChangesAndKeys() async throws {
        let db = try await makeDatabase("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        let insert = try await db.execute("INSERT INTO t(name) VALUES (\("a")), (\("b"))")
        #expect(insert.rowsAffected == 2)
        #expect(insert.lastInsertID == 2)
        let ignored = try await db.execute("INSERT INTO t(name) VALUES (\("a")) ON CONFLICT DO NOTHING")
        #expect(ignored.rowsAffected == 0)
        #expect(ignored.lastInsertID == nil)
        let update = try await db.execute("UPDATE t SET name = upper(name)")
        #expect(update.rowsAffected == 2 && update.lastInsertID == nil)
        // A SELECT or DDL after DML reports no changes of its own.
        #expect(try await db.execute("SELECT * FROM t").rowsAffected == 0)
        #expect(try await db.execute("CREATE TABLE other(x)").rowsAffected == 0)
        let returning = try await db.execute("INSERT INTO t(name) VALUES (\("c")) RETURNING id, name")
        #expect(returning.rows.map(\.description) == ["[id: 3, name: 'c']"])
        #expect(returning.lastInsertID == 3)
    }

    @Test func constraintViolationsAreRecognisedByCode() async throws {
        let db = try await makeDatabase("CREATE TABLE t(id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL)")
        try await db.execute("INSERT INTO t(email) VALUES (\("a@b.c"))")
        do {
            try await db.execute("INSERT INTO t(email) VALUES (\("a@b.c"))")
            Issue.record("expected a unique violation")
        } catch QueryError.Code.constraintUnique {
            // matched without reading the message
        }
        let error = await expectError(QueryError.self) {
            try await db.execute("INSERT INTO t(email) VALUES (\("a@b.c"))")
        }
        #expect(error?.isConstraintViolation == true)
        #expect(error?.primaryCode == .constraint)
        #expect(error?.description == """
            SQLITE_CONSTRAINT_UNIQUE (2067): UNIQUE constraint failed: t.email
              SQL: INSERT INTO t(email) VALUES (?)
              arguments: [TEXT 'a@b.c']
              expanded: INSERT INTO t(email) VALUES ('a@b.c')
            """)
        let notNull = await expectError(QueryError.self) { try await db.execute("INSERT INTO t(email) VALUES (NULL)") }
        #expect(notNull?.code == .constraintNotNull)
    }

    @Test func foreignKeysAreEnforcedAndExplained() async throws {
        let db = try await makeDatabase("""
            CREATE TABLE author(id INTEGER PRIMARY KEY);
            CREATE TABLE book(id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id));
            """)
        let error = await expectError(QueryError.self) { try await db.execute("INSERT INTO book(author_id) VALUES (\(99))") }
        #expect(error?.code == .constraintForeignKey)
        #expect(error?.suggestion?.contains("PRAGMA foreign_key_check") == true)
    }

    @Test func misspeltTablesAndColumnsGetSuggestions() async throws {
        let db = try await makeDatabase("CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT)")
        let table = await expectError(QueryError.self) { try await db.execute("SELECT * FROM authr") }
        #expect(table?.message == "no such table: authr")
        #expect(table?.suggestion == "did you mean `author`?")
        let column = await expectError(QueryError.self) { try await db.execute("SELECT nmae FROM author") }
        #expect(column?.suggestion == "did you mean `name`?")
        let syntax = await expectError(QueryError.self) { try await db.execute("SELEC 1") }
        #expect(syntax?.code == .error)
        #expect(syntax?.message == #"near "SELEC": syntax error"#)
        #expect(syntax?.sql == "SELEC 1")
    }

    @Test func executeRefusesSeveralStatementsAndWrongArgumentCounts() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        let several = await expectError(QueryError.self) { try await db.execute("INSERT INTO t VALUES (1); DELETE FROM t") }
        #expect(several?.message == "execute runs one statement, and this SQL has more after the first")
        #expect(several?.suggestion?.contains("executeScript") == true)
        #expect(try await db.fetchOne("SELECT count(*) FROM t")?[0] == 0)
        // Trailing semicolons and comments are fine.
        try await db.execute("INSERT INTO t VALUES (1); -- done")
        let count = await expectError(QueryError.self) { try await db.execute(SQLQuery(sql: "SELECT ?, ?", arguments: [1])) }
        #expect(count?.code == .range)
        #expect(count?.message == "the statement has 2 parameters but 1 argument was given")
    }

    @Test func cachedStatementsFollowSchemaChanges() async throws {
        let db = try await makeDatabase("CREATE TABLE t(a); INSERT INTO t VALUES (1)")
        #expect(try await db.fetchOne("SELECT * FROM t")?.columnNames == ["a"])
        try await db.execute("ALTER TABLE t ADD COLUMN b DEFAULT 2")
        #expect(try await db.fetchOne("SELECT * FROM t")?.description == "[a: 1, b: 2]")
        try await db.executeScript("DROP TABLE t; CREATE TABLE t(z TEXT); INSERT INTO t VALUES ('new')")
        #expect(try await db.fetchOne("SELECT * FROM t")?.description == "[z: 'new']")
        let connection = try #require(db as? SQLiteDriver.Connection)
        #expect(connection.cachedStatementCount >= 1)
    }

    @Test func statementCacheEvictsBeyondCapacity() async throws {
        var configuration = SQLiteDriver.Configuration()
        configuration.statementCacheCapacity = 3
        let db = try await SQLiteDriver.inMemory(configuration: configuration).connect()
        for index in 0..<10 {
            #expect(try await db.fetchOne(SQLQuery(sql: "SELECT \(index)"))?[0] == .integer(Int64(index)))
        }
        let connection = try #require(db as? SQLiteDriver.Connection)
        #expect(connection.cachedStatementCount == 3)
    }

    @Test func statementsEvictedAndPreparedAgainAnswerForThemselves() async throws {
        // The cache hands runs its statements without a reference count, and keeps the last one
        // used aside: after evictions every text must still reach its own statement.
        var configuration = SQLiteDriver.Configuration()
        configuration.statementCacheCapacity = 2
        let db = try await SQLiteDriver.inMemory(configuration: configuration).connect()
        try await db.execute("CREATE TABLE t(x INTEGER)")
        let texts = ["SELECT 'a', ?", "SELECT 'b', ?", "SELECT 'c', ?"]
        // a, a (the last one used), b, c (evicts a), a (prepared again, evicts b), a, c, b, b, a
        for (step, which) in [0, 0, 1, 2, 0, 0, 2, 1, 1, 0].enumerated() {
            let row = try await db.fetchOne(SQLQuery(sql: texts[which], arguments: [.integer(Int64(step))]))
            #expect(row?.description == "['\(["a", "b", "c"][which])': '\(["a", "b", "c"][which])', ?: \(step)]", "step \(step)")
        }
        // Writes between reads, through the same small cache.
        for index in 0..<6 {
            let inserted = try await db.execute("INSERT INTO t VALUES (\(index))")
            #expect(inserted.lastInsertID == Int64(index + 1))
            #expect(try await db.fetchOne(SQLQuery(sql: texts[index % 3], arguments: [.integer(Int64(index))]))?[1] == .integer(Int64(index)))
        }
        let connection = try #require(db as? SQLiteDriver.Connection)
        #expect(connection.cachedStatementCount == 2)
    }

    @Test func withoutACacheEachStatementLivesThroughItsOwnRun() async throws {
        // With capacity 0 the cache keeps nothing: the run itself must keep the statement it
        // prepared alive until its rows are read and it is reset.
        var configuration = SQLiteDriver.Configuration()
        configuration.statementCacheCapacity = 0
        let db = try await SQLiteDriver.inMemory(configuration: configuration).connect()
        try await db.execute("CREATE TABLE t(x INTEGER, y TEXT)")
        for index in 0..<50 {
            let inserted = try await db.execute("INSERT INTO t VALUES (\(index), \("row \(index)"))")
            #expect(inserted.rowsAffected == 1 && inserted.lastInsertID == Int64(index + 1))
        }
        let rows = try await db.fetchAll("SELECT x, y FROM t WHERE x >= \(48) ORDER BY x")
        #expect(rows.map(\.description) == ["[x: 48, y: 'row 48']", "[x: 49, y: 'row 49']"])
        let connection = try #require(db as? SQLiteDriver.Connection)
        #expect(connection.cachedStatementCount == 0)
    }

    @Test func connectionsOfOneInMemoryDriverShareItsDatabase() async throws {
        let driver = SQLiteDriver.inMemory()
        let first = try await driver.connect()
        let second = try await driver.connect()
        try await first.execute("CREATE TABLE t(x)")
        try await first.execute("INSERT INTO t VALUES (\(1))")
        await first.close()
        #expect(try await second.fetchOne("SELECT x FROM t")?[0] == 1)
        // Another driver's memory database is separate.
        let other = try await SQLiteDriver.inMemory().connect()
        await #expect(throws: QueryError.self) { try await other.execute("SELECT * FROM t") }
        #expect(driver.url.hasPrefix("sqlite::memory:"))
    }

    @Test func closedConnectionsSaySo() async throws {
        let db = try await makeDatabase()
        await db.close()
        await db.close()
        let error = await expectError(QueryError.self) { try await db.execute("SELECT 1") }
        #expect(error?.message == "the connection is closed")
        #expect(error?.suggestion == "open a new connection with driver.connect()")
    }

    @Test func scriptsRunTriggersAndStopAtTheFirstError() async throws {
        let db = try await makeDatabase()
        try await db.executeScript("""
            CREATE TABLE t(x INTEGER);
            CREATE TABLE log(msg TEXT);
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('saw ' || new.x); END;
            INSERT INTO t VALUES (1);
            """)
        #expect(try await db.fetchOne("SELECT msg FROM log")?[0] == "saw 1")
        let error = await expectError(QueryError.self) { try await db.executeScript("INSERT INTO t VALUES (2); INSERT INTO nope VALUES (1); INSERT INTO t VALUES (3)") }
        #expect(error?.message == "no such table: nope")
        #expect(try await db.fetchAll("SELECT x FROM t ORDER BY x").map { $0[0] } == [1, 2])
    }
}

@Suite("File databases and the test-database rule")
struct SQLiteFileTests {
    private func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    @Test func filesUseWALAndForeignKeys() async throws {
        let driver = SQLiteDriver(path: temporaryPath("wal.sqlite"))
        let db = try await driver.connect()
        #expect(try await db.fetchOne("PRAGMA journal_mode")?[0] == "wal")
        #expect(try await db.fetchOne("PRAGMA foreign_keys")?[0] == 1)
        #expect(try await db.fetchOne("PRAGMA busy_timeout")?[0] == 5000)
    }

    @Test func aFileSQLTestKitCreatedIsResetEvenWithAPlainName() async throws {
        let driver = SQLiteDriver.testDatabase(path: temporaryPath("app.sqlite"))
        let db = try await driver.connect()
        try await db.execute("CREATE TABLE t(x)")
        try await driver.resetDatabase()
        #expect(try await db.fetchAll("SELECT name FROM sqlite_schema").isEmpty)
        // The marker survives, so it can be reset again.
        try await driver.resetDatabase()
    }

    @Test func aForeignFileIsRefusedWithReasonAndOverride() async throws {
        let path = temporaryPath("production.sqlite")
        // Created by someone else: no marker.
        let foreign = SQLiteDriver(location: .file(path: path))
        try createForeignDatabase(at: path, sql: "")
        let error = await expectError(NotATestDatabaseError.self) { try await foreign.resetDatabase() }
        #expect(error?.description == """
            refusing to reset \(path): it is a file database that SQLTestKit did not create and whose name does not say it is a test database.
            Nothing was changed. To go ahead anyway, call resetDatabase(allowingNonTestDatabase: true); or use a file whose name has the word `test` in it (like `production-test.sqlite`), or an in-memory database.
            """)
        let db = try await foreign.connect()
        try await db.execute("CREATE TABLE keep(x)")
        _ = await expectError(NotATestDatabaseError.self) { try await foreign.resetDatabase() }
        #expect(try await db.fetchAll("SELECT name FROM sqlite_schema").count == 1)
        try await foreign.resetDatabase(allowingNonTestDatabase: true)
        #expect(try await db.fetchAll("SELECT name FROM sqlite_schema").isEmpty)
    }

    @Test func aFileNamedAsATestDatabaseIsReset() async throws {
        let path = temporaryPath("orders-test.sqlite")
        try createForeignDatabase(at: path, sql: "CREATE TABLE t(x)")
        try await SQLiteDriver(path: path).resetDatabase()
        #expect(try await SQLiteDriver(path: path).connect().fetchAll("SELECT name FROM sqlite_schema").isEmpty)
    }

    @Test(arguments: [
        ("test.sqlite", true), ("orders-test.db", true), ("app_tests.db", true), ("/x/TESTS.db", true),
        ("testing", true), ("TestData.sqlite", true), ("myTestDB.db", true), ("test1.db", true), ("integration_testing.db", true),
        ("ordersTest.sqlite", true), ("DBTest.db", true),
        ("testimonials.db", false), ("app_testdb.sqlite", false), ("testdata.db", false), ("attestation.db", false),
        ("latest.db", false), ("contest.sqlite", false), ("/tmp/test/prod.db", false), ("Testimonials.db", false),
    ])
    func namesThatSayTest(path: String, isTest: Bool) {
        #expect(TestDatabasePolicy.nameSaysTest(path) == isTest)
    }

    @Test func unopenableFilesSayWhere() async throws {
        let error = await expectError(QueryError.self) { _ = try await SQLiteDriver(path: "/nonexistent-dir/x/test.sqlite").connect() }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.hasPrefix("cannot open database /nonexistent-dir/x/test.sqlite") == true)
    }
}

/// Creates a database file the way another program would: no SQLTestKit marker.
func createForeignDatabase(at path: String, sql: String) throws {
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK else { throw QueryError(code: .cannotOpen, message: path) }
    defer { sqlite3_close(db) }
    guard sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS seed(x); DROP TABLE seed; \(sql)", nil, nil, nil) == SQLITE_OK else {
        throw QueryError(code: .error, message: "seeding \(path) failed")
    }
}
