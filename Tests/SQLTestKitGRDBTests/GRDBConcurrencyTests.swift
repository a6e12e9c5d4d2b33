#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Synchronization
import Testing

/// GRDB apps keep running while fixtures load, and keep observing what changed.
@Suite("GRDB: writers during a fixture load, observers after a reset")
struct GRDBConcurrencyTests {
    /// A pool's writers (GRDB's default: fail at once when the database is locked) write while
    /// a large fixture load runs: none may fail, and every row of both is there afterwards.
    @Test func aPoolsWritersWaitForAFixtureLoadInsteadOfFailing() async throws {
        let rows = (0..<20_000).map { "p\($0): { name: Player \($0), team: red, score: \($0) }" }.joined(separator: "\n")
        let big = try FixtureSet(files: ["team.yml": "red: { name: Red }", "player.yml": rows])
        try await GRDBTestDatabase.withPool(GRDBTemplate(migrator: TestApp.migrator)) { pool in
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO team(id, name) VALUES (1, 'Writers')")
            }
            let loading = Task { try await big.load(into: pool, clearingTables: false) }
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var failed: [String] = []
                        for index in 0..<50 {
                            do {
                                try await pool.write { db in
                                    try db.execute(sql: "INSERT INTO player(name, teamId, score) VALUES (?, 1, 0)",
                                                   arguments: ["writer \(writer)-\(index)"])
                                }
                            } catch {
                                failed.append("\(error)")
                            }
                        }
                        return failed
                    }
                }
                return try await group.reduce([], +)
            }
            let summary = try await loading.value
            #expect(failures.isEmpty, "\(failures.count) writes failed, first: \(failures.prefix(3))")
            #expect(summary.totalRows == 20_001)
            let counts = try await pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM player WHERE name LIKE 'writer %'"),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM player WHERE name LIKE 'Player %'"))
            }
            #expect(counts.0 == 200)
            #expect(counts.1 == 20_000)
        }
    }

    /// What the app shows through `ValueObservation` follows a reset and a fixture load.
    @Test func observersAreToldAboutAResetAndALoad() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            let seen = SeenValues()
            let observation = ValueObservation.tracking { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM player") ?? -1 }
            let cancellable = observation.start(in: queue, scheduling: .async(onQueue: .global()), onError: { _ in }, onChange: seen.append)
            defer { cancellable.cancel() }
            #expect(await seen.waitForLast(3))
            try await queue.write { db in try db.execute(sql: "DELETE FROM player") }
            #expect(await seen.waitForLast(0))
            try await GRDBTestDatabase.reset(queue, to: TestApp.template)
            #expect(await seen.waitForLast(3), "the observer was not told about the reset: \(seen.values)")
            let red = try #require(TestApp.fixtures.id(of: "red", in: "team"))
            let more = try FixtureSet(files: ["player.yml": "zaphod: { name: Zaphod, teamId: \(red) }"])
            try await more.load(into: queue, clearingTables: false)
            #expect(await seen.waitForLast(4), "the observer was not told about the load: \(seen.values)")
        }
    }
}

/// The values an observer was given, and a bounded wait for the next one.
final class SeenValues: Sendable {
    private let state = Mutex<[Int]>([])

    var values: [Int] { state.withLock { $0 } }

    @Sendable func append(_ value: Int) { state.withLock { $0.append(value) } }

    /// Whether the latest value becomes `expected` within two seconds.
    func waitForLast(_ expected: Int) async -> Bool {
        for _ in 0..<200 {
            if values.last == expected { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
#endif
