import Testing
import SQLTestKit

@Suite("The mock driver: scripting and answers")
struct MockScriptingTests {
    @Test func toqlStyleScriptAndTake() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script("SELECT id, name FROM user WHERE id = 5", rows: [["id": 5, "name": "Joe"]])
        let db = try await mock.connect()
        let row = try await db.fetchOne("SELECT id, name FROM user WHERE id = \(5)")
        #expect(row?["name"] == "Joe")
        #expect(row?.columnNames == ["id", "name"])
        try await db.execute("DELETE FROM session WHERE user_id = \(5)")
        #expect(mock.takeSQL() == "SELECT id, name FROM user WHERE id = 5")
        #expect(mock.takeSQLs() == ["DELETE FROM session WHERE user_id = 5"])
        #expect(mock.takeSQLs().isEmpty)
        #expect(mock.log.statements.count == 2)
        try mock.verify()
    }

    @Test func exactMatchingAcceptsTheBoundFormWithArguments() async throws {
        let mock = MockDriver(strict: true)
        mock.script("SELECT * FROM user WHERE id = ?", arguments: [7], rows: [["id": 7]])
        mock.script("SELECT * FROM user WHERE id = ?", arguments: [.any], rows: [["id": 0]])
        let db = try await mock.connect()
        #expect(try await db.fetchOne("SELECT * FROM user WHERE id = \(7)")?["id"] == 7)
        #expect(try await db.fetchOne("SELECT * FROM user WHERE id = \(8)")?["id"] == 0)
        try mock.verify()
    }

    @Test func oneTextWithOtherArgumentsMatchesItsOwnExpandedScript() async throws {
        // The mock expands a statement from a template kept per SQL text: the template must
        // take each statement's own arguments, and leave a placeholder without one as written.
        for dialect in [DatabaseDialect.sqlite, .postgres, .mysql] {
            let mock = MockDriver(dialect: dialect, strict: true)
            mock.script("SELECT name FROM user WHERE id = 1 AND kind = 'a'", rows: [["name": "one"]])
            mock.script("SELECT name FROM user WHERE id = 2 AND kind = 'b'", rows: [["name": "two"]])
            let placeholder = dialect == .postgres ? "$2" : "?"
            mock.script(.exact("SELECT name FROM user WHERE id = 3 AND kind = \(placeholder)"), rows: [["name": "three"]])
            let db = try await mock.connect()
            let sql = "SELECT name FROM user WHERE id = ? AND kind = ?"
            #expect(try await db.fetchOne(SQLQuery(sql: sql, arguments: [2, "b"]))?["name"] == "two")
            #expect(try await db.fetchOne(SQLQuery(sql: sql, arguments: [1, "a"]))?["name"] == "one")
            #expect(try await db.fetchOne(SQLQuery(sql: sql, arguments: [3]))?["name"] == "three")
            #expect(mock.takeSQLs() == ["SELECT name FROM user WHERE id = 2 AND kind = 'b'", "SELECT name FROM user WHERE id = 1 AND kind = 'a'",
                                        "SELECT name FROM user WHERE id = 3 AND kind = \(placeholder)"])
            try mock.verify()
        }
    }

    @Test func argumentConditionsDescribeThemselves() async throws {
        let mock = MockDriver(strict: true)
        mock.script("SELECT * FROM user WHERE age > ?", arguments: [.matching("an adult age") { ($0.int64 ?? 0) >= 18 }], rows: [])
        let db = try await mock.connect()
        _ = try await db.fetchAll("SELECT * FROM user WHERE age > \(21)")
        let mismatch = await expectError(MockMismatch.self) { _ = try await db.fetchAll("SELECT * FROM user WHERE age > \(12)") }
        #expect(mismatch?.description.contains("argument 1: scripted an adult age, statement has INTEGER 12") == true)
    }

    @Test func normalizedMatchingIgnoresLayoutCaseQuotingAndPlaceholderStyle() async throws {
        let mock = MockDriver(dialect: .postgres, strict: true)
        mock.script(.normalized("select \"id\"\n  from book   where title = ? -- any comment"), rows: [["id": 1]])
        let db = try await mock.connect()
        #expect(try await db.fetchOne("SELECT id FROM book WHERE title = \("Dune")")?["id"] == 1)
        // String literals and identifier spelling still matter.
        mock.script(.normalized("SELECT id FROM book WHERE title = 'Dune'"), rows: [["id": 2]])
        #expect(try await db.fetchOne("SELECT id FROM book WHERE title = 'Dune'")?["id"] == 2)
        await #expect(throws: MockMismatch.self) { try await db.execute("SELECT id FROM Book WHERE title = 'Dune'") }
    }

    @Test func regexMatchingIsOptInAndSearchesBothForms() async throws {
        let mock = MockDriver(strict: true)
        mock.script(try .regex(#"^SELECT .* FROM audit WHERE user_id = 4\d$"#), rows: [["n": 1]])
        let db = try await mock.connect()
        #expect(try await db.fetchOne("SELECT count(*) FROM audit WHERE user_id = \(42)")?["n"] == 1)
        #expect(throws: (any Error).self) { _ = try StatementMatcher.regex("(unclosed") }
        // Without .regex, a pattern is plain text: nothing has to be escaped.
        mock.script("SELECT (a * 2) FROM t WHERE b = '$1?'", rows: [["x": 1]])
        #expect(try await db.fetchOne("SELECT (a * 2) FROM t WHERE b = '$1?'")?["x"] == 1)
    }

    @Test func predicateMatching() async throws {
        let mock = MockDriver(strict: true)
        mock.script(.predicate("writes to audit") { $0.kind.isWrite && $0.sql.contains("audit") }, answer: .affected(3))
        let db = try await mock.connect()
        #expect(try await db.execute("DELETE FROM audit").rowsAffected == 3)
    }

    @Test func rowsFromCSVBehaveLikeRealRows() async throws {
        let mock = MockDriver()
        mock.script("SELECT * FROM author", answer: try .csv(#"""
            id,name,score,note
            1,Ada,9.5,
            2,"Hopper, Grace",,"said ""hi"""
            """#))
        let rows = try await mock.connect().fetchAll("SELECT * FROM author")
        #expect(rows.map(\.description) == ["[id: 1, name: 'Ada', score: 9.5, note: NULL]",
                                            "[id: 2, name: 'Hopper, Grace', score: NULL, note: 'said \"hi\"']"])
        struct Author: Decodable { var id: Int; var name: String; var score: Double? }
        #expect(try rows[1].decode(Author.self).name == "Hopper, Grace")
    }

    @Test func badCSVNamesTheLine() {
        let error = #expect(throws: (any Error).self) { _ = try MockAnswer.csv("id,name\n1,Ada\n2\n") }
        #expect("\(error!)" == "line 3: this row has 1 fields but the header has 2")
        let quote = #expect(throws: (any Error).self) { _ = try MockAnswer.csv("id,name\n1,\"Ada\n") }
        #expect("\(quote!)" == "line 2: a quoted field is never closed")
    }

    @Test func insertsGetPerTableKeysUnlessScripted() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        #expect(try await db.execute("INSERT INTO book(title) VALUES (\("A"))").lastInsertID == 1)
        #expect(try await db.execute("INSERT INTO book(title) VALUES (\("B"))").lastInsertID == 2)
        #expect(try await db.execute("INSERT INTO \"author\"(name) VALUES (\("C"))").lastInsertID == 1)
        mock.script("INSERT INTO book(title) VALUES ('C')", answer: .affected(1, lastInsertID: 40))
        #expect(try await db.execute("INSERT INTO book(title) VALUES (\("C"))").lastInsertID == 40)
        #expect(try await db.execute("INSERT INTO book(title) VALUES (\("D"))").lastInsertID == 41)
        #expect(try await db.execute("UPDATE book SET title = 'x'").rowsAffected == 0)
        #expect(try await db.fetchAll("SELECT * FROM book").isEmpty)
    }

    @Test func returningRowsAreScriptedLikeAnySelect() async throws {
        let mock = MockDriver(dialect: .postgres)
        mock.script("INSERT INTO book(title) VALUES ($1) RETURNING id", rows: [["id": 9]])
        let result = try await mock.connect().execute("INSERT INTO book(title) VALUES (\("Dune")) RETURNING id")
        #expect(result.rows.first?["id"] == 9)
        #expect(result.rowsAffected == 1)
    }

    @Test func errorsLookLikeTheRealDatabases() async throws {
        let mock = MockDriver()
        mock.script("INSERT INTO user(email) VALUES (?)", answer: .uniqueViolation(table: "user", column: "email"))
        let db = try await mock.connect()
        do {
            try await db.execute("INSERT INTO user(email) VALUES (\("a@b.c"))")
            Issue.record("expected an error")
        } catch QueryError.Code.constraintUnique {}
        let error = await expectError(QueryError.self) { try await db.execute("INSERT INTO user(email) VALUES (\("a@b.c"))") }
        #expect(error?.message == "UNIQUE constraint failed: user.email")
        #expect(error?.sql == "INSERT INTO user(email) VALUES (?)")
        #expect(error?.arguments == ["a@b.c"])
        // The same catch works against the real driver.
        let real = try await makeDatabase("CREATE TABLE user(email TEXT UNIQUE)")
        try await real.execute("INSERT INTO user(email) VALUES (\("a@b.c"))")
        let realError = await expectError(QueryError.self) { try await real.execute("INSERT INTO user(email) VALUES (\("a@b.c"))") }
        #expect(realError?.code == error?.code)
        #expect(realError?.message == error?.message)
    }

    @Test func sequencesAnswerInTurnAndTheLastRepeats() async throws {
        let mock = MockDriver()
        mock.script("SELECT * FROM job", answers: [.rows([["id": 1]]), .error(.busy)], count: .always)
        let db = try await mock.connect()
        #expect(try await db.fetchAll("SELECT * FROM job").count == 1)
        let busy = await expectError(QueryError.self) { _ = try await db.fetchAll("SELECT * FROM job") }
        #expect(busy?.code == .busy)
        #expect(busy?.message == "database is locked")
        await #expect(throws: QueryError.self) { _ = try await db.fetchAll("SELECT * FROM job") }
    }

    @Test func oneAnswerServesWhicheverMethodRuns() async throws {
        let mock = MockDriver()
        mock.script("SELECT name FROM user", rows: [["name": "Ada"], ["name": "Grace"]])
        let db = try await mock.connect()
        #expect(try await db.fetchAll("SELECT name FROM user").count == 2)
        #expect(try await db.fetchOne("SELECT name FROM user")?["name"] == "Ada")
        #expect(try await db.execute("SELECT name FROM user").rows.count == 2)
        #expect(try await db.fetchAll(String.self, "SELECT name FROM user") == ["Ada", "Grace"])
    }

    @Test func fetchOneCountsUsesAndKeysLikeExecute() async throws {
        // fetchOne reads a plain answer's first row in place; it must still count the use,
        // log the statement, and let an INSERT … RETURNING take the next key.
        let mock = MockDriver(strict: true)
        mock.script("SELECT name FROM user WHERE id = ?", rows: [["name": "Ada"], ["name": "Grace"]], count: .times(2))
        mock.script("INSERT INTO user(name) VALUES (?) RETURNING id", rows: [["id": 1]], count: .always)
        let db = try await mock.connect()
        #expect(try await db.fetchOne("SELECT name FROM user WHERE id = \(1)")?["name"] == "Ada")
        #expect(try await db.fetchOne("SELECT name FROM user WHERE id = \(2)")?["name"] == "Ada")
        await #expect(throws: MockMismatch.self) { _ = try await db.fetchOne("SELECT name FROM user WHERE id = \(3)") }
        #expect(try await db.fetchOne("INSERT INTO user(name) VALUES (\("Ada")) RETURNING id")?["id"] == 1)
        #expect(try await db.execute("INSERT INTO user(name) VALUES (\("Grace")) RETURNING id").lastInsertID == 2)
        #expect(mock.takeSQLs() == [
            "SELECT name FROM user WHERE id = 1", "SELECT name FROM user WHERE id = 2", "SELECT name FROM user WHERE id = 3",
            "INSERT INTO user(name) VALUES ('Ada') RETURNING id", "INSERT INTO user(name) VALUES ('Grace') RETURNING id",
        ])
        #expect(mock.problems.map(\.description) == [
            "SQLTestKitTests/MockScriptingTests.swift:176: expected 2 times, but it ran again as statement #3:\n  SELECT name FROM user WHERE id = ?\n  ran: SELECT name FROM user WHERE id = 3",
        ])
    }

    @Test func anUnscriptedInsertReturnsItsRowUnderTheNamesAskedFor() async throws {
        // An alias names the column; a qualified name reads the column; the first column
        // the insert did not set is the generated key.
        let db = try await MockDriver().connect()
        let row = try #require(try await db.fetchOne(
            "INSERT INTO book AS b (title, year) VALUES (\("Dune"), 1965) RETURNING b.id, title AS name, b.year AS published, note"))
        #expect(row.columns.names == ["id", "name", "published", "note"])
        #expect(row.values == [.integer(1), .text("Dune"), .integer(1965), .null])
        let star = try #require(try await db.fetchOne("INSERT INTO book (id, title) VALUES (NULL, \("Emma")) RETURNING *"))
        #expect(star.columns.names == ["id", "title"])
        #expect(star.values == [.integer(2), .text("Emma")])
    }

    @Test func closedConnectionsRefuse() async throws {
        let db = try await MockDriver().connect()
        await db.close()
        let error = await expectError(QueryError.self) { try await db.execute("SELECT 1") }
        #expect(error?.message == "the connection is closed")
    }
}
