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
    ///
    /// The sides are interleaved in chunks of 10,000 rows (our prepared form, raw C, our
    /// interpolated form, in turn, the order rotating each chunk), each into its own database
    /// and transaction, and each side's chunks are summed. A run takes a tenth of a second per
    /// side, and this shared machine's speed was seen to move by more than that between runs;
    /// interleaving keeps every side in the same stretch of it.
    static func insert(_ harness: inout Harness) async throws {
        let schema = "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, score REAL, quantity INTEGER)"
        let insertSQL = "INSERT INTO item(name, score, quantity) VALUES (?, ?, ?)"
        let names = (0..<100).map { "item number \($0)" }
        let chunks = 10, chunkSize = rowCount / chunks
        var oursTimes: [Duration] = [], rawTimes: [Duration] = [], interpolatedTimes: [Duration] = []
        for _ in 0..<harness.runs {
            let prepared = try await SQLiteDriver.inMemory().connect()
            let interpolated = try await SQLiteDriver.inMemory().connect()
            for db in [prepared, interpolated] { try await db.execute(SQLQuery(sql: schema)) }
            let raw = RawSQLite()
            raw.exec(schema)

            let clock = ContinuousClock()
            var ours = Duration.zero, rawTime = Duration.zero, interpolatedTime = Duration.zero
            var mark = clock.now
            try await prepared.transaction { prepared in
                ours += clock.now - mark
                mark = clock.now
                try await interpolated.transaction { interpolated in
                    interpolatedTime += clock.now - mark
                    mark = clock.now
                    raw.exec("BEGIN")
                    let statement = raw.prepare(insertSQL)
                    rawTime += clock.now - mark
                    for chunk in 0..<chunks {
                        let rows = chunk * chunkSize..<(chunk + 1) * chunkSize
                        for side in (0..<3).map({ ($0 + chunk) % 3 }) {
                            let start = clock.now
                            switch side {
                            case 0:
                                // One SQL text bound to new arguments each row: the driver's cached prepared statement.
                                for index in rows {
                                    try await prepared.execute(SQLQuery(sql: insertSQL, arguments: [.text(names[index % 100]), .real(Double(index) * 0.5), .integer(Int64(index))]))
                                }
                                ours += clock.now - start
                            case 1:
                                for index in rows {
                                    raw.bindText(statement, 1, names[index % 100])
                                    sqlite3_bind_double(statement, 2, Double(index) * 0.5)
                                    sqlite3_bind_int64(statement, 3, Int64(index))
                                    guard sqlite3_step(statement) == SQLITE_DONE else { fatalError("insert failed") }
                                    sqlite3_reset(statement)
                                }
                                rawTime += clock.now - start
                            default:
                                // The idiomatic form: a query built by interpolation for every row.
                                for index in rows {
                                    try await interpolated.execute("INSERT INTO item(name, score, quantity) VALUES (\(names[index % 100]), \(Double(index) * 0.5), \(index))")
                                }
                                interpolatedTime += clock.now - start
                            }
                        }
                    }
                    mark = clock.now
                    sqlite3_finalize(statement)
                    raw.exec("COMMIT")
                    rawTime += clock.now - mark
                    mark = clock.now
                }
                interpolatedTime += clock.now - mark
                mark = clock.now
            }
            ours += clock.now - mark
            for db in [prepared, interpolated] {
                let count = try await db.fetchOne("SELECT count(*) FROM item")?.decode(Int.self)
                precondition(count == rowCount, "every row is inserted")
                await db.close()
            }
            oursTimes.append(ours)
            rawTimes.append(rawTime)
            interpolatedTimes.append(interpolatedTime)
        }
        harness.compare("insert 100k rows, prepared, one transaction", ours: oursTimes, raw: rawTimes, target: 1.3)
        harness.compare("  same, query interpolated for every row", ours: interpolatedTimes, raw: rawTimes, target: 1.5)
    }

    /// A row of the join, as a `Decodable` struct whose properties are the column names.
    struct JoinRow: Decodable {
        var id: Int64
        var title: String
        var price: Double
        var author_id: Int64
        var name: String
        var born: Int64
    }

    /// A row of the join read by name into Swift values, as users write it.
    static func byName(_ row: ResultRow) throws -> (Int64, String, Double, Int64, String, Int64) {
        (try row.decode("id", as: Int64.self), try row.decode("title", as: String.self),
         try row.decode("price", as: Double.self), try row.decode("author_id", as: Int64.self),
         try row.decode("name", as: String.self), try row.decode("born", as: Int64.self))
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
        // As users write it: every value read out of the rows by name, into Swift values.
        let userStyle = {
            try await Harness.time(setUp: {}) {
                let rows = try await db.fetchAll(SQLQuery(sql: joinSQL))
                var values: [(Int64, String, Double, Int64, String, Int64)] = []
                for row in rows {
                    values.append(try byName(row))
                }
                checksum &+= values.count
            }
        }
        // The same, each row read as SQLite steps it: the result is never held whole.
        let each = {
            try await Harness.time(setUp: {}) {
                var values: [(Int64, String, Double, Int64, String, Int64)] = []
                try await db.forEachRow(SQLQuery(sql: joinSQL)) { row in
                    values.append(try byName(row))
                }
                checksum &+= values.count
            }
        }
        // Decoded into a `Decodable` struct, the README's way to read rows.
        let decoded = {
            try await Harness.time(setUp: {}) {
                checksum &+= try await db.fetchAll(JoinRow.self, SQLQuery(sql: joinSQL)).count
            }
        }
        let timings = try await Harness.alternate(runs: harness.runs, warmingUp: true, [ours, rawTime, userStyle, each, decoded])
        precondition(checksum == 10 * harness.runs * rowCount, "every side must read every row")
        harness.compare("select 100k rows of a 2-table join, all columns", ours: timings[0], raw: timings[1], target: 1.3)
        harness.compare("  same, every value read by name into Swift values", ours: timings[2], raw: timings[1], target: 1.3)
        harness.compare("  same, read by name in forEachRow", ours: timings[3], raw: timings[1], target: 1.3)
        harness.compare("  same, decoded into a Decodable struct", ours: timings[4], raw: timings[1], target: 3)
    }
}
