#if PostgreSQL
import Foundation
import SQLTestKit
import Synchronization

/// This process's run of tests on a PostgreSQL server.
///
/// Every database SQLTestKit makes for a test run carries the run's tag in its name
/// (`sqltestkit_…_r1a2b3c4d_…`), and while the run lives it holds a session-level advisory
/// lock, on a connection kept open until the process ends, that says so. When a run starts on
/// a server it drops what earlier runs left there: the per-test databases of a run that
/// crashed, and the databases transaction mode used. It drops only databases that carry
/// SQLTestKit's marker and whose run's lock it can take, so a database a live run uses (in
/// this process or another) is never touched.
enum PostgresRun {
    /// The run's id: eight hexadecimal digits, new for every process.
    static let id: String = String(format: "%08x", UInt32.random(in: 0...UInt32.max))

    /// The run's tag in database names.
    static var tag: String { "r" + id }

    /// The advisory-lock key text of a run.
    static func lockName(of run: String) -> String { "sqltestkit run " + run }

    /// The keeper connections, one a server, opened by the first test on it.
    private static let keepers = Mutex<[String: Task<PostgresDriver.Connection, any Error>]>([:])

    /// Takes this run's lock on `server` and cleans up after dead runs there: once per
    /// process and server; later calls wait for the first.
    static func register(on server: PostgresDriver.Configuration) async throws {
        let key = server.host + ":" + String(server.port)
        let task = keepers.withLock { keepers in
            if let task = keepers[key] { return task }
            let task = Task { () throws -> PostgresDriver.Connection in
                let keeper = try await PostgresDriver(configuration: server).open()
                do {
                    try await keeper.execute(SQLQuery(sql: "SELECT pg_advisory_lock(hashtext(?))", arguments: [.text(lockName(of: id))]))
                    _ = try await dropLeftovers(on: keeper)
                } catch {
                    await keeper.close()
                    throw error
                }
                return keeper
            }
            keepers[key] = task
            return task
        }
        do {
            _ = try await task.value
        } catch {
            _ = keepers.withLock { $0.removeValue(forKey: key) }
            throw error
        }
    }

    /// Drops the marked databases of runs that no longer hold their lock; returns their names.
    static func dropLeftovers(on admin: any DatabaseConnection) async throws -> [String] {
        let rows = try await admin.fetchAll(SQLQuery(sql: """
            SELECT datname FROM pg_catalog.pg_database
            WHERE datname LIKE 'sqltestkit\\_%' AND shobj_description(oid, 'pg_database') = ?
            ORDER BY datname
            """, arguments: [.text(PostgresCatalog.testDatabaseMarker)]))
        var byRun: [String: [String]] = [:]
        for name in rows.compactMap({ $0[0].textValue }) {
            guard let run = runID(in: name), run != id else { continue }
            byRun[run, default: []].append(name)
        }
        var dropped: [String] = []
        for (run, names) in byRun.sorted(by: { $0.key < $1.key }) {
            let lock = SQLQuery(sql: "SELECT pg_try_advisory_lock(hashtext(?))", arguments: [.text(lockName(of: run))])
            guard try await admin.fetchOne(lock)?[0] == .integer(1) else { continue }   // that run is alive
            for name in names {
                try await PostgresTemplate.dropDatabase(name, on: admin)
                dropped.append(name)
            }
            try await admin.execute(SQLQuery(sql: "SELECT pg_advisory_unlock(hashtext(?))", arguments: [.text(lockName(of: run))]))
        }
        return dropped
    }

    /// The run id in a database name SQLTestKit made for a run: the `rXXXXXXXX` part between
    /// underscores (or at the end).
    static func runID(in name: String) -> String? {
        for part in name.split(separator: "_") where part.count == 9 && part.first == "r" {
            let digits = part.dropFirst()
            if digits.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) { return String(digits) }
        }
        return nil
    }
}
#endif
