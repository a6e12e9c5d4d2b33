import Testing
import SQLTestKit

@Suite("The mock driver: expectations, counts, ordering, strictness")
struct MockVerificationTests {
    @Test func countsAreEnforced() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        mock.expect("SELECT 1", count: .times(2))
        mock.expect("SELECT 2", count: .never)
        mock.expect("SELECT 3", count: .always)
        mock.expect("SELECT 4")
        try await db.execute("SELECT 1")
        try await db.execute("SELECT 1")
        try await db.execute("SELECT 1")
        await #expect(throws: MockMismatch.self) { try await db.execute("SELECT 2") }
        try await db.execute("SELECT 4")
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        let problems = error?.problems ?? []
        #expect(problems.count == 2)
        #expect(problems[0].description.hasPrefix("SQLTestKitTests/MockVerificationTests.swift:9: expected 2 times, but it ran again as statement #3"))
        #expect(problems[1].description.hasPrefix("SQLTestKitTests/MockVerificationTests.swift:10: a statement declared never to run ran as #4"))
    }

    @Test func verifyListsEveryUnmetExpectationWithItsLine() async throws {
        let mock = MockDriver()
        mock.script("SELECT a FROM t", rows: [])
        mock.expect("DELETE FROM t", count: .times(2))
        _ = try await mock.connect().execute("DELETE FROM t")
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(error?.description == """
            mock verification failed with 2 problems:

            1. SQLTestKitTests/MockVerificationTests.swift:27: expected at least once, but it never ran:
              SELECT a FROM t

            2. SQLTestKitTests/MockVerificationTests.swift:28: expected 2 times, but it ran 1 time:
              DELETE FROM t
            """)
    }

    @Test func orderedGroupsRefuseStatementsThatJumpTheQueue() async throws {
        let mock = MockDriver(strict: true)
        mock.expectInOrder {
            MockExpectation("BEGIN")
            MockExpectation("UPDATE account SET balance = balance - ? WHERE id = ?", arguments: [100, 1])
            MockExpectation("UPDATE account SET balance = balance + ? WHERE id = ?", arguments: [100, 2])
            MockExpectation("COMMIT")
        }
        let db = try await mock.connect()
        let error = await expectError(MockMismatch.self) {
            _ = try await db.transaction { db in
                try await db.execute("UPDATE account SET balance = balance + \(100) WHERE id = \(2)")
            }
        }
        #expect(error?.description.contains("ran out of order") == true)
        #expect(error?.description.contains("but the group was still waiting for (declared at SQLTestKitTests/MockVerificationTests.swift:46)") == true)
        // The transaction was rolled back, and logged as such.
        #expect(mock.takeSQLs() == ["BEGIN", "UPDATE account SET balance = balance + 100 WHERE id = 2", "ROLLBACK"])
    }

    @Test func orderedGroupsPassWhenTheOrderIsKept() async throws {
        let mock = MockDriver(dialect: .postgres, strict: true)
        mock.expectInOrder {
            MockExpectation("BEGIN")
            MockExpectation("UPDATE account SET balance = balance - $1 WHERE id = $2", arguments: [100, 1])
            MockExpectation("UPDATE account SET balance = balance + $1 WHERE id = $2", arguments: [100, 2])
            MockExpectation("COMMIT")
        }
        let db = try await mock.connect()
        try await db.transaction { db in
            try await db.execute("UPDATE account SET balance = balance - \(100) WHERE id = \(1)")
            try await db.execute("UPDATE account SET balance = balance + \(100) WHERE id = \(2)")
        }
        try mock.verify()
    }

    @Test func unorderedGroupsAcceptAnyOrder() async throws {
        let mock = MockDriver(strict: true)
        mock.expectInAnyOrder {
            MockExpectation("SELECT * FROM a")
            MockExpectation("SELECT * FROM b")
        }
        let db = try await mock.connect()
        try await db.execute("SELECT * FROM b")
        try await db.execute("SELECT * FROM a")
        try mock.verify()
    }

    @Test func strictModeRemembersSwallowedErrors() async throws {
        let mock = MockDriver(strict: true)
        let db = try await mock.connect()
        // Code under test that swallows every database error:
        _ = try? await db.execute("DELETE FROM user")
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(error?.problems.count == 1)
        #expect(error?.description.contains("unexpected statement #1 on connection 1 (strict mode):") == true)
    }

    @Test func strictModeNeverRefusesFrameworkNoise() async throws {
        let mock = MockDriver(strict: true)
        let db = try await mock.connect()
        try await db.execute("PRAGMA foreign_keys = ON")
        try await db.transaction { db in
            try await db.transaction { _ in }
        }
        try mock.verify()
        #expect(mock.takeSQLs() == ["PRAGMA foreign_keys = ON", "BEGIN", "SAVEPOINT sqltestkit_tx_1", "RELEASE sqltestkit_tx_1", "COMMIT"])
    }

    @Test func scriptedErrorsOnCommitRollBack() async throws {
        let mock = MockDriver()
        mock.script("COMMIT", answer: .foreignKeyViolation())
        let db = try await mock.connect()
        let error = await expectError(QueryError.self) {
            _ = try await db.transaction { db in try await db.execute("INSERT INTO book(author_id) VALUES (\(9))") }
        }
        #expect(error?.code == .constraintForeignKey)
        #expect(mock.takeSQLs() == ["BEGIN", "INSERT INTO book(author_id) VALUES (9)", "COMMIT", "ROLLBACK"])
    }

    @Test func verifyShowsTheStatementThatRanInsteadOfAnUnusedScript() async throws {
        let mock = MockDriver()
        mock.script("SELECT id, name FROM users WHERE id = 5", rows: [["id": 5, "name": "Joe"]])
        let db = try await mock.connect()
        _ = try await db.fetchAll("SELECT id, name FROM user WHERE id = \(5)")   // the typo: an empty answer, no error
        _ = try await db.execute("DELETE FROM sessions")
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(error?.problems.first?.description == """
            SQLTestKitTests/MockVerificationTests.swift:\(#line - 5): expected at least once, but it never ran:
              SELECT id, name FROM users WHERE id = 5
            closest statement that ran, #1 on connection 1:
              SELECT id, name FROM user WHERE id = 5
              first difference at token 6: scripted `users`, statement has `user`
                scripted:  SELECT id, name FROM users WHERE id = 5
                statement: SELECT id, name FROM user WHERE id = 5
                                                ^
            """)
    }
}

/// A mock nobody connected to sits where the code never looks: its failures say so.
@Suite("The mock driver: a mock nothing connected to")
struct MockNeverConnectedTests {
    @Test func verifyOnAMockNobodyConnectedToSaysSo() throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script("SELECT * FROM todos", rows: [])
        #expect(!mock.wasConnected)
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(error?.neverConnected == true)
        #expect(error?.description.hasSuffix(MockVerificationError.neverConnectedHint) == true)
        #expect(MockVerificationError.neverConnectedHint.hasPrefix("the mock was never connected: nothing sent it a statement"))
    }

    @Test func aConnectedMockFailsWithoutTheHint() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script("SELECT * FROM todos", rows: [])
        _ = try await mock.connect()
        #expect(mock.wasConnected)
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(error?.neverConnected == false)
        #expect(error?.description.contains("never connected") == false)
    }
}
