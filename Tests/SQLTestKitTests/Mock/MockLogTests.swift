import Testing
import SQLTestKit

@Suite("The statement log, dialects, recording and concurrency")
struct MockLogTests {
    @Test func theLogRendersTheImpersonatedDialect() async throws {
        let postgres = MockDriver(dialect: .postgres)
        let mysql = MockDriver(dialect: .mysql)
        let query: SQLQuery = "SELECT * FROM \(identifier: "order") WHERE id = \(7) AND data = \([UInt8]([1, 2]))"
        _ = try await postgres.connect().execute(query)
        _ = try await mysql.connect().execute(query)
        #expect(postgres.log.statements[0].sql == #"SELECT * FROM "order" WHERE id = $1 AND data = $2"#)
        #expect(postgres.takeSQL() == #"SELECT * FROM "order" WHERE id = 7 AND data = '\x0102'::bytea"#)
        #expect(mysql.log.statements[0].sql == "SELECT * FROM `order` WHERE id = ? AND data = ?")
        #expect(mysql.takeSQL() == "SELECT * FROM `order` WHERE id = 7 AND data = X'0102'")
        #expect(postgres.capability.placeholderStyle == .dollarNumbered)
        #expect(mysql.capability.supportsReturning == false)
        #expect(postgres.url == "mock:postgres")
    }

    @Test func aLongLogKeepsOrderAcrossItsChunks() async throws {
        // The log stores entries in chunks of 4,096; taking and reading must not notice.
        let mock = MockDriver()
        let db = try await mock.connect()
        for index in 1...4_100 { try await db.execute("SELECT \(index)") }
        #expect(mock.log.statements.count == 4_100)
        #expect(mock.log.statements.map(\.sequence) == Array(1...4_100))
        for index in 1...4_095 { #expect(mock.takeSQL() == "SELECT \(index)") }
        #expect(mock.takeSQLs() == (4_096...4_100).map { "SELECT \($0)" })
        try await db.execute("SELECT 'after'")
        #expect(mock.takeSQLs() == ["SELECT 'after'"])
        mock.log.clear()
        #expect(mock.log.statements.isEmpty)
        try await db.execute("SELECT 'fresh'")
        #expect(mock.log.statements.map(\.sequence) == [1])
    }

    @Test func entriesCarryKindConnectionAndDepth() async throws {
        let mock = MockDriver()
        let first = try await mock.connect()
        let second = try await mock.connect()
        try await first.transaction { db in
            try await db.execute("INSERT INTO t(x) VALUES (\(1))")
        }
        try await second.execute("SELECT 1")
        let entries = mock.log.statements
        #expect(entries.map(\.kind) == [.transaction(.begin), .insert, .transaction(.commit), .select])
        #expect(entries.map(\.connectionID) == [1, 1, 1, 2])
        #expect(entries.map(\.transactionDepth) == [1, 1, 0, 0])
        #expect(entries[1].description == "#2 [connection 1, depth 1] INSERT INTO t(x) VALUES (1)")
    }

    @Test func scriptedStatementsAreLoggedWithTheirKind() async throws {
        // A statement an exact script answers takes its kind from the script; as sent, by
        // expanded form and by the dialect's placeholders, it must be the statement's own kind.
        let mock = MockDriver(dialect: .postgres, strict: true)
        mock.script("INSERT INTO book(title) VALUES ($1)", rows: [], count: .always)
        mock.script("UPDATE book SET title = 'Dune' WHERE id = 7", answer: .affected(1))
        mock.script("SELECT title FROM book WHERE id = $1", rows: [["title": "Dune"]])
        mock.script("WITH old AS (SELECT 1) DELETE FROM book", answer: .affected(2))
        let db = try await mock.connect()
        let first = try await db.execute("INSERT INTO book(title) VALUES (\("Dune"))")
        let second = try await db.execute("INSERT INTO book(title) VALUES (\("Emma"))")
        let update = try await db.execute("UPDATE book SET title = \("Dune") WHERE id = \(7)")
        let rows = try await db.fetchAll("SELECT title FROM book WHERE id = \(7)")
        let delete = try await db.execute("WITH old AS (SELECT 1) DELETE FROM book")
        #expect(mock.log.statements.map(\.kind) == [.insert, .insert, .update, .select, .delete])
        // PostgreSQL never reports a last insert id, so neither does its mock (keys come
        // through RETURNING).
        #expect([first.lastInsertID, second.lastInsertID] == [nil, nil])
        #expect([first.rowsAffected, second.rowsAffected, update.rowsAffected, delete.rowsAffected] == [1, 1, 1, 2])
        #expect(try rows.map { try $0.decode("title", as: String.self) } == ["Dune"])
        try mock.verify()
    }

    @Test func filtersDropTransactionControlAndNoise() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        try await db.execute("PRAGMA foreign_keys = ON")
        try await db.transaction { db in try await db.execute("DELETE FROM t") }
        #expect(mock.log.statements(.excludingTransactionControl).map(\.expandedSQL) == ["PRAGMA foreign_keys = ON", "DELETE FROM t"])
        #expect(mock.takeSQLs(.excludingNoise) == ["DELETE FROM t"])
        #expect(mock.takeSQL() == nil)
    }

