#if canImport(XCTest)
import GRDB
import SQLTestKit
import XCTest

/// An XCTest base class that gives every test its own in-memory copy of a ``GRDBTemplate``,
/// made before the test and dropped after it, with the statements it ran in ``log``.
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

    open override func setUp() async throws {
        try await super.setUp()
        let log = StatementLog()
        queue = try await GRDBTestDatabase.makeQueue(template, recordingInto: log)
        statements = log
    }

    open override func tearDown() async throws {
        queue = nil
        statements = nil
        try await super.tearDown()
    }
}
#endif
