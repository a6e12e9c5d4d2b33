import Testing
import SQLTestKit

@Suite("Transactions on a real connection")
struct TransactionTests {
    struct Boom: Error {}

    private func count(_ db: any DatabaseConnection) async throws -> SQLValue? {
        try await db.fetchOne("SELECT count(*) FROM t")?[0]
    }

    @Test func commitsOnSuccessAndRollsBackOnError() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        let returned = try await db.transaction { db in
            try await db.execute("INSERT INTO t VALUES (1)")
            return "done"
        }
        #expect(returned == "done")
        await #expect(throws: Boom.self) {
            try await db.transaction { db in
                try await db.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(try await count(db) == 1)
        #expect(db.transactionState.depth == 0)
    }

    @Test func nestedTransactionsAreSavepoints() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        try await db.transaction { db in
            try await db.execute("INSERT INTO t VALUES (1)")
            try? await db.transaction { db in
                try await db.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
            try await db.transaction { db in
                try await db.execute("INSERT INTO t VALUES (3)")
            }
        }
        #expect(try await db.fetchAll("SELECT x FROM t ORDER BY x").map { $0[0] } == [1, 3])
    }

    @Test func cancellationRollsBack() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        let task = Task {
            try await db.transaction { db in
                try await db.execute("INSERT INTO t VALUES (1)")
                withUnsafeCurrentTask { $0?.cancel() }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await count(db) == 0)
    }

    @Test func aFailedCommitIsRolledBackAndReported() async throws {
        let db = try await makeDatabase("""
            CREATE TABLE parent(id INTEGER PRIMARY KEY);
            CREATE TABLE child(parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let error = await expectError(QueryError.self) {
            _ = try await db.transaction { db in
                try await db.execute("INSERT INTO child VALUES (\(42))")
            }
        }
        #expect(error?.code == .constraintForeignKey)
        #expect(error?.sql == "COMMIT")
        #expect(error?.suggestion == "the commit failed, so the transaction was rolled back; nothing it did was kept")
        #expect(try await db.fetchOne("SELECT count(*) FROM child")?[0] == 0)
        // The connection is usable, outside any transaction.
        try await db.transaction { db in try await db.execute("INSERT INTO parent VALUES (1)") }
        #expect(try await db.fetchOne("SELECT count(*) FROM parent")?[0] == 1)
    }

    @Test func aConnectionWhoseRollbackFailedRefusesEveryLaterStatement() async throws {
        // Were it to go on, its statements would run outside the transaction they belong to.
        let mock = MockDriver()
        mock.script("ROLLBACK", answer: .error(.ioError, message: "disk I/O error"))
        let db = try await mock.connect()
        await #expect(throws: Boom.self) {
            try await db.transaction { _ in throw Boom() }
        }
        let expected = "this connection cannot be used any more: rolling back after Boom() failed: SQLITE_IOERR (10): disk I/O error\n  SQL: ROLLBACK"
        // Every way in is refused, the fetch conveniences included.
        let fromExecute = await expectError(QueryError.self) { try await db.execute("SELECT 1") }
        let fromFetchAll = await expectError(QueryError.self) { _ = try await db.fetchAll("SELECT 2") }
        let fromFetchOne = await expectError(QueryError.self) { _ = try await db.fetchOne("SELECT 3") }
        for error in [fromExecute, fromFetchAll, fromFetchOne] {
            #expect(error?.message == expected)
            #expect(error?.suggestion == "close it and open a new connection")
        }
        #expect(fromFetchOne?.sql == "SELECT 3")
        #expect(mock.log.statements.map(\.sql) == ["BEGIN", "ROLLBACK"])
    }

    @Test func testTransactionsAlwaysRollBackAndReturnTheResult() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        let seen = try await db.testTransaction { db in
            try await db.execute("INSERT INTO t VALUES (1)")
            try await db.transaction { db in try await db.execute("INSERT INTO t VALUES (2)") }
            return try await count(db)
        }
        #expect(seen == 2)
        #expect(try await count(db) == 0)
    }

    @Test func rawTransactionControlInsideATestTransactionBecomesSavepoints() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        try await db.beginTestTransaction()
        try await db.execute("BEGIN")
        try await db.execute("INSERT INTO t VALUES (1)")
        try await db.execute("COMMIT")
        try await db.execute("BEGIN IMMEDIATE")
        try await db.execute("INSERT INTO t VALUES (2)")
        try await db.execute("ROLLBACK")
        #expect(try await count(db) == 1)
        let stray = await expectError(QueryError.self) { try await db.execute("COMMIT") }
        #expect(stray?.message == "cannot commit - no transaction is active")
        let vacuum = await expectError(QueryError.self) { try await db.execute("VACUUM") }
        #expect(vacuum?.message == "cannot VACUUM from within a transaction")
        let pragma = await expectError(QueryError.self) { try await db.execute("PRAGMA foreign_keys = OFF") }
        #expect(pragma?.suggestion?.contains("before the test transaction begins") == true)
        try await db.endTestTransaction()
        #expect(try await count(db) == 0)
    }

    @Test func afterCommitCallbacksRunWhenTheOutermostTransactionCommits() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        let log = Log()
        try await db.testTransaction { db in
            try await db.transaction { db in
                try await db.transaction { db in
                    await db.afterCommit { await log.append("inner") }
                }
                #expect(await log.entries.isEmpty)
                await db.afterCommit { await log.append("outer") }
            }
            #expect(await log.entries == ["inner", "outer"])
            try? await db.transaction { db in
                await db.afterCommit { await log.append("rolled back") }
                throw Boom()
            }
        }
        #expect(await log.entries == ["inner", "outer"])
    }

    @Test func beginTestTransactionRefusesAnOpenTransaction() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        try await db.transaction { db in
            let error = await expectError(QueryError.self) { try await db.beginTestTransaction() }
            #expect(error?.message == "cannot begin a test transaction while a transaction is open")
        }
    }
}

actor Log {
    var entries: [String] = []
    func append(_ entry: String) { entries.append(entry) }
}
