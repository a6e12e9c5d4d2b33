import Foundation
import SQLTestKit

/// Figures for the mock driver.
enum MockBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        if harness.wants("mock") { try await mock(&harness) }
    }

    static func mock(_ harness: inout Harness) async throws {
        let statementsPerRun = 100_000
        // The statements are built before timing: the figures measure the mock, not string formatting.
        var queries: [Int: [SQLQuery]] = [:]
        for scriptSize in [100, 10_000, 100_000] {
            queries[scriptSize] = (0..<statementsPerRun).map { SQLQuery(sql: "SELECT id, name FROM user WHERE id = \($0 % scriptSize)") }
        }
        let bound: [SQLQuery] = (0..<statementsPerRun).map { "SELECT id, name FROM user WHERE id = \($0 % 10_000)" }
        let reformatted = (0..<statementsPerRun).map { SQLQuery(sql: "SELECT id, name\n  FROM user WHERE id = \($0 % 10_000)") }
        let byKey: SQLQuery = "SELECT id, name, email FROM user WHERE id = \(7)"

        // Record + exact-match answer, as the script grows.
        for scriptSize in [100, 10_000, 100_000] {
            let time = try await Harness.median(runs: harness.runs, setUp: { () async throws -> (MockDriver, any DatabaseConnection) in
                let mock = MockDriver(strict: true)
                for index in 0..<scriptSize {
                    mock.script(.exact("SELECT id, name FROM user WHERE id = \(index)"), rows: [["id": .integer(Int64(index)), "name": "user"]], count: .always)
                }
                return (mock, try await mock.connect())
            }) { mock, db in
                for query in queries[scriptSize]! {
                    _ = try await db.execute(query)
                }
            }
            harness.report("mock: record + exact match, \(scriptSize) scripted", String(format: "%.2f µs per statement", time.seconds * 1e6 / Double(statementsPerRun)), target: "≤ 1 µs, flat")
        }
        // Exact match of a bound statement against its expanded script (the README's style).
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

        // Normalized matching.
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

        // The mock against in-memory SQLite running the same SELECT.
        let select = "SELECT id, name, email FROM user WHERE id = ?"
        let mockTime = try await Harness.median(runs: harness.runs, setUp: { () async throws -> any DatabaseConnection in
            let mock = MockDriver(strict: true)
            mock.script(.exact(select), rows: [["id": 7, "name": "Ada", "email": "ada@example.com"]], count: .always)
            return try await mock.connect()
        }) { db in
            for _ in 0..<statementsPerRun { _ = try await db.fetchOne(byKey) }
        }
        let sqliteTime = try await Harness.median(runs: harness.runs, setUp: { () async throws -> any DatabaseConnection in
            let db = try await SQLiteDriver.inMemory().connect()
            try await db.execute("CREATE TABLE user(id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
            try await db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO user SELECT i, 'user ' || i, 'u' || i || '@example.com' FROM n")
            return db
        }) { db in
            for _ in 0..<statementsPerRun { _ = try await db.fetchOne(byKey) }
        }
        harness.report("mock vs SQLite, the same prepared SELECT by key",
                       String(format: "mock %.2f µs, SQLite %.2f µs: mock %.1f× faster", mockTime.seconds * 1e6 / Double(statementsPerRun),
                              sqliteTime.seconds * 1e6 / Double(statementsPerRun), sqliteTime.seconds / mockTime.seconds),
                       target: "≥ 10× faster")
    }
}
