import SQLTestKit
import SQLTestKitSQLite

/// Figures for the foundation: the SQLite driver next to the raw C API.
enum DriverBenchmarks {
    static let rowCount = 100_000

    static let bookSchema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL, author_id INTEGER NOT NULL REFERENCES author(id));
        """

    static func run(_ harness: inout Harness) async throws {
        if harness.wants("insert") { try await insert(&harness) }
        if harness.wants("join") { try await join(&harness) }
    }

    /// Insert 100k rows with one prepared statement inside one transaction.
    static func insert(_ harness: inout Harness) async throws {
        let schema = "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, score REAL, quantity INTEGER)"
        let names = (0..<100).map { "item number \($0)" }
        func freshDatabase() async throws -> any DatabaseConnection {
            let db = try await SQLiteDriver.inMemory().connect()
            try await db.execute(SQLQuery(sql: schema))
            return db
        }
        // One SQL text bound to new arguments each row: the driver's cached prepared statement.
        let prepared = {
            try await Harness.time(setUp: freshDatabase) { db in
                try await db.transaction { db in
                    for index in 0..<rowCount {
                        try await db.execute(SQLQuery(sql: "INSERT INTO item(name, score, quantity) VALUES (?, ?, ?)",
                                                      arguments: [.text(names[index % 100]), .real(Double(index) * 0.5), .integer(Int64(index))]))
                    }
                }
            }
        }
        // The idiomatic form: a query built by interpolation for every row.
        let interpolated = {
            try await Harness.time(setUp: freshDatabase) { db in
                try await db.transaction { db in
                    for index in 0..<rowCount {
                        try await db.execute("INSERT INTO item(name, score, quantity) VALUES (\(names[index % 100]), \(Double(index) * 0.5), \(index))")
                    }
                }
            }
        }
        let raw = {
            try await Harness.time(setUp: {
                let raw = RawSQLite()
                raw.exec(schema)
                return raw
            }) { raw in
                raw.exec("BEGIN")
                let statement = raw.prepare("INSERT INTO item(name, score, quantity) VALUES (?, ?, ?)")
                for index in 0..<rowCount {
                    raw.bindText(statement, 1, names[index % 100])
                    sqlite3_bind_double(statement, 2, Double(index) * 0.5)
                    sqlite3_bind_int64(statement, 3, Int64(index))
                    guard sqlite3_step(statement) == SQLITE_DONE else { fatalError("insert failed") }
                    sqlite3_reset(statement)
                }
                sqlite3_finalize(statement)
                raw.exec("COMMIT")
            }
        }
        let timings = try await Harness.alternate(runs: harness.runs, [prepared, raw, interpolated])
        harness.compare("insert 100k rows, prepared, one transaction", ours: timings[0], raw: timings[1], target: 1.3)
        harness.compare("  same, query interpolated for every row", ours: timings[2], raw: timings[1], target: 1.3)
    }

    static let joinSQL = "SELECT book.id, book.title, book.price, book.author_id, author.name, author.born FROM book JOIN author ON author.id = book.author_id"

    /// Select 100k rows of a two-table join, reading every column.
    static func join(_ harness: inout Harness) async throws {
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.executeScript(bookSchema)
        let raw = RawSQLite()
        raw.exec(bookSchema)
        let seed = [
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO author SELECT i, 'author ' || i, 1900 + i % 100 FROM n",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rowCount)) INSERT INTO book SELECT i, 'title of book ' || i, i * 0.25, 1 + i % 1000 FROM n",
        ]
        for statement in seed {
            try await db.execute(SQLQuery(sql: statement))
            raw.exec(statement)
        }
        var checksum = 0
        let ours = {
            try await Harness.time(setUp: {}) {
                let rows = try await db.fetchAll(SQLQuery(sql: joinSQL))
                checksum &+= rows.count
            }
        }
        let rawTime = {
            try await Harness.time(setUp: {}) {
                let statement = raw.prepare(joinSQL)
                var values: [(Int64, String, Double, Int64, String, Int64)] = []
                while sqlite3_step(statement) == SQLITE_ROW {
                    values.append((sqlite3_column_int64(statement, 0), raw.readText(statement, 1), sqlite3_column_double(statement, 2),
                                   sqlite3_column_int64(statement, 3), raw.readText(statement, 4), sqlite3_column_int64(statement, 5)))
                }
                sqlite3_finalize(statement)
                checksum &+= values.count
            }
        }
        let timings = try await Harness.alternate(runs: harness.runs, [ours, rawTime])
        precondition(checksum == 2 * harness.runs * rowCount, "both sides must read every row")
        harness.compare("select 100k rows of a 2-table join, all columns", ours: timings[0], raw: timings[1], target: 1.3)
    }
}
