#if GRDB
#if canImport(XCTest)
import GRDB
import SQLTestKit
import SQLTestKitTesting
import XCTest

/// An XCTest base class that gives every test its own in-memory copy of a ``GRDBTemplate``,
/// made before the test and dropped after it, with the statements it ran in ``log``. The code
/// under test reaches the same database through ``GRDBTestDatabase/current`` (and its log
/// through ``GRDBTestDatabase/currentLog``), as under the Swift Testing trait.
///
/// ```swift
/// final class PlayerTests: GRDBTestCase {
///     override var template: GRDBTemplate { AppTemplates.players }
///
///     func testRenaming() async throws {
///         try await dbQueue.write { db in try db.execute(sql: "UPDATE player SET name = 'Ford'") }
///     }
/// }
/// ```
open class GRDBTestCase: XCTestCase {
    /// The database each test starts from. Override it; the default is an empty database.
    open var template: GRDBTemplate { GRDBTemplate(schema: "") }

    private var queue: DatabaseQueue?
    private var statements: StatementLog?

    /// This test's database (available after `setUp`).
    public var dbQueue: DatabaseQueue {
        guard let queue else { preconditionFailure("GRDBTestCase.dbQueue is only available while a test runs (after setUp)") }
        return queue
    }

    /// Every statement `dbQueue` ran.
    public var log: StatementLog {
        guard let statements else { preconditionFailure("GRDBTestCase.log is only available while a test runs (after setUp)") }
        return statements
    }

    /// Makes the test's database before the test runs, so it can be bound as
    /// ``GRDBTestDatabase/current`` for everything the test runs (XCTest has no other scope a
    /// task-local can be bound in). If making it fails here, `setUp` tries again and throws.
    open override func invokeTest() {
        let template = self.template
        let made = try? waitingFor { () -> Made in
            let log = StatementLog()
            return Made(queue: try await GRDBTestDatabase.makeQueue(template, recordingInto: log), log: log)
        }
        guard let made else { return super.invokeTest() }
        queue = made.queue
        statements = made.log
        GRDBTestDatabase.$current.withValue(made.queue) {
            GRDBTestDatabase.$currentLog.withValue(made.log) { super.invokeTest() }
        }
    }

    /// A queue and its log, handed from the task that made them.
    private struct Made: Sendable {
        var queue: DatabaseQueue
        var log: StatementLog
    }

    open override func setUp() async throws {
        try await super.setUp()
        guard queue == nil else { return }
        let log = StatementLog()
        queue = try await GRDBTestDatabase.makeQueue(template, recordingInto: log)
        statements = log
    }

    /// Fails the test when its statements stopped reaching ``log`` (the app replaced SQLite's
    /// trace; see ``GRDBTestDatabase/requireRecording(_:log:)``), then drops the database.
    /// Whether a test that fails keeps its database as an SQLite file (see “Keeping a failed
    /// test’s database” in SQLTestKit’s documentation): by default when
    /// `SQLTESTKIT_KEEP_FAILED=1` is set.
    open var keepsDatabaseOnFailure: Bool { KeepOnFailure.isRequested }

    open override func tearDown() async throws {
        defer {
            queue = nil
            statements = nil
        }
        if let queue {
            GRDBTestDatabase.finish(queue, keepingAt: keepsDatabaseOnFailure ? KeepLocation(testCase: self) : nil,
                                    failed: hasRecordedFailure)
        }
        if let queue, let statements { try await GRDBTestDatabase.requireRecording(queue, log: statements) }
        try await super.tearDown()
    }
}
#endif
#endif
