import SQLTestKit
import Testing

@Suite("Arguments read back from expanded SQL, and catalog reads")
struct ExpandedArgumentsTests {
    @Test func everyStorageClassIsReadBack() {
        let arguments = SQLTokenizer.arguments(
            of: "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)",
            expandedAs: "INSERT INTO t VALUES (42, -7, 2.5, -1.0e+20, 'it''s', X'CAFE', NULL)")
        #expect(arguments == [42, -7, 2.5, .real(-1e20), "it's", .blob([0xCA, 0xFE]), .null])
    }

    @Test func theyRoundTripThroughSQLiteExpansion() async throws {
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.execute("CREATE TABLE t (a, b, c, d)")
        let query = SQLQuery(sql: "INSERT INTO t VALUES (?, ?, ?, ?)", arguments: [.integer(Int64.min), .text("a ? b"), .real(0.5), .blob([0])])
        #expect(SQLTokenizer.arguments(of: query.sql, expandedAs: query.expandedSQL) == query.arguments)
    }

    @Test(arguments: [
        ("SELECT * FROM t WHERE a = ?", "SELECT * FROM t WHERE b = 1"),          // the text around differs
        ("SELECT * FROM t WHERE a = ?1", "SELECT * FROM t WHERE a = 1"),         // numbered: may repeat
        ("SELECT * FROM t WHERE a = ?", "SELECT * FROM t WHERE a = 1 AND b = 2"), // more text after
        ("SELECT * FROM t WHERE a = ?", "SELECT * FROM t WHERE a = Inf"),        // not a literal
    ])
    func statementsThatDoNotLineUpGiveNil(sql: String, expanded: String) {
        #expect(SQLTokenizer.arguments(of: sql, expandedAs: expanded) == nil)
    }

    @Test func catalogReadsAreNoiseAndOtherReadsAreNot() {
        #expect(SQLTokenizer.readsOnlyCatalog("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        #expect(SQLTokenizer.readsOnlyCatalog("select * from main.sqlite_schema where name = ?"))
        #expect(SQLTokenizer.readsOnlyCatalog("SELECT * FROM pragma_table_info('book')"))
        #expect(SQLTokenizer.readsOnlyCatalog("SELECT column_name FROM information_schema.columns WHERE table_name = $1"))
        #expect(SQLTokenizer.readsOnlyCatalog("SELECT relname FROM pg_catalog.pg_class"))
        #expect(!SQLTokenizer.readsOnlyCatalog("SELECT * FROM book"))
        #expect(!SQLTokenizer.readsOnlyCatalog("SELECT * FROM book JOIN sqlite_master ON 1"))
        #expect(!SQLTokenizer.readsOnlyCatalog("SELECT 'sqlite_master'"))
        #expect(!SQLTokenizer.readsOnlyCatalog("DELETE FROM sqlite_sequence"))
        let entry = LoggedStatement(sequence: 1, query: "SELECT sql FROM sqlite_master", dialect: .sqlite, connectionID: 1, transactionDepth: 0)
        #expect(entry.isNoise)
        #expect(!StatementFilter.excludingNoise.includes(entry))
    }
}
