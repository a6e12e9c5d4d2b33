import Foundation
import SQLTestKit

/// Figures for the mock that cannot lie: the schema check's cost per statement, and replaying
/// a cassette against the same answers scripted on the plain mock.
enum TrustBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        try await schemaCheck(&harness)
        try await cassetteReplay(&harness)
    }

    static let schema: MockSchema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL, author_id INTEGER REFERENCES author(id));
        """

    /// The mock with and without a schema on the same 100,000 statements (100 distinct SQL
    /// texts with bound arguments, scripted with rows), interleaved in chunks; the check's cost
    /// is the difference per statement. The first sight of each text prepares it on SQLite
    /// (reported apart); every later one is a lookup by SQL text.
    static func schemaCheck(_ harness: inout Harness) async throws {
        guard harness.wants("mock-schema-check") else { return }
        let statements = 100_000, chunks = 10, perChunk = statements / chunks
        let texts = (0..<100).map { "SELECT id, title, price FROM book WHERE author_id = ? AND price > \($0)" }
        let queries = (0..<perChunk).map { SQLQuery(sql: texts[$0 % texts.count], arguments: [.integer(Int64($0 % 1000))]) }
        func side(checked: Bool) -> () async throws -> () async throws -> Void {
            {
                let mock = checked ? try MockDriver(dialect: .sqlite, schema: schema, strict: true) : MockDriver(dialect: .sqlite, strict: true)
                for text in texts {
                    mock.script(.exact(text), rows: [["id": 1, "title": "Dune", "price": 9.5]], count: .always)
                }
                let db = try await mock.connect()
                // Every text seen once before timing: the figure is the steady state.
                for text in texts { _ = try await db.fetchAll(SQLQuery(sql: text, arguments: [1])) }
                return { for query in queries { _ = try await db.fetchAll(query) } }
            }
        }
        let timings = try await Harness.interleave(runs: harness.runs, chunks: chunks, [side(checked: false), side(checked: true)])
        let plain = Harness.median(timings[0]).seconds * 1e6 / Double(statements)
        let checked = Harness.median(timings[1]).seconds * 1e6 / Double(statements)
        let cost = zip(timings[1], timings[0]).map { ($0.seconds - $1.seconds) * 1e6 / Double(statements) }.sorted()[timings[0].count / 2]
        harness.report("mock: schema check per statement (SQLite schema)",
                       String(format: "%.2f µs (checked %.2f µs, plain %.2f µs per statement)", cost, checked, plain), target: "≤ 5 µs")

        // The first sight of a text: prepared on the checker's SQLite.
        let distinct = (0..<1_000).map { SQLQuery(sql: "SELECT id, title FROM book WHERE id = ? AND price > \($0)", arguments: [1]) }
        let first = try await Harness.median(runs: harness.runs, setUp: { () async throws -> any DatabaseConnection in
            try await MockDriver(dialect: .sqlite, schema: schema).connect()
        }) { db in
            for query in distinct { _ = try await db.fetchAll(query) }
        }
        harness.report("mock: schema check, first sight of a SQL text", String(format: "%.2f µs per text (prepared once, then cached)",
                                                                           first.seconds * 1e6 / Double(distinct.count)))
    }

    /// A 1,000-statement cassette recorded on SQLite (reads of one row, inserts, updates),
    /// replayed on a mock, against a plain mock given the same answers as exact scripts of
    /// each statement's expanded SQL.
    static func cassetteReplay(_ harness: inout Harness) async throws {
        guard harness.wants("cassette-replay") else { return }
        var queries: [SQLQuery] = []
        for index in 0..<1_000 {
            let query: SQLQuery = switch index % 4 {
            case 0, 1: "INSERT INTO book(id, title, price) VALUES (\(index), \("title \(index)"), \(Double(index) / 4))"
            case 2: "SELECT id, title, price FROM book WHERE id = \(index - 1)"
            default: "UPDATE book SET price = price + \(1) WHERE id = \(index - 3)"
            }
            queries.append(query)
        }
        // Record on a connection whose schema statements are not part of the cassette.
        let cassette: Cassette = try await {
            let real = SQLiteDriver.inMemory()
            let db = try await real.connect()
            try await db.executeScript(schema.sql)
            let recording = CassetteRecorder(capability: db.capability)
            let recorded = recording.recording(db)
            for query in queries { _ = try await recorded.execute(query) }
            return try Cassette(text: recording.cassette.text)
        }()
        precondition(cassette.entries.count == 1_000, "the cassette holds 1,000 statements")
        let chunks = 1
        let replay = { () async throws -> () async throws -> Void in
            let db = try await MockDriver(replaying: cassette).connect()
            return { for query in queries { _ = try await db.execute(query) } }
        }
        let scripted = { () async throws -> () async throws -> Void in
            let mock = MockDriver(strict: true)
            for (query, entry) in zip(queries, cassette.entries) {
                guard case .result(let columns, let rows, let affected, let lastInsertID) = entry.outcome else { continue }
                let answer = MockAnswer(rows: rows.map { ResultRow(columns: ResultColumns(columns), values: $0) }, rowsAffected: affected,
                                        lastInsertID: lastInsertID)
                mock.script(.exact(query.expandedSQL), answer: answer, count: .once)
            }
            let db = try await mock.connect()
            return { for query in queries { _ = try await db.execute(query) } }
        }
        let timings = try await Harness.interleave(runs: max(harness.runs, 21), chunks: chunks, [replay, scripted])
        harness.compare("cassette replay, 1,000 statements", ours: timings[0], raw: timings[1], per: 1_000, target: 2, rawLabel: "plain mock")
    }
}
