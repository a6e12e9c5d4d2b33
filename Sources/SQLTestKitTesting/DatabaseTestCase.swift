#if canImport(XCTest)
import SQLTestKit
import XCTest

/// An XCTest base class that gives every test its own clone of a template database inside a
/// test transaction, set up before the test and rolled back after it.
///
/// ```swift
/// final class ReviewTests: DatabaseTestCase {
///     override var template: DatabaseTemplate { Bookstore.template }
///
///     func testDeletingAReview() async throws {
///         try await db.execute("DELETE FROM review WHERE id = \(1)")
///         let left = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
///         XCTAssertEqual(left, 2)
///     }
/// }
/// ```
///
/// Synchronous tests get the same set-up and tear-down; the database API itself is async, so
/// tests that query it are `async`.
open class DatabaseTestCase: XCTestCase {
    /// The database each test starts from. Override it; the default is an empty database.
    open var template: DatabaseTemplate { DatabaseTemplate(schema: "") }

    /// Where each test's database comes from: ``template`` unless overridden (a
    /// `PostgresTemplate` gives each test a PostgreSQL database of its own).
    open var isolation: any IsolatedDatabaseSource { template }

    private var openedFrom: (any IsolatedDatabaseSource)?

    private var isolated: (any DatabaseConnection)?

    /// This test's database. Reading it outside a test (before `setUp`) stops the test with a
    /// message.
    public var db: any DatabaseConnection {
        guard let isolated else {
            preconditionFailure("DatabaseTestCase.db is only available while a test runs (after setUp)")
        }
        return isolated
    }

    open override func setUp() async throws {
        try await super.setUp()
        let source = isolation
        isolated = try await source.openIsolated()
        openedFrom = source
    }

    open override func tearDown() async throws {
        if let isolated {
            self.isolated = nil
            try await (openedFrom ?? template).closeIsolated(isolated)
        }
        try await super.tearDown()
    }
}
#endif
