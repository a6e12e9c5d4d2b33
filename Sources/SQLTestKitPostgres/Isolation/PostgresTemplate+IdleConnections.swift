#if PostgreSQL
import SQLTestKit
import Synchronization

extension PostgresTemplate {
    /// Connections of finished transaction-mode tests, rolled back and reset with
    /// `DISCARD ALL`, by database: the next test on that database takes one instead of opening
    /// a session. Opening one costs the server a new backend process (5–8 ms here; the
    /// Vapor-style suite in Benchmarks.md is most of that).
    ///
    /// What a test did in its session is gone before the next test gets it: its transaction
    /// (with every `SET`, temporary table and lock it took) is rolled back, and `DISCARD ALL`
    /// drops prepared statements, session advisory locks, `LISTEN`s and settings made outside
    /// the transaction. A connection whose test lost its transaction, or whose reset fails, is
    /// closed instead.
    static let idleConnections = Mutex<[String: [PostgresDriver.Connection]]>([:])

    /// An idle connection to `database`, if a finished test left one.
    static func takeIdleConnection(to database: String) -> PostgresDriver.Connection? {
        idleConnections.withLock { $0[database]?.popLast() }
    }

    /// Resets `connection`, after its test's transaction ended, and keeps it for the next test
    /// on the same database (at most `limit` kept); closes it when it cannot be reset.
    static func park(_ connection: PostgresDriver.Connection, limit: Int) async {
        let database = connection.driver.configuration.database
        guard connection.transactionState.depth == 0, connection.testTransactionLoss == nil,
              (try? await connection.execute(SQLQuery(sql: "DISCARD ALL"))) != nil else {
            await connection.close()
            return
        }
        let kept = idleConnections.withLock { idle in
            guard idle[database, default: []].count < limit else { return false }
            idle[database, default: []].append(connection)
            return true
        }
        if !kept { await connection.close() }
    }

    /// Closes the idle connections to a database no test may use any more.
    static func closeIdleConnections(to database: String) {
        let connections = idleConnections.withLock { $0.removeValue(forKey: database) ?? [] }
        guard !connections.isEmpty else { return }
        Task { for connection in connections { await connection.close() } }
    }
}
#endif
