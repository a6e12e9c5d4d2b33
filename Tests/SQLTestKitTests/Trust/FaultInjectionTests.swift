import Foundation
import SQLTestKit
import Synchronization
import Testing

/// Randomised test transactions of hostile statements against a file database: whatever they
/// send, no row is ever left behind and none is lost.
@Suite("Trust: fault injection")
struct FaultInjectionTests {
    static let schema = """
        CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE);
        CREATE TABLE strict(id INTEGER PRIMARY KEY, code TEXT UNIQUE ON CONFLICT ROLLBACK);
        CREATE TABLE guarded(id INTEGER PRIMARY KEY, v INTEGER);
        CREATE TRIGGER no_negatives BEFORE INSERT ON guarded WHEN NEW.v < 0 BEGIN SELECT RAISE(ROLLBACK, 'negative'); END;
        CREATE TABLE parent(id INTEGER PRIMARY KEY);
        CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
        INSERT INTO t(v) VALUES ('a'), ('b'), ('c');
        INSERT INTO strict(code) VALUES ('x');
        INSERT INTO guarded(v) VALUES (1), (2);
        INSERT INTO parent(id) VALUES (1), (2);
        INSERT INTO child(parent_id) VALUES (1), (2);
        """

    /// Statements careless or hostile code under test might send.
    static let hostile: [String] = [
        "COMMIT", "; COMMIT", ";;commit transaction", "/* c */ ; END", "\n;\nEND", "END TRANSACTION", "ROLLBACK", " ; rollback",
        "BEGIN", "BEGIN IMMEDIATE", "; begin exclusive transaction",
        "RELEASE sqltestkit_test_1", "RELEASE sqltestkit_begin_1", "ROLLBACK TO sqltestkit_tx_1", "release savepoint SQLTESTKIT_TEST_2",
        "SAVEPOINT mine", "RELEASE mine", "ROLLBACK TO mine",
        "INSERT OR ROLLBACK INTO t(v) VALUES ('a')", "UPDATE OR ROLLBACK t SET v = 'a' WHERE v = 'b'",
        "INSERT INTO strict(code) VALUES ('x')", "INSERT INTO guarded(v) VALUES (-1)",
        "DELETE FROM parent", "INSERT INTO child(parent_id) VALUES (99)",
        "SELECT 1\u{0}; DELETE FROM t", "PRAGMA foreign_keys = OFF", "VACUUM", "ATTACH ':memory:' AS other",
        "DROP TABLE child", "DELETE FROM t; COMMIT", "EXPLAIN COMMIT",
    ]

    /// Ordinary writes, which must vanish with the test.
    static let writes: [String] = [
        "DELETE FROM t", "INSERT INTO t(v) VALUES ('test ' || random())", "UPDATE t SET v = v || '!'", "DELETE FROM child",
        "INSERT INTO guarded(v) VALUES (abs(random()) % 100)", "UPDATE strict SET code = 'changed'", "INSERT INTO parent DEFAULT VALUES",
    ]

    static let scripts: [String] = [
        "DELETE FROM t; COMMIT; DELETE FROM guarded;", "INSERT INTO t(v) VALUES ('s'); ;; END; INSERT INTO t(v) VALUES ('s2');",
        "DELETE FROM strict; INSERT OR ROLLBACK INTO t(v) VALUES ('c'); DELETE FROM parent;",
    ]

    enum Kind: CaseIterable { case plain, recording, routed }

    /// Counts shared by the test bodies (which may throw, losing a returned value).
    final class Tally: Sendable {
        private let counts = Mutex((attacks: 0, faults: 0))
        func attack() { counts.withLock { $0.attacks += 1 } }
        func fault() { counts.withLock { $0.faults += 1 } }
        var attacks: Int { counts.withLock { $0.attacks } }
        var faultsSurvived: Int { counts.withLock { $0.faults } }
    }

    @Test func hostileTestTransactionsNeverLeaveARowBehind() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("fault-test.sqlite")
        let setup = try await SQLiteDriver(path: path).connect()
        try await setup.executeScript(Self.schema)
        await setup.close()
        let before = try DatabaseFile.dump(path)

        var generator = SeededGenerator(seed: 14)
        let tally = Tally()
        // SQLTESTKIT_FAULT_TRANSACTIONS runs more (the README quotes a long run).
        let transactions = ProcessInfo.processInfo.environment["SQLTESTKIT_FAULT_TRANSACTIONS"].flatMap { Int($0) } ?? 1_000
        var outerErrors: [String: Int] = [:]
        var connections: [any DatabaseConnection] = []
        for kind in Kind.allCases { connections.append(try await HiddenTransactionControlTests.connect(kind == .plain ? .plain : kind == .recording ? .recording : .routed, path: path)) }
        for _ in 0..<transactions {
            let db = connections.randomElement(using: &generator)!
            let actions = (0..<Int.random(in: 2...12, using: &generator)).map { _ in Int.random(in: 0..<100, using: &generator) }
            let seeds = actions.map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) }
            let useBegin = Bool.random(using: &generator)
            let failTheTest = Int.random(in: 0..<5, using: &generator) == 0
            let body: @Sendable (any DatabaseConnection) async throws -> Void = { db in
                for (action, seed) in zip(actions, seeds) {
                    var pick = SeededGenerator(seed: seed)
                    do {
                        switch action {
                        case 0..<40:
                            tally.attack()
                            try await db.execute(SQLQuery(sql: Self.hostile.randomElement(using: &pick)!))
                        case 40..<75:
                            try await db.execute(SQLQuery(sql: Self.writes.randomElement(using: &pick)!))
                        case 75..<85:
                            tally.attack()
                            try await db.executeScript(Self.scripts.randomElement(using: &pick)!)
                        default:
                            // The code's own transaction, with an attack inside, sometimes failing.
                            tally.attack()
                            let attack = Self.hostile.randomElement(using: &pick)!
                            let fails = Bool.random(using: &pick)
                            try await db.transaction { db in
                                try await db.execute("DELETE FROM guarded")
                                try await db.execute(SQLQuery(sql: attack))
                                if fails { throw CancellationError() }
                            }
                        }
                    } catch {
                        tally.fault()
                    }
                }
                if failTheTest { throw CancellationError() }
            }
            do {
                if useBegin {
                    try await db.beginTestTransaction()
                    do { try await body(db) } catch { tally.fault() }
                    try await db.endTestTransaction()
                } else {
                    try await db.testTransaction(body)
                }
            } catch is CancellationError {
                tally.fault()
            } catch {
                outerErrors["\(error)", default: 0] += 1
            }
        }
        // Only the tests' own failures end a test transaction with an error; SQLTestKit's
        // begin and end never fail.
        #expect(outerErrors.isEmpty, "\(outerErrors)")
        for db in connections { await db.close() }
        let after = try DatabaseFile.dump(path)
        let beforeRows = Set(before.split(separator: "\n")), afterRows = Set(after.split(separator: "\n"))
        let leaked = afterRows.subtracting(beforeRows).count, lost = beforeRows.subtracting(afterRows).count
        #expect(leaked == 0)
        #expect(lost == 0)
        #expect(after == before)
        #expect(tally.attacks > transactions * 2)
        #expect(tally.faultsSurvived > transactions * 2)
        if ProcessInfo.processInfo.environment["SQLTESTKIT_REPORT"] != nil {
            print("fault injection: \(transactions) test transactions, \(tally.attacks) attacks, \(tally.faultsSurvived) faults survived, \(leaked) rows left behind, \(lost) rows lost")
        }
    }
}
