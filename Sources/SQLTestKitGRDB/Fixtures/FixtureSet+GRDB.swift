#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitTesting

extension FixtureSet {
    /// Loads every fixture into a GRDB writer, with every guarantee of
    /// `FixtureSet.load(into:clearingTables:allowingNonTestDatabase:resettingDatabase:schema:progress:)`:
    /// foreign-key order, labels and references, one transaction, nothing kept when it fails,
    /// errors with file and line, and the rule that only test databases are written.
    ///
    /// ```swift
    /// let queue = try DatabaseQueue()
    /// try await migrator.migrate(queue)
    /// try await fixtures.load(into: queue)
    /// let alice = fixtures.id(of: "alice", in: "player")   // the id GRDB records see
    /// ```
    ///
    /// A database file (a `DatabasePool`, or a queue on a file) is loaded through a connection
    /// of SQLTestKit's own, in one SQLite transaction, while the load holds GRDB's writer: the
    /// app's writes wait in GRDB's queue until it is done (readers go on), instead of failing
    /// with `database is locked`. An in-memory `DatabaseQueue` is copied, loaded and copied back
    /// in one GRDB access; if the queue changed in between, the load throws
    /// ``GRDBFixtureLoadError`` and the queue keeps what it had. Either way GRDB's observers
    /// (`ValueObservation`, `DatabaseRegionObservation`) are told the whole database changed.
    @discardableResult
    public func load(into writer: some DatabaseWriter, clearingTables: Bool = true, allowingNonTestDatabase: Bool = false,
                     resettingDatabase: Bool = false, schema: FixtureSchema? = nil) async throws -> FixtureLoadSummary {
        let path = writer.path
        if path.isEmpty || path == ":memory:" || path.contains("mode=memory") {
            // Copied out: the load is async, and a GRDB access is not; loading through GRDB
            // one statement at a time would leave its transaction open between accesses.
            let (image, changes) = try await writer.writeWithoutTransaction { db in
                (try SQLiteImage(serializing: try db.requireHandle()), db.totalChangesCount)
            }
            let copy = try await SQLiteDriver.Connection.deserializing(image)
            let loaded: (FixtureLoadSummary, SQLiteImage)
            do {
                let summary = try await load(into: copy, clearingTables: clearingTables, allowingNonTestDatabase: true,
                                             resettingDatabase: resettingDatabase, schema: schema)
                loaded = (summary, try copy.withDatabasePointer { try SQLiteImage(serializing: $0) })
                await copy.close()
            } catch {
                await copy.close()
                throw error
            }
            try await writer.writeWithoutTransaction { db in
                guard db.totalChangesCount == changes else { throw GRDBFixtureLoadError(path: path) }
                try loaded.1.deserialize(into: try db.requireHandle())
                db.clearSchemaCache()
            }
            try await writer.notifyWholeDatabaseChanged()
            return loaded.0
        }
        let fixtures = self
        let summary = try await writer.writeWithoutTransaction { db in
            // GRDB's writer is held, doing nothing, while SQLTestKit's connection loads.
            let summary = try waitingFor {
                try await SQLiteDriver(path: path).connect().closing { connection in
                    try await fixtures.load(into: connection, clearingTables: clearingTables, allowingNonTestDatabase: allowingNonTestDatabase,
                                            resettingDatabase: resettingDatabase, schema: schema)
                }
            }
            db.clearSchemaCache()
            return summary
        }
        try await writer.notifyWholeDatabaseChanged()
        return summary
    }
}

extension DatabaseWriter {
    /// Tells GRDB's observers that every table may have changed: rows that arrived without
    /// going through GRDB (a fixture load, a copied template).
    func notifyWholeDatabaseChanged() async throws {
        try await write { db in try db.notifyChanges(in: DatabaseRegion.fullDatabase) }
    }
}

/// An in-memory GRDB database changed while fixtures were being loaded into it, so the load
/// was not applied (it would have undone those changes).
public struct GRDBFixtureLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The writer's path (`:memory:` for a private in-memory queue).
    public var path: String

    public var description: String {
        "the in-memory database \(path) changed while fixtures were loaded into it, so the load was not applied\n  suggestion: load fixtures before anything else writes to the queue"
    }
}

extension Database {
    /// The connection's `sqlite3*`, which GRDB hands out until the connection is closed.
    func requireHandle() throws -> OpaquePointer {
        guard let handle = sqliteConnection else {
            throw QueryError(code: .misuse, message: "the GRDB connection is closed")
        }
        return handle
    }
}
#endif
