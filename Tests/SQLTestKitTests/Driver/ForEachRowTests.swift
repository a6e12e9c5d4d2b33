import Testing
import SQLTestKit

/// `forEachRow` hands rows to its body as SQLite steps them, a batch at a time, reusing the
/// batch's memory: these tests pin what the caller sees, whatever the batch size.
@Suite("Reading rows as they are stepped")
struct ForEachRowTests {
    /// 1,000 rows: more than three batches, the last one partial.
    static let numbers = """
        CREATE TABLE n(i INTEGER PRIMARY KEY, label TEXT, half REAL);
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000)
        INSERT INTO n SELECT i, 'label number ' || i, i / 2.0 FROM c;
        """

    @Test func givesEveryRowInOrderLikeFetchAll() async throws {
        let db = try await makeDatabase(Self.numbers)
        let query: SQLQuery = "SELECT i, label, half FROM n WHERE i > \(0) ORDER BY i"
        var seen: [(Int, String, Double)] = []
        try await db.forEachRow(query) { row in
            seen.append((try row.decode("i"), try row.decode("label"), try row.decode("half")))
        }
        let fetched = try await db.fetchAll(query).map { row in
            (try row.decode("i", as: Int.self), try row.decode("label", as: String.self), try row.decode("half", as: Double.self))
        }
        #expect(seen.count == 1000)
        #expect(seen.map(\.0) == Array(1...1000))
        #expect(seen.map(\.1) == fetched.map(\.1))
        #expect(seen.map(\.2) == fetched.map(\.2))
        #expect(seen.last.map { "\($0.1) \($0.2)" } == "label number 1000 500.0")
    }

    @Test func fetchAllOverManyChunksGivesEveryRowItsOwnValues() async throws {
        // `fetchAll` keeps its rows in chunks of 256 that share a buffer: every row must still
        // read its own values, at the chunk edges too, and compare equal to a row built alone.
        let db = try await makeDatabase(Self.numbers)
        let columns: ResultColumns = ["i", "label", "half"]
        let alone = (1...1000).map { i in
            ResultRow(columns: columns, values: [.integer(Int64(i)), .text("label number \(i)"), .real(Double(i) / 2)])
        }
        for _ in 0..<2 {   // the second read is sized by the first
            let rows = try await db.fetchAll("SELECT i, label, half FROM n ORDER BY i")
            #expect(rows == alone)
            #expect(rows.map(\.values) == alone.map(\.values))
            // The last row of the first chunk and the first of the second.
            #expect(rows[255].values == [256, "label number 256", 128.0])
            #expect(rows[256].values == [257, "label number 257", 128.5])
        }
        #expect(try await db.fetchAll("SELECT i FROM n WHERE i > 995 ORDER BY i").map { $0[0] } == [996, 997, 998, 999, 1000])
    }

    @Test func rowsTheBodyKeepsStayValidAfterLaterBatches() async throws {
        // The batch buffer is reused only when no row of it is kept: a kept row must not see
        // the values of a later batch.
        let db = try await makeDatabase(Self.numbers)
        var kept: [ResultRow] = []
        try await db.forEachRow("SELECT i, label FROM n ORDER BY i") { row in
            if row[0].integerValue.map({ $0 % 7 == 0 }) == true { kept.append(row) }
        }
        let expected = try await db.fetchAll("SELECT i, label FROM n WHERE i % 7 = 0 ORDER BY i")
        #expect(kept.count == 142)
        #expect(kept == expected)
        #expect(kept.first?.dictionary == ["i": 7, "label": "label number 7"])
        #expect(kept.last?.dictionary == ["i": 994, "label": "label number 994"])
    }

    @Test func anErrorFromTheBodyEndsTheStatementAndIsRethrownAsItIs() async throws {
        let db = try await makeDatabase(Self.numbers)
        var calls = 0
        let error = await expectError(RowDecodingError.self) {
            try await db.forEachRow("SELECT i, CASE WHEN i = 300 THEN 'three hundred' ELSE i END AS value FROM n ORDER BY i") { row in
                calls += 1
                _ = try row.decode("value", as: Int.self)
            }
        }
        #expect(error?.description == "column `value` holds TEXT 'three hundred', which cannot be read as Int")
        #expect(calls == 300)
        // The statement was reset and the lock released: the same statement and a write run.
        var count = 0
        try await db.forEachRow("SELECT i, CASE WHEN i = 300 THEN 'three hundred' ELSE i END AS value FROM n ORDER BY i") { _ in count += 1 }
        #expect(count == 1000)
        try await db.execute("DELETE FROM n WHERE i > 10")
        #expect(try await db.fetchOne("SELECT count(*) FROM n")?[0] == 10)
    }

