#if GRDB
import Foundation
import GRDB
import SQLTestKit

/// A private GRDB database per test, copied from a ``GRDBTemplate`` built once per process:
/// a `DatabaseQueue` in memory (the template's bytes deserialized into GRDB's own connection,
/// no URI or shared cache involved), or a `DatabasePool` on a file of its own in a temporary
/// directory (WAL needs a file), removed afterwards.
///
/// The test and the code it calls reach the database through ``current`` and the statements
/// it ran through ``currentLog``.
///
/// ```swift
/// try await GRDBTestDatabase.with(template) { queue in
///     try await queue.write { db in try Player(name: "Zaphod").insert(db) }
///     // no other test sees this row, even running in parallel
/// }
/// ```
public enum GRDBTestDatabase {
    /// This test's database, while
    /// ``with(_:configuration:keepingOnFailureAt:hasFailed:report:_:)``,
    /// ``withPool(_:configuration:keepingOnFailureAt:hasFailed:report:_:)``, the
    /// `.grdbDatabase` trait or `GRDBTestCase` provide one.
    @TaskLocal public static var current: (any DatabaseWriter)?
    /// Every statement this test's database ran, recorded through GRDB's trace.
    @TaskLocal public static var currentLog: StatementLog?

    /// This test's database; throws a message saying how to get one when there is none.
    public static func require() throws -> any DatabaseWriter {
        guard let current else {
            throw TemplateError(message: "no GRDB test database: GRDBTestDatabase.current is only set inside GRDBTestDatabase.with { }, the .grdbDatabase trait or GRDBTestCase",
                                suggestion: "add .grdbDatabase(template) to the test or suite, or wrap the test's body in GRDBTestDatabase.with(template) { queue in … }")
        }
        return current
    }

    /// The log of this test's database; throws like ``require()``.
    public static func requireLog() throws -> StatementLog {
        guard let currentLog else {
            throw TemplateError(message: "no GRDB test database log: GRDBTestDatabase.currentLog is only set inside GRDBTestDatabase.with { }, the .grdbDatabase trait or GRDBTestCase",
                                suggestion: "add .grdbDatabase(template) to the test or suite")
        }
        return currentLog
    }

    /// A new in-memory `DatabaseQueue` holding a private copy of `template`, opened with the
    /// template's configuration (or `configuration`), recording its statements into `log`
    /// when one is given.
    public static func makeQueue(_ template: GRDBTemplate, configuration: Configuration? = nil,
                                 recordingInto log: StatementLog? = nil) async throws -> DatabaseQueue {
        let image = try await GRDBTemplateStore.shared.image(for: template)
        let queue = try DatabaseQueue(configuration: configuration ?? template.configuration)
        try copy(image, into: queue, recordingInto: log)
        return queue
    }

    /// Makes `queue`'s database a fresh copy of `template` again: what it held before is gone
    /// (GRDB's schema cache is cleared with it), and GRDB's observers are told every table
    /// changed. The queue's connection, its settings and its recording stay.
    ///
    /// ```swift
    /// try await GRDBTestDatabase.reset(queue, to: template)
    /// ```
    public static func reset(_ queue: DatabaseQueue, to template: GRDBTemplate) async throws {
        try copy(try await GRDBTemplateStore.shared.image(for: template), into: queue, recordingInto: nil)
        try await queue.notifyWholeDatabaseChanged()
    }

    /// Deserializes `image` into the queue's connection. A synchronous access: the queue is
    /// idle, so it returns at once, without the async access's hops (measured: about a third of
    /// the copy's own cost).
    private static func copy(_ image: SQLiteImage, into queue: DatabaseQueue, recordingInto log: StatementLog?) throws {
        try queue.writeWithoutTransaction { db in
            try image.deserialize(into: try db.requireHandle())
            db.clearSchemaCache()
            if let log { db.recordStatements(into: log) }
        }
    }

    /// Runs `body` with a private in-memory copy of `template`, also set as ``current`` (and
    /// its statement log as ``currentLog``) for the code `body` calls. Afterwards it checks that
    /// the recording still ran (see ``requireRecording(_:log:)``).
    ///
    /// With a `location`, a test that failed — `body` threw, or `hasFailed` says so afterwards
    /// — keeps its database there as an SQLite file (see ``finish(_:keepingAt:failed:report:)``).
    public static func with<Result>(_ template: GRDBTemplate, configuration: Configuration? = nil,
                                    keepingOnFailureAt location: KeepLocation? = nil, hasFailed: @Sendable () -> Bool = { false },
                                    report: @Sendable (String) -> Void = KeepOnFailure.report,
                                    _ body: (DatabaseQueue) async throws -> Result) async throws -> Result {
        let log = StatementLog()
        let queue = try await makeQueue(template, configuration: configuration, recordingInto: log)
        let result: Result
        do {
            result = try await $current.withValue(queue) {
                try await $currentLog.withValue(log) { try await body(queue) }
            }
        } catch {
            finish(queue, keepingAt: location, failed: true, report: report)
            throw error
        }
        finish(queue, keepingAt: location, failed: hasFailed(), report: report)
        try await requireRecording(queue, log: log)
        return result
    }

