import Foundation
import SQLTestKit
import Testing

/// What the log and `expandedSQL` show is what SQLite really binds and runs.
@Suite("Trust: expansion shows the values that ran")
struct ExpansionTruthTests {
    @Test func dollarNumbersAreNamesOnSQLiteAndPositionsOnPostgres() {
        let query = SQLQuery(sql: "SELECT $2 AS a, $1 AS b", arguments: ["first", "second"])
        #expect(query.expandedSQL == "SELECT 'first' AS a, 'second' AS b")
        #expect(query.expandedSQL(for: .postgres) == "SELECT 'second' AS a, 'first' AS b")
        let mixed = SQLQuery(sql: "SELECT $b, ?, :a, $b, ?5, ?", arguments: ["1", "2", "3", "4", "5", "6"])
        #expect(mixed.expandedSQL == "SELECT '1', '2', '3', '1', '5', '6'")
    }

    @Test func theMockLogsWhatTheImpersonatedDatabaseWouldBind() async throws {
        for (dialect, expected) in [(DatabaseDialect.sqlite, "SELECT 'first' AS a, 'second' AS b"), (.postgres, "SELECT 'second' AS a, 'first' AS b")] {
            let mock = MockDriver(dialect: dialect)
            try await mock.connect().execute(SQLQuery(sql: "SELECT $2 AS a, $1 AS b", arguments: ["first", "second"]))
            #expect(mock.takeSQL() == expected)
        }
    }

    /// Random mixes of every placeholder style, each run twice in SQLite — bound, and as the
    /// expanded text — must give the same row.
    @Test func randomPlaceholderMixesExpandToWhatSQLiteBinds() async throws {
        let db = try await makeDatabase()
        let pool = ["?", "?", "?1", "?2", "?3", "?7", ":a", ":b", "@a", "@b", "$a", "$b", "$1", "$2", "$10", ":a", "$a"]
        var generator = SeededGenerator(seed: 0x5EED)
        var checked = 0
        for _ in 0..<400 {
            let placeholders = (0..<Int.random(in: 1...7, using: &generator)).map { _ in pool.randomElement(using: &generator)! }
            let sql = "SELECT " + placeholders.joined(separator: ", ")
            let parameterCount = try await Self.parameterCount(sql, db: db)
            let arguments = (1...max(1, parameterCount)).map { SQLValue.text("v\($0)") }.prefix(parameterCount)
            let query = SQLQuery(sql: sql, arguments: Array(arguments))
            let bound = try await db.fetchOne(query)
            let expanded = try await db.fetchOne(SQLQuery(sql: query.expandedSQL))
            #expect(bound?.values == expanded?.values, "\(sql) expanded as \(query.expandedSQL)")
            checked += 1
        }
        #expect(checked == 400)
    }

    /// How many parameters SQLite gives a statement: the arguments it needs.
    static func parameterCount(_ sql: String, db: any DatabaseConnection) async throws -> Int {
        for count in 0...20 {
            do {
                _ = try await db.fetchOne(SQLQuery(sql: sql, arguments: Array(repeating: .null, count: count)))
                return count
            } catch let error as QueryError where error.code == .range {
                continue
            }
        }
        return 0
    }

    static let textsWithNUL = ["a\u{0}b", "\u{0}", "\u{0}\u{0}x\u{0}", "it's\u{0}'quoted'", "tail\u{0}"]

    /// By index: a NUL in a test's name would be written to the terminal.
    @Test(arguments: textsWithNUL.indices)
    func textWithNULExpandsToAnExpressionThatRunsToTheSameText(index: Int) async throws {
        let text = Self.textsWithNUL[index]
        let db = try await makeDatabase()
        let query: SQLQuery = "SELECT \(text) AS v"
        #expect(!query.expandedSQL.utf8.contains(0))
        let bound = try await db.fetchOne(query)?["v"]
        let expanded = try await db.fetchOne(SQLQuery(sql: query.expandedSQL))?["v"]
        #expect(bound == .text(text))
        #expect(expanded == .text(text), "\(query.expandedSQL)")
    }

    @Test func theLiteralOfTextWithNULIsReadable() {
        #expect(DatabaseDialect.sqlite.literal("a\u{0}b") == "'a' || char(0) || 'b'")
        #expect(DatabaseDialect.postgres.literal("\u{0}x") == "chr(0) || 'x'")
        #expect(DatabaseDialect.mysql.literal("a\u{0}b") == "'a\\0b'")
    }

    @Test func sqlTextWithNULIsRefusedInsteadOfRunningItsFirstPart() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("nul-test.sqlite")
        let db = try await SQLiteDriver(path: path).connect()
        try await db.executeScript("CREATE TABLE t(v); INSERT INTO t VALUES (1);")
        for sql in ["SELECT 1\u{0}; DELETE FROM t", "DELETE FROM t WHERE v = 2\u{0} OR 1"] {
            let error = await expectError(QueryError.self) { try await db.execute(SQLQuery(sql: sql)) }
            #expect(error?.code == .misuse)
            #expect(error?.message == "the SQL text contains a NUL character, and SQLite would silently run only the part before it")
        }
        await #expect(throws: QueryError.self) { try await db.executeScript("SELECT 1;\u{0} DELETE FROM t;") }
        #expect(try await db.fetchOne("SELECT count(*) FROM t")?[0] == 1)
        await db.close()
    }
}

/// A small deterministic generator (SplitMix64), so a failing mix can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
