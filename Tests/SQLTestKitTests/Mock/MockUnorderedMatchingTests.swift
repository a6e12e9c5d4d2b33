import SQLTestKit
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

@Suite("Matching that ignores the order of IN lists, VALUES rows, SET assignments and INSERT columns")
struct MockUnorderedMatchingTests {
    static func same(_ a: String, _ b: String) -> Bool {
        SQLTokenizer.unorderedForm(a) == SQLTokenizer.unorderedForm(b)
    }

    @Test func permutedListsAreTheSameStatement() {
        #expect(Self.same("SELECT * FROM t WHERE id IN (1, 2, 3)", "select * from \"t\" where id in (3, 1, 2)"))
        #expect(Self.same("SELECT * FROM t WHERE id IN ('a', 'b') AND k IN (5, 4)", "SELECT * FROM t WHERE id IN ('b', 'a') AND k IN (4, 5)"))
        #expect(Self.same("UPDATE t SET a = 1, b = 'x', c = NULL WHERE id = 2", "UPDATE t SET c = NULL, a = 1, b = 'x' WHERE id = 2"))
        #expect(Self.same("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')", "INSERT INTO t (a, b) VALUES (2, 'y'), (1, 'x')"))
        #expect(Self.same("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')", "INSERT INTO t (b, a) VALUES ('y', 2), ('x', 1)"))
        #expect(Self.same("INSERT INTO s.t (a, b) VALUES (1, lower('X'))", "INSERT INTO s.t (b, a) VALUES (lower('X'), 1)"))
        #expect(Self.same("INSERT INTO t (k, v) VALUES (1, 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v, w = 3",
                          "INSERT INTO t (v, k) VALUES (2, 1) ON CONFLICT (k) DO UPDATE SET w = 3, v = excluded.v"))
        #expect(Self.same("SELECT * FROM t WHERE id IN (1, 2) AND x IN (SELECT y FROM u WHERE z IN (7, 8))",
                          "SELECT * FROM t WHERE id IN (2, 1) AND x IN (SELECT y FROM u WHERE z IN (8, 7))"))
    }

    @Test func nothingLooserMatches() {
        // A missing, extra or repeated item.
        #expect(!Self.same("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (1, 2)"))
        #expect(!Self.same("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (1, 2, 3, 4)"))
        #expect(!Self.same("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (1, 2, 2, 3)"))
        #expect(!Self.same("SELECT * FROM t WHERE id IN (1, 1, 2)", "SELECT * FROM t WHERE id IN (1, 2, 2)"))
        // A value moved to another column, in a SET or an INSERT.
        #expect(!Self.same("UPDATE t SET a = 1, b = 2", "UPDATE t SET a = 2, b = 1"))
        #expect(!Self.same("INSERT INTO t (a, b) VALUES (1, 2)", "INSERT INTO t (b, a) VALUES (1, 2)"))
        #expect(!Self.same("INSERT INTO t (a, b) VALUES (1, 2), (3, 4)", "INSERT INTO t (a, b) VALUES (1, 4), (3, 2)"))
        // Values of a row without a column list, an INSERT … SELECT's columns.
        #expect(!Self.same("INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (2, 1)"))
        #expect(!Self.same("INSERT INTO t (a, b) SELECT x, y FROM u", "INSERT INTO t (b, a) SELECT x, y FROM u"))
        // Conditions, select lists, ORDER BY, function arguments and a subquery's columns keep their order.
        #expect(!Self.same("SELECT * FROM t WHERE a = 1 AND b = 2", "SELECT * FROM t WHERE b = 2 AND a = 1"))
        #expect(!Self.same("SELECT a, b FROM t", "SELECT b, a FROM t"))
        #expect(!Self.same("SELECT * FROM t ORDER BY a, b", "SELECT * FROM t ORDER BY b, a"))
        #expect(!Self.same("SELECT coalesce(a, b) FROM t", "SELECT coalesce(b, a) FROM t"))
        #expect(!Self.same("SELECT * FROM t WHERE x IN (SELECT a, b FROM u)", "SELECT * FROM t WHERE x IN (SELECT b, a FROM u)"))
        // Literals keep their spelling.
        #expect(!Self.same("SELECT * FROM t WHERE id IN ('a', 'b')", "SELECT * FROM t WHERE id IN ('A', 'b')"))
    }

    @Test func scriptsMatchPermutedListsOnlyWhenAskedTo() async throws {
        let mock = MockDriver(dialect: .postgres, strict: true)
        mock.script(.unordered(#"SELECT * FROM "author" WHERE "author"."id" IN (1, 2, 3)"#), rows: [["id": 1]], count: .always)
        mock.script(.unordered("UPDATE book SET title = 'Dune', price = 9.5 WHERE id = 4"), answer: .affected(1))
        mock.script(#"SELECT * FROM "book" WHERE "book"."id" IN (1, 2)"#, rows: [], count: .always)
        let db = try await mock.connect()
        for ids in [[3, 1, 2], [2, 3, 1], [1, 2, 3]] {
            let query = SQLQuery(sql: #"SELECT * FROM "author" WHERE "author"."id" IN ($1, $2, $3)"#, arguments: ids.map { .integer(Int64($0)) })
            #expect(try await db.fetchAll(query).count == 1)
        }
        #expect(try await db.execute("UPDATE book SET price = \(9.5), title = \("Dune") WHERE id = \(4)").rowsAffected == 1)
        // The default stays exact.
        let exact = await #expect(throws: MockMismatch.self) {
            _ = try await db.fetchAll(SQLQuery(sql: #"SELECT * FROM "book" WHERE "book"."id" IN ($1, $2)"#, arguments: [2, 1]))
        }
        #expect(exact?.description.contains("unexpected statement") == true)
        // A list with an item more is not matched by the unordered script.
        let extra = await #expect(throws: MockMismatch.self) {
            _ = try await db.fetchAll(SQLQuery(sql: #"SELECT * FROM "author" WHERE "author"."id" IN ($1, $2, $3, $4)"#, arguments: [1, 2, 3, 4]))
        }
        #expect(extra?.description.contains("unordered: SELECT * FROM \"author\" WHERE \"author\".\"id\" IN (1, 2, 3)") == true)
    }

    @Test func assertSQLMatchesPermutedListsOnlyWhenAskedTo() async throws {
        let mock = MockDriver(dialect: .postgres)
        let db = try await mock.connect()
        try await db.execute(SQLQuery(sql: #"DELETE FROM "todo" WHERE "id" IN ($1, $2, $3)"#, arguments: [3, 1, 2]))
        let passing = CollectedIssues.during {
            assertSQL(mock.log, [.unordered(#"DELETE FROM "todo" WHERE "id" IN (1, 2, 3)"#)])
        }
        #expect(passing.isEmpty)
        try await db.execute(SQLQuery(sql: #"DELETE FROM "todo" WHERE "id" IN ($1, $2, $3)"#, arguments: [3, 1, 2]))
        let exact = CollectedIssues.during { assertSQL(mock.log, [#"DELETE FROM "todo" WHERE "id" IN (1, 2, 3)"#]) }
        #expect(exact.count == 1)
        try await db.execute(SQLQuery(sql: #"DELETE FROM "todo" WHERE "id" IN ($1, $2)"#, arguments: [3, 1]))
        let missing = CollectedIssues.during {
            assertSQL(mock.log, [.unordered(#"DELETE FROM "todo" WHERE "id" IN ($1, $2, $3)"#, arguments: [1, 2, 3])])
        }
        #expect(missing.count == 1)
        #expect(missing.first?.contains(#"DELETE FROM "todo" WHERE "id" IN (3, 1)"#) == true)
    }
}