    @Test func shapesGroupStatementsToSpotNPlusOne() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        try await db.execute("SELECT * FROM book")
        for id in 1...3 {
            try await db.execute("SELECT * FROM author WHERE id = \(id)")
        }
        try await db.execute("SELECT * FROM tag WHERE id IN (\(list: [1, 2]))")
        try await db.execute("SELECT * FROM tag WHERE id IN (\(list: [3, 4, 5]))")
        let shapes = mock.log.shapes()
        #expect(shapes.map(\.shape) == ["SELECT * FROM author WHERE id = ?", "SELECT * FROM tag WHERE id IN (?)", "SELECT * FROM book"])
        #expect(shapes.map(\.count) == [3, 2, 1])
    }

    @Test func theRecordingWrapperLogsARealDatabase() async throws {
        let driver = RecordingDriver(wrapping: SQLiteDriver.inMemory())
        let db = try await driver.connect()
        try await db.executeScript("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        try await db.transaction { db in
            try await db.execute("UPDATE t SET x = \(2)")
        }
        #expect(try await db.fetchOne("SELECT x FROM t")?[0] == 2)
        #expect(driver.log.takeSQLs() == ["CREATE TABLE t(x)", "INSERT INTO t VALUES (1)", "BEGIN IMMEDIATE", "UPDATE t SET x = 2", "COMMIT", "SELECT x FROM t"])
    }

    @Test func mocksAndARecordingWrapperCanShareOneLog() async throws {
        // A mock given a log writes there (through that log's lock) instead of keeping its own;
        // statements from every writer interleave in the order they ran, numbered once.
        let log = StatementLog()
        let primary = MockDriver(strict: true, log: log)
        let replica = MockDriver(dialect: .postgres, log: log)
        let sqlite = RecordingDriver(wrapping: SQLiteDriver.inMemory(), log: log)
        primary.script("UPDATE user SET seen = 1 WHERE id = ?", arguments: [.any], answer: .affected(1))
        let writer = try await primary.connect()
        let reader = try await replica.connect()
        let real = try await sqlite.connect()
        try await writer.execute("UPDATE user SET seen = 1 WHERE id = \(7)")
        _ = try await reader.fetchAll("SELECT * FROM user WHERE id = \(7)")
        try await real.execute("SELECT \(1)")
        await #expect(throws: MockMismatch.self) { try await writer.execute("DELETE FROM user") }
        #expect(log.takeSQLs() == ["UPDATE user SET seen = 1 WHERE id = 7", "SELECT * FROM user WHERE id = 7", "SELECT 1", "DELETE FROM user"])
        #expect(log.statements.map(\.sequence) == [1, 2, 3, 4])
        #expect(log.statements.map(\.connectionID) == [1, 2, 3, 1])
        #expect(primary.log === log && replica.log === log)
        // Each mock still keeps its own script and problems.
        #expect(primary.problems.count == 1)
        #expect(replica.problems.isEmpty)
    }

    @Test func manyTasksShareOneScriptAndOneLog() async throws {
        let mock = MockDriver(strict: true)
        mock.script("SELECT name FROM user WHERE id = ?", arguments: [.any], rows: [["name": "someone"]], count: .times(400))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let db = try await mock.connect()
                    for index in 0..<50 {
                        let row = try await db.fetchOne("SELECT name FROM user WHERE id = \(task * 50 + index)")
                        #expect(row?["name"] == "someone")
                    }
                }
            }
            try await group.waitForAll()
        }
        try mock.verify()
        let statements = mock.log.statements
        #expect(statements.count == 400)
        #expect(Set(statements.map(\.arguments)).count == 400)
        #expect(statements.map(\.sequence) == Array(1...400))
        #expect(Set(statements.map(\.connectionID)).count == 8)
    }

    @Test func aScriptedStatementIsClassifiedByTheMocksDialectOnEveryPath() async throws {
        // PostgreSQL nests comments: this is a SELECT there, and no statement at all for SQLite.
        let sql = "/* x /* y */ */ SELECT 1"
        for scripted in [true, false] {
            let mock = MockDriver(dialect: .postgres)
            if scripted { mock.script(.exact(sql), rows: [["?column?": 1]]) }
            let db = try await mock.connect()
            try await db.execute(SQLQuery(sql: sql))
            #expect(mock.log.statements.last?.kind == .select, "scripted: \(scripted)")
        }
    }
}
