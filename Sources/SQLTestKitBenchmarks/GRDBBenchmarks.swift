#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import SQLTestKitSQLite

/// The GRDB adapter: the per-test copy against SQLite's own deserialize of the same image,
/// and GRDB with its statements recorded against GRDB without.
enum GRDBBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        guard harness.wants("grdb") else { return }
        try await copy(&harness)
        try await recording(&harness)
    }

    /// A private `DatabaseQueue` holding the example `Fixtures/` (what each test gets), against
    /// opening an in-memory SQLite connection and deserializing the same image into it.
    static func copy(_ harness: inout Harness) async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
        let template = try GRDBTemplate(fixtures: FixtureSet(directory: directory))
        let first = try await GRDBTestDatabase.makeQueue(template)
        let image = try await first.read { db in try SQLiteImage(serializing: db.sqliteConnection!) }
        let copies = 500
        let ours: () async throws -> Duration = {
            try await Harness.time(setUp: {}) { _ in
                for _ in 0..<copies { _ = try await GRDBTestDatabase.makeQueue(template) }
            }
        }
        let raw: () async throws -> Duration = {
            try await Harness.time(setUp: {}) { _ in
                for _ in 0..<copies {
                    var db: OpaquePointer?
                    guard sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else { fatalError("open failed") }
                    try image.deserialize(into: db)
                    sqlite3_close_v2(db)
                }
            }
        }
        // GRDB opening an empty in-memory queue, the floor under any per-test DatabaseQueue.
        let open: () async throws -> Duration = {
            try await Harness.time(setUp: {}) { _ in
                for _ in 0..<copies { _ = try DatabaseQueue() }
            }
        }
        // The copy itself: into queues (and raw connections) opened beforehand, untimed.
        let copyOnly: () async throws -> Duration = {
            try await Harness.time(setUp: { try (0..<copies).map { _ in try DatabaseQueue() } }) { queues in
                for queue in queues { try await GRDBTestDatabase.reset(queue, to: template) }
            }
        }
        let rawCopyOnly: () async throws -> Duration = {
            try await Harness.time(setUp: { RawConnections(count: copies) }) { connections in
                for db in connections.handles { try image.deserialize(into: db) }
            }
        }
        let copyTimings = try await Harness.alternate(runs: harness.runs, [copyOnly, rawCopyOnly])
        harness.compare("GRDB: the copy alone, into an open queue", ours: copyTimings[0], raw: copyTimings[1], per: copies, target: 2)
        let timings = try await Harness.alternate(runs: harness.runs, [ours, raw, open])
        harness.compare("GRDB: a new DatabaseQueue holding a copy (\(image.bytes.count / 1024) KiB)", ours: timings[0], raw: timings[1],
                        per: copies, target: 2)
        harness.report("  GRDB's own DatabaseQueue() alone, empty", harness.format(Harness.median(timings[2]) / copies))
    }

    /// GRDB inserting 10k records in one transaction and fetching them as records, with every
    /// statement recorded into a StatementLog and without.
    static func recording(_ harness: inout Harness) async throws {
        let count = 10_000
        func makeQueue(recording: Bool) throws -> DatabaseQueue {
            var configuration = Configuration()
            if recording { configuration.recordStatements(into: StatementLog()) }
            let queue = try DatabaseQueue(configuration: configuration)
            try queue.write { db in try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL)") }
            return queue
        }
        func insert(recording: Bool) -> () async throws -> Duration {
            {
                try await Harness.time(setUp: { try makeQueue(recording: recording) }) { queue in
                    try queue.write { db in
                        for index in 0..<count { try Item(id: nil, name: "item \(index)", score: Double(index)).insert(db) }
                    }
                }
            }
        }
        func fetch(recording: Bool) -> () async throws -> Duration {
            {
                try await Harness.time(setUp: { () -> DatabaseQueue in
                    let queue = try makeQueue(recording: recording)
                    try queue.write { db in for index in 0..<count { try Item(id: nil, name: "item \(index)", score: Double(index)).insert(db) } }
                    return queue
                }) { queue in
                    let items = try queue.read { db in try Item.fetchAll(db) }
                    precondition(items.count == count)
                }
            }
        }
        let inserts = try await Harness.alternate(runs: harness.runs, [insert(recording: true), insert(recording: false)])
        harness.compare("GRDB: insert 10k records, recorded vs not", ours: inserts[0], raw: inserts[1], target: 1.3)
        let fetches = try await Harness.alternate(runs: harness.runs, [fetch(recording: true), fetch(recording: false)])
        harness.compare("GRDB: fetch 10k records, recorded vs not", ours: fetches[0], raw: fetches[1], target: 1.3)
    }
}

/// In-memory raw connections, opened before a timing and closed after it (when released).
final class RawConnections {
    let handles: [OpaquePointer]

    init(count: Int) {
        handles = (0..<count).map { _ in
            var db: OpaquePointer?
            guard sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else { fatalError("open failed") }
            return db
        }
    }

    deinit { for db in handles { sqlite3_close_v2(db) } }
}

/// The record type of the recording benchmark.
struct Item: Codable, FetchableRecord, PersistableRecord {
    var id: Int64?
    var name: String
    var score: Double
}
#endif
