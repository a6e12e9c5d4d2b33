import Foundation
import SQLTestKit
import Testing

/// Transaction control dressed up so a reader of the text could miss it must still be caught
/// inside test transactions, on every kind of connection, and nothing may reach the file.
@Suite("Trust: hidden transaction control never escapes a test transaction")
struct HiddenTransactionControlTests {
    /// The ways a statement can be a COMMIT (or end the transaction) without starting with one.
    static let disguises = [
        "; COMMIT", ";;COMMIT", "/* c */ ; commit", "\n;\nEND", "END TRANSACTION", "commit transaction", "-- note\nCOMMIT",
        "CoMmIt", "; ; ; ; ; ; ; ; END", "ROLLBACK", " ;rollback transaction", "END;", "/* a */ /* b */ ;\t;COMMIT -- done",
    ]

    enum Kind: String, CaseIterable, Sendable { case plain, recording, routed }

    static func connect(_ kind: Kind, path: String) async throws -> any DatabaseConnection {
        let driver = SQLiteDriver(path: path)
        switch kind {
        case .plain: return try await driver.connect()
        case .recording: return try await RecordingDriver(wrapping: driver).connect()
        case .routed: return try await RoutedDriver(databases: ["default": driver]).connect()
        }
    }

    /// A file database with rows the test transactions must leave as they are.
    static func seed(_ path: String) async throws {
        let db = try await SQLiteDriver(path: path).connect()
        try await db.executeScript("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('kept'), ('also kept');")
        await db.close()
    }

    @Test(arguments: Kind.allCases)
    func disguisedCommitsInsideTestTransactionsCommitNothing(kind: Kind) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("trust-test.sqlite")
        try await Self.seed(path)
        let before = try DatabaseFile.dump(path)
        for disguise in Self.disguises {
            let db = try await Self.connect(kind, path: path)
            try await db.testTransaction { db in
                try await db.execute("DELETE FROM t")
                try await db.execute("INSERT INTO t(v) VALUES ('leaked')")
                let error = await expectError(QueryError.self) { try await db.execute(SQLQuery(sql: disguise)) }
                #expect(error?.message.hasPrefix("cannot ") == true, "\(disguise): \(String(describing: error))")
                try await db.execute("INSERT INTO t(v) VALUES ('leaked after')")
            }
            try await db.beginTestTransaction()
            try await db.execute("DELETE FROM t")
            _ = try? await db.execute(SQLQuery(sql: disguise))
            _ = try? await db.execute("INSERT INTO t(v) VALUES ('leaked')")
            try await db.endTestTransaction()
            await db.close()
            #expect(try DatabaseFile.dump(path) == before, "\(kind) \(disguise.debugDescription) changed the file")
        }
    }

    @Test(arguments: Kind.allCases)
    func aRawBeginAndADisguisedCommitBecomeASavepointAndItsRelease(kind: Kind) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("pair-test.sqlite")
        try await Self.seed(path)
        let before = try DatabaseFile.dump(path)
        let db = try await Self.connect(kind, path: path)
        let seen = try await db.testTransaction { db in
            try await db.execute("; begin transaction")
            try await db.execute("INSERT INTO t(v) VALUES ('inside')")
            try await db.execute("/* done */ ; END")
            return try await db.fetchOne("SELECT count(*) FROM t")?[0]
        }
        #expect(seen == 3)   // the code saw its own commit
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test(arguments: Kind.allCases)
    func scriptsWithCommitsInsideATestTransactionCommitNothing(kind: Kind) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("script-test.sqlite")
        try await Self.seed(path)
        let before = try DatabaseFile.dump(path)
        let db = try await Self.connect(kind, path: path)
        try await db.testTransaction { db in
            let error = await expectError(QueryError.self) {
                try await db.executeScript("DELETE FROM t;; COMMIT; INSERT INTO t(v) VALUES ('after');")
            }
            #expect(error?.message == "cannot commit - no transaction is active")
        }
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func savepointsOfTheTestItselfCannotBeReleasedOrRolledBackTo() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("savepoint-test.sqlite")
        try await Self.seed(path)
        let before = try DatabaseFile.dump(path)
        let db = try await SQLiteDriver(path: path).connect()
        // A test transaction inside a transaction the code commits: the test level is a savepoint.
        try await db.transaction { db in
            try await db.testTransaction { db in
                try await db.execute("DELETE FROM t")
                for hostile in ["RELEASE sqltestkit_test_2", "release savepoint \"SQLTESTKIT_TEST_2\"", "ROLLBACK TO sqltestkit_test_2",
                                "RELEASE nothing_opened", "; RELEASE sqltestkit_tx_1"] {
                    let error = await expectError(QueryError.self) { try await db.execute(SQLQuery(sql: hostile)) }
                    #expect(error?.message.contains("names no savepoint that the code under test opened inside this test transaction") == true, "\(hostile)")
                }
                // The code's own savepoints work as SQLite's do.
                try await db.execute("SAVEPOINT mine")
                try await db.execute("INSERT INTO t(v) VALUES ('in savepoint')")
                try await db.execute("ROLLBACK TO mine")
                try await db.execute("INSERT INTO t(v) VALUES ('released')")
                try await db.execute("RELEASE SAVEPOINT Mine")
                #expect(try await db.fetchAll("SELECT v FROM t").map { $0[0] } == ["released"])
            }
        }
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func aCommitAfterTheCodesOwnSavepointsClosesThemAll() async throws {
        let db = try await makeDatabase("CREATE TABLE t(v)")
        try await db.testTransaction { db in
            try await db.execute("BEGIN")
            try await db.execute("SAVEPOINT a")
            try await db.execute("INSERT INTO t VALUES (1)")
            try await db.execute("SAVEPOINT b")
            #expect(db.transactionState.depth == 4)
            try await db.execute("COMMIT")
            #expect(db.transactionState.depth == 1)
            #expect(try await db.fetchOne("SELECT count(*) FROM t")?[0] == 1)
        }
        #expect(try await db.fetchOne("SELECT count(*) FROM t")?[0] == 0)
    }

    @Test func theTextReaderSeesThroughEveryDisguise() {
        for disguise in Self.disguises {
            #expect(StatementKind(sql: disguise).isTransactionControl, "\(disguise.debugDescription)")
        }
        #expect(StatementKind(sql: ";; ROLLBACK TRANSACTION TO SAVEPOINT \"x y\"") == .transaction(.rollbackToSavepoint("x y")))
        #expect(StatementKind(sql: "; release savepoint sp") == .transaction(.release("sp")))
        #expect(StatementKind(sql: "/* x */ ;ROLLBACK WORK") == .transaction(.rollback))
        #expect(StatementKind(sql: "; SELECT 1") == .select)
    }
}
