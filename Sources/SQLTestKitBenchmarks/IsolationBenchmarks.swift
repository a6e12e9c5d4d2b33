import Foundation
import SQLTestKit
import SQLTestKitSQLite

/// Figures for per-test isolation: test transactions and template clones.
enum IsolationBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        if harness.wants("isolation") { try await isolation(&harness) }
    }

    static let schema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, born TEXT);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES author(id), price REAL);
        CREATE TABLE review(id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES book(id), reviewer TEXT, rating INTEGER, body TEXT);
        CREATE INDEX book_author ON book(author_id);
        """

    /// About 100 rows: 10 authors, 30 books, 60 reviews.
    static let smallSeed = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) INSERT INTO author SELECT i, 'author ' || i, 'a' || i || '@example.com', '1950-01-01' FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) INSERT INTO book SELECT i, 'book ' || i, 1 + i % 10, i * 1.5 FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) INSERT INTO review SELECT i, 1 + i % 30, 'reader ' || i, 1 + i % 5, 'a review of some length, number ' || i FROM n;
        """

    /// 100k rows: 1,000 authors, 33,000 books, 66,000 reviews.
    static let largeSeed = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO author SELECT i, 'author ' || i, 'a' || i || '@example.com', '1950-01-01' FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 33000) INSERT INTO book SELECT i, 'book ' || i, 1 + i % 1000, i * 1.5 FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 66000) INSERT INTO review SELECT i, 1 + i % 33000, 'reader ' || i, 1 + i % 5, 'a review of some length, number ' || i FROM n;
        """

    static func isolation(_ harness: inout Harness) async throws {
        // One test's isolation: begin, one insert, one select, rollback — 10,000 times.
        let iterations = 10_000
        let ours = {
            try await Harness.time(setUp: { () async throws -> any DatabaseConnection in
                let db = try await SQLiteDriver.inMemory().connect()
                try await db.executeScript(schema + smallSeed)
                return db
            }) { db in
                for index in 0..<iterations {
                    try await db.testTransaction { db in
                        try await db.execute("INSERT INTO review(book_id, reviewer, rating) VALUES (\(1), \("bench"), \(index % 5 + 1))")
                        _ = try await db.fetchOne("SELECT count(*) FROM review WHERE book_id = \(1)")
                    }
                }
            }
        }
        let raw = {
            try await Harness.time(setUp: { () -> RawSQLite in
                let raw = RawSQLite()
                raw.exec(schema + smallSeed)
                return raw
            }) { raw in
                let begin = raw.prepare("BEGIN"), rollback = raw.prepare("ROLLBACK")
                let insert = raw.prepare("INSERT INTO review(book_id, reviewer, rating) VALUES (?, ?, ?)")
                let select = raw.prepare("SELECT count(*) FROM review WHERE book_id = ?")
                for index in 0..<iterations {
                    sqlite3_step(begin); sqlite3_reset(begin)
                    sqlite3_bind_int64(insert, 1, 1)
                    raw.bindText(insert, 2, "bench")
                    sqlite3_bind_int64(insert, 3, Int64(index % 5 + 1))
                    sqlite3_step(insert); sqlite3_reset(insert)
                    sqlite3_bind_int64(select, 1, 1)
                    _ = sqlite3_step(select) == SQLITE_ROW ? sqlite3_column_int64(select, 0) : 0
                    sqlite3_reset(select)
                    sqlite3_step(rollback); sqlite3_reset(rollback)
                }
                for statement in [begin, rollback, insert, select] { sqlite3_finalize(statement) }
            }
        }
        let timings = try await Harness.alternate(runs: harness.runs, [ours, raw])
        harness.compare("one test's isolation: begin, insert, select, rollback", ours: timings[0], raw: timings[1], per: iterations, target: 2)

        // Cloning templates.
        for (label, seed, clones) in [("~100 rows", smallSeed, 2_000), ("100k rows", largeSeed, 20)] {
            let template = DatabaseTemplate(schema: schema, seed: seed)
            _ = try await SQLiteDriver.cloning(template)   // build it once, untimed, as a test process would
            let time = try await Harness.median(runs: harness.runs, setUp: {}) {
                for _ in 0..<clones { _ = try await SQLiteDriver.Connection.cloning(template) }
            }
            harness.report("clone a template of \(label) (one connection)", String(format: "%.1f µs per clone", time.seconds * 1e6 / Double(clones)),
                           target: label.hasPrefix("~") ? "≤ 50 µs" : "")
            let shared = try await Harness.median(runs: harness.runs, setUp: {}) {
                for _ in 0..<clones { _ = try await SQLiteDriver.cloning(template).connect() }
            }
            harness.report("  as a shared in-memory driver + a connection", String(format: "%.1f µs per clone", shared.seconds * 1e6 / Double(clones)))
        }

        // The whole suite: 1,000 tests that each need the example data (the repository's
        // Fixtures/: schema.sql and its YAML, JSON and CSV files).
        let tests = 1_000
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
        let fixtures = try FixtureSet(directory: directory)
        let template = try DatabaseTemplate(fixtures: fixtures)
        let byClone = try await Harness.median(runs: 3, setUp: {}) {
            for _ in 0..<tests {
                try await IsolatedDatabase.with(template) { db in
                    _ = try await db.fetchOne("SELECT count(*) FROM review")
                }
            }
        }
        let byReload = try await Harness.median(runs: 3, setUp: {}) {
            for _ in 0..<tests {
                let db = try await SQLiteDriver.inMemory().connect()
                try await db.executeScript(template.schema)
                try await fixtures.load(into: db)
                _ = try await db.fetchOne("SELECT count(*) FROM review")
                await db.close()
            }
        }
        harness.report("1,000 tests needing the example Fixtures/",
                       String(format: "template clone %.1f ms, loading the fixtures per test %.1f ms (%.1f× faster)",
                              byClone.seconds * 1e3, byReload.seconds * 1e3, byReload.seconds / byClone.seconds))
    }
}
