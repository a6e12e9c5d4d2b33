import Foundation
import SQLTestKit
import SQLTestKitSQLite
import Testing

/// Concurrent write transactions take turns instead of failing, a lock that never comes says
/// why, and the log shows the transaction depth statements really ran at, on every path.
@Suite("Trust: concurrent transactions and the log's depth")
struct ConcurrencyAndDepthTests {
    @Test func twentyConcurrentReadThenWriteTransactionsAllCommit() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("concurrent-test.sqlite")
        let driver = SQLiteDriver(path: path)
        let setup = try await driver.connect()
        try await setup.execute("CREATE TABLE counter(n INTEGER)")
        await setup.close()
        for round in 1...3 {
            let failures = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            let db = try await driver.connect()
                            defer { Task { await db.close() } }
                            try await db.transaction { db in
                                let seen = try await db.fetchOne("SELECT count(*) FROM counter")?.decode("count(*)", as: Int.self) ?? 0
                                try await db.execute("INSERT INTO counter(n) VALUES (\(seen))")
                            }
                            return 0
                        } catch {
                            return 1
                        }
                    }
                }
                return await group.reduce(0, +)
            }
            #expect(failures == 0, "round \(round)")
        }
        // Each transaction saw the rows of those before it: the counts are 0, 1, 2, … with no repeats.
        let db = try await driver.connect()
        let counts = try await db.fetchAll("SELECT n FROM counter ORDER BY n").map { try $0.decode("n", as: Int.self) }
        #expect(counts == Array(0..<60))
        await db.close()
    }

    @Test func aWriteLockThatNeverComesSaysWhyAndWhatToDo() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("busy-test.sqlite")
        var configuration = SQLiteDriver.Configuration()
        configuration.busyTimeout = .milliseconds(20)
        let driver = SQLiteDriver(path: path, configuration: configuration)
        let holder = try await driver.connect()
        try await holder.execute("CREATE TABLE t(v)")
        try await holder.execute("BEGIN IMMEDIATE")
        let waiter = try await driver.connect()
        let error = await expectError(QueryError.self) { try await waiter.transaction { db in _ = try await db.execute("INSERT INTO t VALUES (1)") } }
        #expect(error?.primaryCode == .busy)
        #expect(error?.sql == "BEGIN IMMEDIATE")
        #expect(error?.suggestion == "another connection held the database's write lock for longer than the busy timeout (20 ms); keep write transactions short, or raise SQLiteDriver.Configuration.busyTimeout")
        // A deferred transaction that read first is told why waiting did not help.
        configuration.transactionBehavior = .deferred
        let deferred = try await SQLiteDriver(path: path, configuration: configuration).connect()
        let upgrade = await expectError(QueryError.self) {
            try await deferred.transaction { db in
                _ = try await db.fetchAll("SELECT * FROM t")
                try await db.execute("INSERT INTO t VALUES (2)")
            }
        }
        #expect(upgrade?.suggestion?.hasPrefix("this transaction read before it wrote") == true, "\(String(describing: upgrade))")
        try await holder.execute("ROLLBACK")
        for db in [holder, waiter, deferred] { await db.close() }
    }

    @Test func statementsInsideARoutedTransactionAreLoggedAtTheirDepth() async throws {
        let inner = MockDriver(dialect: .sqlite)
        let recorded = RecordingDriver(wrapping: SQLiteDriver.inMemory())
        for driver in [RoutedDriver(databases: ["default": inner]), RoutedDriver(databases: ["default": recorded])] {
            let db = try await driver.connect()
            try await db.execute("CREATE TABLE IF NOT EXISTS t(x)")
            try await db.transaction { db in
                try await db.execute("INSERT INTO t VALUES (1)")
                try await db.transaction { db in _ = try await db.execute("INSERT INTO t VALUES (2)") }
            }
            await db.close()
        }
        for log in [inner.log, recorded.log] {
            let depths = log.statements.map { "\($0.transactionDepth) \($0.sql)" }
            #expect(depths == [
                "0 CREATE TABLE IF NOT EXISTS t(x)", depths.contains("1 BEGIN IMMEDIATE") ? "1 BEGIN IMMEDIATE" : "1 BEGIN",
                "1 INSERT INTO t VALUES (1)", "2 SAVEPOINT sqltestkit_tx_1", "2 INSERT INTO t VALUES (2)", "1 RELEASE sqltestkit_tx_1",
                "0 COMMIT",
            ])
        }
    }

    @Test func rawTransactionControlFromTheCodeCountsInTheDepth() async throws {
        let mock = MockDriver(dialect: .postgres)
        let db = try await mock.connect()
        try await db.execute("BEGIN")
        try await db.execute("SAVEPOINT a")
        try await db.execute("UPDATE t SET x = 1")
        try await db.execute("ROLLBACK TO a")
        try await db.execute("RELEASE a")
        try await db.execute("DELETE FROM t")
        try await db.execute("COMMIT")
        try await db.execute("SELECT 1")
        #expect(mock.log.statements.map(\.transactionDepth) == [1, 2, 2, 2, 1, 1, 0, 0])
    }
}
