import Testing
import SQLTestKit

@Suite("SQLQuery interpolation and rendering")
struct SQLQueryTests {
    @Test func interpolatedValuesBecomeArguments() {
        let id: SQLValue = 42
        let query: SQLQuery = "SELECT id, title FROM book WHERE author_id = \(id) AND title LIKE \("%Swift%")"
        #expect(query.sql == "SELECT id, title FROM book WHERE author_id = ? AND title LIKE ?")
        #expect(query.arguments == [.integer(42), .text("%Swift%")])
        #expect(query.expandedSQL == "SELECT id, title FROM book WHERE author_id = 42 AND title LIKE '%Swift%'")
    }

    @Test func injectionAttemptsStayArguments() {
        let evil = "x'); DROP TABLE book; --"
        let query: SQLQuery = "SELECT * FROM book WHERE title = \(evil)"
        #expect(query.sql == "SELECT * FROM book WHERE title = ?")
        #expect(query.expandedSQL == "SELECT * FROM book WHERE title = 'x''); DROP TABLE book; --'")
    }

    @Test func identifiersAreQuotedPerDialect() {
        let query: SQLQuery = "SELECT \(identifier: "we\"ird") FROM \(identifier: "order") WHERE id = \(7)"
        #expect(query.sql == #"SELECT "we""ird" FROM "order" WHERE id = ?"#)
        #expect(query.sql(for: .postgres) == #"SELECT "we""ird" FROM "order" WHERE id = $1"#)
        #expect(query.sql(for: .mysql) == "SELECT `we\"ird` FROM `order` WHERE id = ?")
        #expect(query.expandedSQL(for: .mysql) == "SELECT `we\"ird` FROM `order` WHERE id = 7")
    }

    @Test func mysqlRequotesOnlyInterpolatedIdentifiers() {
        let query: SQLQuery = #"SELECT "literal" FROM \#(identifier: "t")"#
        #expect(query.sql(for: .mysql) == #"SELECT "literal" FROM `t`"#)
    }

    @Test func listsBindOneArgumentPerElement() {
        let query: SQLQuery = "SELECT * FROM book WHERE id IN (\(list: [1, 2, 3]))"
        #expect(query.sql == "SELECT * FROM book WHERE id IN (?, ?, ?)")
        #expect(query.arguments == [1, 2, 3])
        let empty: SQLQuery = "SELECT * FROM book WHERE id IN (\(list: [Int]()))"
        #expect(empty.sql == "SELECT * FROM book WHERE id IN (NULL)")
        #expect(empty.arguments.isEmpty)
    }

    @Test func fragmentsSpliceTextArgumentsAndIdentifiers() {
        let condition: SQLQuery = "\(identifier: "year") > \(2000)"
        var query: SQLQuery = "SELECT * FROM book WHERE \(sql: condition) AND title = \("Dune")"
        query.append(" LIMIT \(5)")
        #expect(query.sql == #"SELECT * FROM book WHERE "year" > ? AND title = ? LIMIT ?"#)
        #expect(query.arguments == [2000, "Dune", 5])
        #expect(query.sql(for: .mysql) == "SELECT * FROM book WHERE `year` > ? AND title = ? LIMIT ?")
    }

    @Test func expansionWritesEveryKindOfLiteral() {
        let query = SQLQuery(sql: "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             arguments: [.null, .integer(.min), .real(0.1), .real(1e-300), .text("a'b"), .blob([]), .real(-.infinity)])
        #expect(query.expandedSQL == "VALUES (NULL, -9223372036854775808, 0.1, 1e-300, 'a''b', X'', -9e999)")
        #expect(SQLQuery(sql: "SELECT ?", arguments: [.blob([0, 255])]).expandedSQL(for: .postgres) == #"SELECT '\x00FF'::bytea"#)
        #expect(SQLQuery(sql: "SELECT ?", arguments: [.real(5)]).expandedSQL == "SELECT 5.0")
    }

    @Test func expansionFollowsSQLiteParameterNumbering() {
        let query = SQLQuery(sql: "SELECT ?2, ?1, :a, ?, :a, @b", arguments: ["one", "two", "three", "four", "five"])
        // ?2 → 2, ?1 → 1, :a → 3, ? → 4, :a → 3 again, @b → 5
        #expect(query.expandedSQL == "SELECT 'two', 'one', 'three', 'four', 'three', 'five'")
    }

    @Test func placeholdersInStringsAndCommentsAreNotArguments() {
        let query = SQLQuery(sql: "SELECT '?' , ? -- ?\n/* ? */", arguments: [1])
        #expect(query.expandedSQL == "SELECT '?' , 1 -- ?\n/* ? */")
        #expect(query.sql(for: .postgres) == "SELECT '?' , $1 -- ?\n/* ? */")
    }

    @Test func missingArgumentsLeaveThePlaceholder() {
        #expect(SQLQuery(sql: "SELECT ?, ?", arguments: [1]).expandedSQL == "SELECT 1, ?")
    }
}