    /// Throws when `writer`'s statements no longer reach `log`: the app installed its own
    /// `db.trace`, which replaces SQLite's one trace callback, so everything after it went
    /// unrecorded and assertions on the log (an N+1 check, say) passed on nothing. It runs one
    /// marked `SELECT` and looks for it in the log.
    public static func requireRecording(_ writer: any DatabaseWriter, log: StatementLog) async throws {
        let probe = "SELECT 'sqltestkit: is the statement trace still recording?'"
        try await writer.writeWithoutTransaction { db in try db.execute(sql: probe) }
        guard log.statements.last(where: { $0.sql == probe }) == nil else { return }
        throw TemplateError(
            message: "the test's database stopped recording its statements: something replaced SQLite's statement trace (the app's `db.trace(options:)`, most often), so what ran after that is missing from the log and assertions on it passed on nothing",
            suggestion: "install the app's trace only outside tests (or before SQLTestKit's recording: in Configuration.prepareDatabase), or call db.recordStatements(into: GRDBTestDatabase.requireLog()) again right after it")
    }

    /// Runs `body` with a `DatabasePool` on a private file copy of `template` in a new
    /// temporary directory, removed afterwards (the pool is closed first), also set as
    /// ``current``. For code that needs a pool's concurrent reads, or WAL.
    ///
    /// With a `location`, a failed test keeps its database there, as
    /// ``with(_:configuration:keepingOnFailureAt:hasFailed:report:_:)`` does.
    public static func withPool<Result>(_ template: GRDBTemplate, configuration: Configuration? = nil,
                                        keepingOnFailureAt location: KeepLocation? = nil, hasFailed: @Sendable () -> Bool = { false },
                                        report: @Sendable (String) -> Void = KeepOnFailure.report,
                                        _ body: (DatabasePool) async throws -> Result) async throws -> Result {
        let log = StatementLog()
        let copy = try await makePool(template, configuration: configuration, recordingInto: log)
        do {
            let result: Result
            do {
                result = try await $current.withValue(copy.pool) {
                    try await $currentLog.withValue(log) { try await body(copy.pool) }
                }
            } catch {
                finish(copy.pool, keepingAt: location, failed: true, report: report)
                throw error
            }
            finish(copy.pool, keepingAt: location, failed: hasFailed(), report: report)
            try await requireRecording(copy.pool, log: log)
            try copy.close()
            return result
        } catch {
            try? copy.close()
            throw error
        }
    }

    /// A `DatabasePool` on a private file copy of a template, and the way to be rid of both.
    public struct PoolCopy: Sendable {
        /// The pool, opened on the copy.
        public let pool: DatabasePool
        /// The temporary directory that holds the copy and its `-wal` and `-shm` files.
        public let directory: URL

        /// Closes the pool and removes the directory.
        public func close() throws {
            defer { try? FileManager.default.removeItem(at: directory) }
            try pool.close()
        }
    }

    /// A `DatabasePool` on a private file copy of `template` in a new temporary directory,
    /// opened with the template's configuration (or `configuration`) and recording into `log`
    /// when one is given. ``PoolCopy/close()`` closes it and removes the directory.
    public static func makePool(_ template: GRDBTemplate, configuration: Configuration? = nil,
                                recordingInto log: StatementLog? = nil) async throws -> PoolCopy {
        let image = try await GRDBTemplateStore.shared.image(for: template)
        // The directory's name says it is a test database, so fixtures may be loaded into it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-grdb-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("test.sqlite").path
        guard FileManager.default.createFile(atPath: path, contents: Data(image.bytes)) else {
            try? FileManager.default.removeItem(at: directory)
            throw TemplateError(message: "cannot write the database copy at \(path)", suggestion: "check that the temporary directory is writable")
        }
        var configuration = configuration ?? template.configuration
        if let log { configuration.recordStatements(into: log) }
        do {
            return PoolCopy(pool: try DatabasePool(path: path, configuration: configuration), directory: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }
}
#endif
