import Foundation
import SQLTestKit
import SQLTestKitSQLite
import Yams

/// Figures for fixture loading: CSV and YAML files of 100k rows, and `check` on the examples.
enum FixtureBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        if harness.wants("fixtures") || harness.wants("csv") { try await csv(&harness) }
        if harness.wants("fixtures") || harness.wants("yaml") { try await yaml(&harness) }
        if harness.wants("fixtures") || harness.wants("check") { try await check(&harness) }
    }

    static let rowCount = 100_000
    static let schema = "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, price REAL, added DATE);"

    /// The rows both sides insert: id, name, qty, price, added.
    struct Item {
        var id: Int64, name: String, qty: Int64, price: Double, added: String
    }

    static let items: [Item] = (1...rowCount).map(item)

    static func item(_ index: Int) -> Item {
        let name: String = index % 10 == 0 ? "item \(index), boxed" : "item \(index)"
        let month: String = String(format: "%02d", 1 + index % 12)
        let day: String = String(format: "%02d", 1 + index % 28)
        return Item(id: Int64(index), name: name, qty: Int64(index % 97), price: Double(index % 1000) / 4, added: "2024-\(month)-\(day)")
    }

    static let csvText: String = "id,name,qty,price,added\n" + items.map { item in
        "\(item.id),\(item.name.contains(",") ? "\"\(item.name)\"" : item.name),\(item.qty),\(item.price),\(item.added)"
    }.joined(separator: "\n") + "\n"

    static let yamlText: String = items.map { item in
        "item_\(item.id):\n  id: \(item.id)\n  name: \"\(item.name)\"\n  qty: \(item.qty)\n  price: \(item.price)\n  added: \(item.added)\n"
    }.joined()

    /// The raw C API inserting the same 100k rows in one transaction with one prepared statement.
    static func rawInsert() {
        let raw = RawSQLite()
        raw.exec(schema)
        raw.exec("BEGIN")
        let statement = raw.prepare("INSERT INTO item (id, name, qty, price, added) VALUES (?, ?, ?, ?, ?)")
        for item in items {
            sqlite3_bind_int64(statement, 1, item.id)
            raw.bindText(statement, 2, item.name)
            sqlite3_bind_int64(statement, 3, item.qty)
            sqlite3_bind_double(statement, 4, item.price)
            raw.bindText(statement, 5, item.added)
            precondition(sqlite3_step(statement) == SQLITE_DONE)
            sqlite3_reset(statement)
        }
        sqlite3_finalize(statement)
        raw.exec("COMMIT")
    }

    static func freshDatabase() async throws -> any DatabaseConnection {
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.executeScript(schema)
        return db
    }

    static func csv(_ harness: inout Harness) async throws {
        let text = csvText
        let ours = {
            try await Harness.time(setUp: freshDatabase) { db in
                let fixtures = try FixtureSet(files: ["item.csv": text])
                try await fixtures.load(into: db)
                await db.close()
            }
        }
        let raw = { try await Harness.time(setUp: {}) { rawInsert() } }
        let timings = try await Harness.alternate(runs: harness.runs, [ours, raw])
        harness.compare("load 100k rows from CSV (parse + insert)", ours: timings[0], raw: timings[1], target: 2.0)
        let parse = try await Harness.median(runs: harness.runs, setUp: {}) { _ = try FixtureSet(files: ["item.csv": text]) }
        let insert = try await Harness.median(runs: harness.runs, setUp: { (try FixtureSet(files: ["item.csv": text]), try await freshDatabase()) }) { state in
            try await state.0.load(into: state.1)
            await state.1.close()
        }
        harness.report("  of which reading the CSV file", harness.format(parse))
        harness.report("  of which resolving and inserting (FixtureSet.load)", harness.format(insert))
    }

    static func yaml(_ harness: inout Harness) async throws {
        let text = yamlText
        // Parsing alone and the whole load alternate in one loop, so machine noise hits both,
        // and our share is taken per run (whole load minus that run's parse) before the median.
        let clock = ContinuousClock()
        var parses: [Duration] = [], totals: [Duration] = [], shares: [Double] = []
        for _ in 0..<max(3, harness.runs / 2) {
            let parseStart = clock.now
            _ = try Yams.compose(yaml: text, .basic)
            let parseTime = clock.now - parseStart
            let db = try await freshDatabase()
            let loadStart = clock.now
            try await FixtureSet(files: ["item.yml": text]).load(into: db)
            let loadTime = clock.now - loadStart
            await db.close()
            parses.append(parseTime)
            totals.append(loadTime)
            shares.append((loadTime - parseTime).seconds / loadTime.seconds)
        }
        let parse = parses.sorted()[parses.count / 2]
        let total = totals.sorted()[totals.count / 2]
        let share = shares.sorted()[shares.count / 2]
        let raw = try await Harness.median(runs: 3, setUp: {}) { rawInsert() }
        harness.report("load 100k rows from YAML (\(text.utf8.count / 1_000_000) MB)",
                       String(format: "total %@, Yams parsing %@, our work %.0f%% of the total (raw C insert alone %@)",
                              harness.format(total), harness.format(parse), share * 100, harness.format(raw)),
                       target: "our work ≤ 30% of the total")
    }

    static func check(_ harness: inout Harness) async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
        let time = try await Harness.median(runs: harness.runs, setUp: {}) {
            let problems = try await FixtureSet.check(directory: directory)
            precondition(problems.isEmpty, "the example fixtures have problems: \(problems)")
        }
        harness.report("check the example Fixtures/ (17 rows, 5 tables)", harness.format(time))
    }
}
