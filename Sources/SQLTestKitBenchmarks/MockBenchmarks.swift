import Foundation
import SQLTestKit

/// Figures for the mock driver.
enum MockBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        // Each figure has its own name so one can be run alone ("mock" runs them all).
        try await mock(&harness)
    }

    static func mock(_ harness: inout Harness) async throws {
        guard ["mock-exact", "mock-expanded", "mock-normalized", "mock-vs-sqlite"].contains(where: harness.wants) else { return }
        let statementsPerRun = 100_000
        // The statements are built before timing: the figures measure the mock, not string formatting.
        var queries: [Int: [SQLQuery]] = [:]
        for scriptSize in [100, 10_000, 100_000] {
            queries[scriptSize] = (0..<statementsPerRun).map { SQLQuery(sql: "SELECT id, name FROM user WHERE id = \($0 % scriptSize)") }
        }
        let bound: [SQLQuery] = (0..<statementsPerRun).map { "SELECT id, name FROM user WHERE id = \($0 % 10_000)" }
        let reformatted = (0..<statementsPerRun).map { SQLQuery(sql: "SELECT id, name\n  FROM user WHERE id = \($0 % 10_000)") }
        let byKey: SQLQuery = "SELECT id, name, email FROM user WHERE id = \(7)"

        // Record + exact-match answer, as the script grows. The last line keeps 100,000 scripts
        // but sends the statements of the first 100 only: the lookup itself costs the same, so
        // what grows in the lines above is memory traffic (statements and scripts that no
        // longer fit in the caches), not the search.
        for (scriptSize, sent) in [(100, 100), (10_000, 10_000), (100_000, 100_000), (100_000, 100)] where harness.wants("mock-exact") {
            let time = try await Harness.median(runs: harness.runs, setUp: { () async throws -> (MockDriver, any DatabaseConnection) in
                let mock = MockDriver(strict: true)
                for index in 0..<scriptSize {
                    mock.script(.exact("SELECT id, name FROM user WHERE id = \(index)"), rows: [["id": .integer(Int64(index)), "name": "user"]], count: .always)
                }
                return (mock, try await mock.connect())
            }) { mock, db in
                for query in queries[sent]! {
                    _ = try await db.execute(query)
                }
            }
            let name = sent == scriptSize ? "\(scriptSize) scripted" : "\(scriptSize) scripted, \(sent) of them sent"
            harness.report("mock: record + exact match, \(name)", String(format: "%.2f µs per statement", time.seconds * 1e6 / Double(statementsPerRun)), target: "≤ 1 µs, flat")
        }
        // Exact match of a bound statement against its expanded script (the README's style).
        if harness.wants("mock-expanded") {
            let expanded = try await Harness.median(runs: harness.runs, setUp: { () async throws -> any DatabaseConnection in
                let mock = MockDriver(strict: true)
                for index in 0..<10_000 {
                    mock.script(.exact("SELECT id, name FROM user WHERE id = \(index)"), rows: [["id": .integer(Int64(index))]], count: .always)
                }
                return try await mock.connect()
            }) { db in
                for query in bound { _ = try await db.execute(query) }
            }
            harness.report("mock: bound statement vs expanded script, 10,000", String(format: "%.2f µs per statement", expanded.seconds * 1e6 / Double(statementsPerRun)), target: "≤ 1 µs")
        }

        // Normalized matching.
        if harness.wants("mock-normalized") {
            let normalized = try await Harness.median(runs: harness.runs, setUp: { () async throws -> any DatabaseConnection in
                let mock = MockDriver(strict: true)
                for index in 0..<10_000 {
                    mock.script(.normalized("select id, \"name\" from user where id = \(index)"), rows: [["id": .integer(Int64(index))]], count: .always)
                }
                return try await mock.connect()
            }) { db in
                for query in reformatted { _ = try await db.execute(query) }
            }
            harness.report("mock: record + normalized match, 10,000 scripted", String(format: "%.2f µs per statement", normalized.seconds * 1e6 / Double(statementsPerRun)), target: "≤ 5 µs")
        }

        // The mock against in-memory SQLite running the same SELECT, interleaved in 10 chunks
        // of 10,000 statements (see `Harness.interleave`).
        guard harness.wants("mock-vs-sqlite") else { return }
        let chunks = 10, perChunk = statementsPerRun / chunks
        let select = "SELECT id, name, email FROM user WHERE id = ?"
        let byKeyMock = { () async throws -> () async throws -> Void in
            let mock = MockDriver(strict: true)
            mock.script(.exact(select), rows: [["id": 7, "name": "Ada", "email": "ada@example.com"]], count: .always)
            let db = try await mock.connect()
            return { for _ in 0..<perChunk { _ = try await db.fetchOne(byKey) } }
        }
        let byKeySQLite = { () async throws -> () async throws -> Void in
            let db = try await SQLiteDriver.inMemory().connect()
            try await db.execute("CREATE TABLE user(id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
            try await db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO user SELECT i, 'user ' || i, 'u' || i || '@example.com' FROM n")
            return { for _ in 0..<perChunk { _ = try await db.fetchOne(byKey) } }
        }
        let byKeyTimings = try await Harness.interleave(runs: harness.runs, chunks: chunks, [byKeyMock, byKeySQLite])
        reportMockAgainstSQLite(&harness, "mock vs SQLite, SELECT by primary key", mock: byKeyTimings[0], sqlite: byKeyTimings[1], statements: statementsPerRun)

        // A data layer's list query: a join, a filter on an indexed key, ORDER BY, 10 rows.
        let listSQL = "SELECT book.id, book.title, book.price, author.name FROM book JOIN author ON author.id = book.author_id WHERE book.author_id = ? ORDER BY book.title LIMIT 20"
        let listQuery = SQLQuery(sql: listSQL, arguments: [.integer(42)])
        let listDatabase = try await SQLiteDriver.inMemory().connect()
        try await listDatabase.executeScript(DriverBenchmarks.bookSchema + "CREATE INDEX book_author ON book(author_id);")
        try await listDatabase.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO author SELECT i, 'author ' || i, 1900 + i % 100 FROM n")
        try await listDatabase.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO book SELECT i, 'title of book ' || i, i * 0.25, 1 + i % 1000 FROM n")
        // The mock answers with the rows SQLite gives, so both return the same thing.
        let listRows = try await listDatabase.fetchAll(listQuery)
        precondition(listRows.count == 10, "the list query returns 10 rows")
        let listMock = { () async throws -> () async throws -> Void in
            let mock = MockDriver(strict: true)
            mock.script(.exact(listSQL), answer: .rows(listRows), count: .always)
            let db = try await mock.connect()
            return { for _ in 0..<perChunk { _ = try await db.fetchAll(listQuery) } }
        }
        let listSQLite = { () async throws -> () async throws -> Void in
            { for _ in 0..<perChunk { _ = try await listDatabase.fetchAll(listQuery) } }
        }
        let listTimings = try await Harness.interleave(runs: harness.runs, chunks: chunks, [listMock, listSQLite])
        reportMockAgainstSQLite(&harness, "mock vs SQLite, list query: join, ORDER BY, 10 rows", mock: listTimings[0], sqlite: listTimings[1], statements: statementsPerRun)
    }

    /// One line: both median times per statement and how many times faster the mock is (the
    /// median of the alternated rounds' ratios).
    static func reportMockAgainstSQLite(_ harness: inout Harness, _ name: String, mock: [Duration], sqlite: [Duration], statements: Int) {
        harness.report(name, String(format: "mock %.2f µs, SQLite %.2f µs: mock %.1f× faster", Harness.median(mock).seconds * 1e6 / Double(statements),
                                    Harness.median(sqlite).seconds * 1e6 / Double(statements), Harness.pairedRatio(sqlite, mock)),
                       target: "≥ 10× faster")
    }
}
