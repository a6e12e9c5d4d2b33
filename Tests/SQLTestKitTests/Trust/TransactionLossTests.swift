import Foundation
import SQLTestKit
import Testing

/// SQLite can roll back a whole transaction by itself. After that, nothing may run outside
/// the transaction it was written for: the connection refuses statements until it is rolled back.
@Suite("Trust: SQLite ending a transaction by itself")
struct TransactionLossTests {
    static let schema = """
        CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE);
        CREATE TABLE strict(id INTEGER PRIMARY KEY, code TEXT UNIQUE ON CONFLICT ROLLBACK, note TEXT NOT NULL ON CONFLICT ROLLBACK);
        CREATE TABLE guarded(id INTEGER PRIMARY KEY, v INTEGER);
        CREATE TRIGGER no_negatives BEFORE INSERT ON guarded WHEN NEW.v < 0 BEGIN SELECT RAISE(ROLLBACK, 'negative values are not allowed'); END;
        INSERT INTO t(v) VALUES ('a'), ('b');
        INSERT INTO strict(code, note) VALUES ('x', 'first');
        INSERT INTO guarded(v) VALUES (1);
        """

    /// Statements that make SQLite roll back the whole transaction.
    static let rollers = [
        "INSERT OR ROLLBACK INTO t(v) VALUES ('a')",
        "UPDATE OR ROLLBACK t SET v = 'a' WHERE v = 'b'",
        "INSERT INTO strict(code, note) VALUES ('x', 'again')",
        "INSERT INTO strict(code, note) VALUES ('y', NULL)",
        "INSERT INTO guarded(v) VALUES (-5)",
        "/* hidden */ insert or rollback into t(v) values ('b')",
    ]

    static func file(_ scratch: ScratchDirectory) async throws -> String {
        let path = scratch.file("loss-test.sqlite")
        let db = try await SQLiteDriver(path: path).connect()
        try await db.executeScript(schema)
        await db.close()
        return path
    }

    @Test(arguments: rollers)
    func aTestTransactionSQLiteRolledBackRefusesEveryLaterStatement(roller: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try await Self.file(scratch)
        let before = try DatabaseFile.dump(path)
        let db = try await SQLiteDriver(path: path).connect()
        try await db.testTransaction { db in
            try await db.execute("INSERT INTO t(v) VALUES ('test row')")
            try await db.execute("UPDATE strict SET note = 'changed'")
            try await db.execute("DELETE FROM guarded")
            let failure = await expectError(QueryError.self) { try await db.execute(SQLQuery(sql: roller)) }
            #expect(failure?.message.hasSuffix(" - and SQLite rolled back the whole transaction") == true, "\(String(describing: failure))")
            #expect(failure?.suggestion?.contains("refuses every statement until the transaction is rolled back") == true)
            // Without the refusal, these would run in autocommit and be kept.
            for later in ["DELETE FROM t", "INSERT INTO t(v) VALUES ('leaked')", "DROP TABLE guarded", "BEGIN", "SELECT 1"] {
                let refused = await expectError(QueryError.self) { try await db.execute(SQLQuery(sql: later)) }
                #expect(refused?.code == .abort)
                #expect(refused?.message.hasPrefix("refusing to run this statement: the transaction it belongs to was rolled back by SQLite when `") == true)
            }
            await #expect(throws: QueryError.self) { try await db.executeScript("DELETE FROM t; DELETE FROM guarded;") }
        }
        // The test transaction's own rollback clears the refusal: the connection works again.
        #expect(try await db.fetchOne("SELECT count(*) FROM t")?[0] == 2)
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test(arguments: rollers)
    func beginTestTransactionSurvivesItToo(roller: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try await Self.file(scratch)
        let before = try DatabaseFile.dump(path)
        let db = try await RecordingDriver(wrapping: SQLiteDriver(path: path)).connect()
        try await db.beginTestTransaction()
        _ = try? await db.execute("DELETE FROM guarded")
        _ = try? await db.execute(SQLQuery(sql: roller))
        // Careless code that swallows errors and goes on.
        _ = try? await db.execute("DELETE FROM t")
        _ = try? await db.execute("INSERT INTO guarded(v) VALUES (7)")
        _ = try? await db.transaction { db in try await db.execute("DELETE FROM strict") }
        try await db.endTestTransaction()
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func aTransactionBlockRollsBackAndTheConnectionIsUsableAgain() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try await Self.file(scratch)
        let db = try await SQLiteDriver(path: path).connect()
        await #expect(throws: QueryError.self) {
            try await db.transaction { db in
                try await db.execute("DELETE FROM guarded")
                try await db.transaction { db in try await db.execute("INSERT INTO guarded(v) VALUES (-1)") }
            }
        }
        #expect(try await db.fetchOne("SELECT count(*) FROM guarded")?[0] == 1)
        try await db.execute("INSERT INTO guarded(v) VALUES (2)")
        #expect(try await db.fetchOne("SELECT count(*) FROM guarded")?[0] == 2)
        await db.close()
    }

    @Test func aScriptStopsAtTheStatementThatEndedTheTransaction() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try await Self.file(scratch)
        let before = try DatabaseFile.dump(path)
        let db = try await SQLiteDriver(path: path).connect()
        let error = await expectError(QueryError.self) {
            try await db.transaction { db in
                try await db.executeScript("DELETE FROM guarded; INSERT OR ROLLBACK INTO strict(code, note) VALUES ('x', 'dup'); DELETE FROM guarded;")
            }
        }
        #expect(error?.message == "UNIQUE constraint failed: strict.code - and SQLite rolled back the whole transaction")
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func aFixtureLoadThatATriggerRollsBackKeepsNothing() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try await Self.file(scratch)
        let before = try DatabaseFile.dump(path)
        let db = try await SQLiteDriver(path: path).connect()
        let fixtures = try FixtureSet(files: [
            "t.csv": "v\nc\nd\n",
            "guarded.csv": "v\n" + (1...1500).map(String.init).joined(separator: "\n") + "\n-3\n4\n5\n",
        ])
        await #expect(throws: QueryError.self) { try await fixtures.load(into: db) }
        // Usable again, and nothing of the load is on disk.
        #expect(try await db.fetchOne("SELECT count(*) FROM guarded")?[0] == 1)
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func aCommitThatFindsNoTransactionLeftDoesNotClaimNothingWasKept() async throws {
        let db = try await makeDatabase("CREATE TABLE t(v)")
        // Outside a test transaction, a script may commit: here it ends the block's transaction.
        let error = await expectError(QueryError.self) {
            try await db.transaction { db in try await db.executeScript("INSERT INTO t VALUES (1); COMMIT;") }
        }
        #expect(error?.message == "cannot commit - no transaction is active")
        #expect(error?.suggestion?.hasPrefix("the commit failed and there was no transaction left to roll back") == true)
        #expect(try await makeDatabase().fetchOne("SELECT 1") != nil)
    }
}