    @Test func aStepThatFailsAfterSomeRowsThrowsWithTheStatement() async throws {
        // Row 1,000 overflows. Every row SQLite gave before it reaches the body, then the error
        // is thrown: that is what reading as SQLite steps means, and what the documentation says.
        let db = try await makeDatabase(Self.numbers)
        let sql = "SELECT i, CASE WHEN i = 1000 THEN abs(-9223372036854775807 - 1) ELSE i END FROM n ORDER BY i"
        var seen: [Int] = []
        let error = await expectError(QueryError.self) {
            try await db.forEachRow(SQLQuery(sql: sql)) { row in seen.append(try row.decode("i", as: Int.self)) }
        }
        #expect(error?.message == "integer overflow")
        #expect(error?.sql == sql)
        #expect(seen == Array(1...999))
        #expect(try await db.fetchOne("SELECT count(*) FROM n")?[0] == 1000)
    }

    @Test func aWriteOrAnEmptyResultNeverCallsTheBody() async throws {
        let db = try await makeDatabase(Self.numbers)
        var calls = 0
        try await db.forEachRow("DELETE FROM n WHERE i > \(500)") { _ in calls += 1 }
        try await db.forEachRow("SELECT * FROM n WHERE i > 500") { _ in calls += 1 }
        #expect(calls == 0)
        #expect(try await db.fetchOne("SELECT count(*) FROM n")?[0] == 500)
        var returned: [Int] = []
        try await db.forEachRow("INSERT INTO n(label) VALUES ('new') RETURNING i") { row in returned.append(try row.decode("i")) }
        #expect(returned == [501])
    }

    @Test func wrongArgumentsAreRefusedWithTheStatement() async throws {
        let db = try await makeDatabase(Self.numbers)
        let error = await expectError(QueryError.self) {
            try await db.forEachRow(SQLQuery(sql: "SELECT * FROM n WHERE i > ? AND i < ?", arguments: [1])) { _ in }
        }
        #expect(error?.sql == "SELECT * FROM n WHERE i > ? AND i < ?")
        #expect(error?.message == "the statement has 2 parameters but 1 argument was given")
        #expect(error?.suggestion == "pass one argument per placeholder; SQLite would bind NULL to the missing ones")
    }

    @Test func aTransactionSQLiteRolledBackRefusesTheRead() async throws {
        let db = try await makeDatabase(Self.numbers + "CREATE TABLE u(v TEXT UNIQUE); INSERT INTO u VALUES ('a');")
        var calls = 0
        struct Stop: Error {}
        var refused: QueryError?
        _ = await expectError(Stop.self) {
            try await db.transaction { db in
                try await db.execute("DELETE FROM n")
                _ = await expectError(QueryError.self) { try await db.execute("INSERT OR ROLLBACK INTO u VALUES ('a')") }
                // SQLite rolled the DELETE back; reading on would read outside the transaction.
                refused = await expectError(QueryError.self) {
                    try await db.forEachRow("SELECT * FROM n") { _ in calls += 1 }
                }
                throw Stop()
            }
        }
        #expect(refused?.code == .abort)
        #expect(refused?.message.hasPrefix("refusing to run this statement: the transaction it belongs to was rolled back by SQLite") == true,
                "\(String(describing: refused))")
        #expect(calls == 0)
        #expect(try await db.fetchOne("SELECT count(*) FROM n")?[0] == 1000)
    }

    @Test func manyTasksReadingOneConnectionEachGetTheirOwnRows() async throws {
        // Each read holds the connection for its whole statement; 50 tasks interleave reads
        // and writes on one connection.
        let db = try await makeDatabase(Self.numbers + "CREATE TABLE log(task INTEGER);")
        let totals = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for task in 0..<50 {
                group.addTask {
                    var count = 0
                    var sum = 0
                    try await db.forEachRow("SELECT i FROM n WHERE i % 50 = \(task)") { row in
                        count += 1
                        sum += try row.decode("i", as: Int.self)
                    }
                    try await db.execute("INSERT INTO log VALUES (\(task))")
                    return (task, count, sum)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) }
        }
        #expect(totals.count == 50)
        for task in 0..<50 {
            let expected = (1...1000).filter { $0 % 50 == task }
            #expect(totals[task]?.0 == expected.count)
            #expect(totals[task]?.1 == expected.reduce(0, +))
        }
        #expect(try await db.fetchOne("SELECT count(*) FROM log")?[0] == 50)
    }
}
