import Testing
import SQLTestKit
import SQLTestKitTesting
import SQLTestKitTestSupport

/// The assertions pass when they should, and their failure texts for the common mistakes are
/// pinned: the message is part of the product.
@Suite("SQL assertions")
struct AssertionTests {
    private func run(_ mock: MockDriver, _ statements: [SQLQuery]) async throws {
        let db = try await mock.connect()
        for statement in statements { try await db.execute(statement) }
    }

    @Test func aFailureOnAMockNobodyConnectedToSaysSo() async throws {
        let idle = MockDriver()
        let issues = CollectedIssues.during { assertSQL(idle, ["SELECT * FROM todos"]) }
        #expect(issues.count == 1)
        #expect(issues.first?.hasPrefix("assertSQL failed: 0 differing statements, 1 missing, 0 extra (expected 1, ran 0)") == true)
        #expect(issues.first?.hasSuffix(MockVerificationError.neverConnectedHint) == true)
        // A mock that was connected but ran nothing fails without the hint.
        let used = MockDriver()
        _ = try await used.connect()
        let plain = CollectedIssues.during { assertSQL(used, ["SELECT * FROM todos"]) }
        #expect(plain.first?.contains("never connected") == false)
    }

    @Test func passesOnMatchingStatementsUpToLayoutAndTakesThem() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        try await db.transaction { db in
            try await db.execute("UPDATE book SET title = \("Dune") WHERE id = \(1)")
        }
        assertSQL(mock, [.bound("update book set title = ? where \"id\" = ?", arguments: ["Dune", 1])])
        assertSQL(mock, [])   // taken: nothing new since
        try await db.execute("SELECT 1")
        assertSQL(mock, ["SELECT   1"])
    }

    @Test func aCommittedSnapshotMatches() async throws {
        // Compared with __SQLSnapshots__/AssertionTests/aCommittedSnapshotMatches.sql, checked in.
        let mock = MockDriver(dialect: .postgres)
        let db = try await mock.connect()
        try await db.transaction { db in
            _ = try await db.fetchAll("SELECT id, title FROM book WHERE author_id = \(7) AND title LIKE \("%Dune%")")
            try await db.execute("UPDATE book SET price = \(9.5) WHERE id = \(1)")
        }
        assertSQLSnapshot(mock)
    }

    /// The one test that lets a failure reach Swift Testing (the others collect theirs, so a
    /// green run prints no expected failures): SQLTestKitTesting's assertions fail the test.
    @Test func aFailingAssertionFailsTheTest() async throws {
        let mock = MockDriver()
        try await run(mock, ["SELECT 1"])
        withKnownIssue {
            assertSQL(mock, ["SELECT 2"])
        } matching: { issue in
            issue.description.contains("assertSQL failed: 1 differing statement")
        }
    }

    @Test func aChangedColumn() async throws {
        let mock = MockDriver()
        try await run(mock, ["SELECT id, titel FROM book"])
        expectFailure {
            assertSQL(mock, ["SELECT id, title FROM book"])
        } matching: { issue in
            issue.description.contains("""
                assertSQL failed: 1 differing statement, 0 missing, 0 extra (expected 1, ran 1)
                  ✗ 1. expected: SELECT id, title FROM book
                       actual:   SELECT id, titel FROM book
                       first difference at token 4: expected `title`, actual has `titel`
                """)
        }
    }

    @Test func aChangedArgument() async throws {
        let mock = MockDriver()
        try await run(mock, ["UPDATE book SET title = \("Dune") WHERE id = \(2)"])
        expectFailure {
            assertSQL(mock, [.bound("UPDATE book SET title = ? WHERE id = ?", arguments: ["Dune", 1])])
        } matching: { issue in
            issue.description.contains("""
                  ✗ 1. expected: UPDATE book SET title = 'Dune' WHERE id = 1
                       actual:   UPDATE book SET title = 'Dune' WHERE id = 2
                       the SQL matches; arguments expected [TEXT 'Dune', INTEGER 1], actual [TEXT 'Dune', INTEGER 2]
                """)
        }
    }

    @Test func aMissingWhere() async throws {
        let mock = MockDriver()
        try await run(mock, ["DELETE FROM review"])
        expectFailure {
            assertSQL(mock, ["DELETE FROM review WHERE book_id = 1"])
        } matching: { issue in
            issue.description.contains("first difference at token 4: expected `WHERE`, actual has nothing more")
        }
    }

    @Test func oneQueryTooManyAndAReorderedPairAreListedNotHidden() async throws {
        let mock = MockDriver()
        try await run(mock, ["SELECT * FROM b", "SELECT * FROM a", "SELECT * FROM c", "SELECT * FROM c"])
        expectFailure {
            assertSQL(mock, ["SELECT * FROM a", "SELECT * FROM b", "SELECT * FROM c"])
        } matching: { issue in
            issue.description.contains("""
                assertSQL failed: 0 differing statements, 1 missing, 2 extra (expected 3, ran 4)
                  − 1. missing:  SELECT * FROM a
                  ✓ 2. SELECT * FROM b
                  + 3. extra:    SELECT * FROM a
                  ✓ 4. SELECT * FROM c
                  + 5. extra:    SELECT * FROM c
                """)
        }
    }

    @Test func queryCountsListTheStatements() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        try await assertQueryCount(1, mock.log) { try await db.execute("SELECT 1") }
        await assertNoQueries(mock.log) { }
        await expectFailure {
            await assertQueryCount(1, mock.log) {
                try? await db.transaction { db in
                    try await db.execute("SELECT 1")
                    try await db.execute("SELECT \(2)")
                }
            }
        } matching: { issue in
            issue.description.contains("expected 1 statement, ran 2:\n  1. SELECT 1\n  2. SELECT 2")
        }
        await expectFailure {
            await assertNoQueries(mock.log) { _ = try? await db.execute("SELECT 3") }
        } matching: { issue in
            issue.description.contains("expected 0 statements, ran 1:\n  1. SELECT 3")
        }
    }

    @Test func nPlusOneNamesTheRepeatedShape() async throws {
        let mock = MockDriver()
        let db = try await mock.connect()
        try await assertNoNPlusOne(mock.log) {
            try await db.execute("SELECT * FROM author WHERE id IN (\(list: [1, 2, 3]))")
        }
        await expectFailure {
            await assertNoNPlusOne(mock.log) {
                _ = try? await db.execute("SELECT * FROM book")
                for id in 1...3 { _ = try? await db.execute("SELECT * FROM author WHERE id = \(id)") }
            }
        } matching: { issue in
            issue.description.contains("""
                N+1 pattern: a statement shape ran more than 1 time:
                  3× SELECT * FROM author WHERE id = ?
                load them in one statement (a JOIN or `IN (…)`) instead of one per row
                """)
        }
    }

    @Test func assertionsWorkOnARecordedRealDatabase() async throws {
        let driver = RecordingDriver(wrapping: SQLiteDriver.inMemory())
        let db = try await driver.connect()
        try await db.execute("CREATE TABLE t(x)")
        try await db.execute("INSERT INTO t VALUES (\(1))")
        assertSQL(driver.log, ["CREATE TABLE t(x)", "INSERT INTO t VALUES (1)"])
    }
}
