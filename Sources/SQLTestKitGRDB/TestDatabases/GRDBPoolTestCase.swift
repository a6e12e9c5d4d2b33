#if GRDB
#if canImport(XCTest)
import GRDB
import SQLTestKit
import SQLTestKitTesting
import XCTest

/// ``GRDBTestCase`` for apps that run on a `DatabasePool`: every test gets its own pool on a
/// temporary file copy of the template (WAL needs a file), made before the test, closed and
/// removed after it, with the statements it ran in ``log``. The code under test reaches the
/// same pool through ``GRDBTestDatabase/current``.
///
/// ```swift
/// final class FeedTests: GRDBPoolTestCase {
///     override var template: GRDBTemplate { AppTemplates.feed }
///
///     func testConcurrentReadsSeeTheWrite() async throws {
///         try await dbPool.write { db in try db.execute(sql: "DELETE FROM post") }
///     }
/// }
/// ```
open class GRDBPoolTestCase: XCTestCase {
    /// The database each test starts from. Override it; the default is an empty database.
    open var template: GRDBTemplate { GRDBTemplate(schema: "") }

    private var copy: GRDBTestDatabase.PoolCopy?
    private var statements: StatementLog?

    /// This test's pool (available after `setUp`).
    public var dbPool: DatabasePool {
        guard let copy else { preconditionFailure("GRDBPoolTestCase.dbPool is only available while a test runs (after setUp)") }
        return copy.pool
    }

    /// Every statement `dbPool` ran, on its writer and its readers.
    public var log: StatementLog {
        guard let statements else { preconditionFailure("GRDBPoolTestCase.log is only available while a test runs (after setUp)") }
        return statements
    }

    /// Makes the test's pool before the test runs, so it is bound as
    /// ``GRDBTestDatabase/current`` for everything the test runs; `setUp` tries again if that
    /// failed, and throws.
    open override func invokeTest() {
        let template = self.template
        let made = try? waitingFor { () -> Made in
            let log = StatementLog()
            return Made(copy: try await GRDBTestDatabase.makePool(template, recordingInto: log), log: log)
        }
        guard let made else { return super.invokeTest() }
        copy = made.copy
        statements = made.log
        GRDBTestDatabase.$current.withValue(made.copy.pool) {
            GRDBTestDatabase.$currentLog.withValue(made.log) { super.invokeTest() }
        }
        // After tearDown, whatever happened in it: no file outlives the test.
        try? made.copy.close()
    }

    private struct Made: Sendable {
        var copy: GRDBTestDatabase.PoolCopy
        var log: StatementLog
    }

    open override func setUp() async throws {
        try await super.setUp()
        guard copy == nil else { return }
        let log = StatementLog()
        copy = try await GRDBTestDatabase.makePool(template, recordingInto: log)
        statements = log
    }

    /// Fails the test when its statements stopped reaching ``log``, then closes the pool and
    /// removes its file.
    /// Whether a test that fails keeps its database as an SQLite file (see “Keeping a failed
    /// test’s database” in SQLTestKit’s documentation): by default when
    /// `SQLTESTKIT_KEEP_FAILED=1` is set.
    open var keepsDatabaseOnFailure: Bool { KeepOnFailure.isRequested }

    open override func tearDown() async throws {
        defer {
            try? copy?.close()
            copy = nil
            statements = nil
        }
        if let copy {
            GRDBTestDatabase.finish(copy.pool, keepingAt: keepsDatabaseOnFailure ? KeepLocation(testCase: self) : nil,
                                    failed: hasRecordedFailure)
        }
        if let copy, let statements { try await GRDBTestDatabase.requireRecording(copy.pool, log: statements) }
        try await super.tearDown()
    }
}
#endif
#endif
