#if canImport(XCTest)
import SQLTestKit
import XCTest

/// An XCTest base class that gives every test its own clone of a template database inside a
/// test transaction, set up before the test and rolled back after it. Code the test calls
/// reaches it through `IsolatedDatabase.current`, as under the Swift Testing trait.
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

    /// Opens the test's database before the test starts, so the code the test calls finds it
    /// through `IsolatedDatabase.current` (a task-local, bound around the whole test). A
    /// database that cannot be opened here is opened again in `setUp`, which reports why.
    open override func invokeTest() {
        let source = isolation
        guard let opened = try? waitingFor({ try await source.openIsolated() }) else { return super.invokeTest() }
        isolated = opened
        openedFrom = source
        IsolatedDatabase.$current.withValue(opened) { super.invokeTest() }
        // tearDown closes it; when tearDown did not run, it is closed here.
        if let left = isolated {
            isolated = nil
            _ = try? waitingFor { try await source.closeIsolated(left) }
        }
    }

    open override func setUp() async throws {
        try await super.setUp()
        guard isolated == nil else { return }
        let source = isolation
        isolated = try await source.openIsolated()
        openedFrom = source
    }

    /// Whether a test that fails keeps its database (see “Keeping a failed test’s database”
    /// in SQLTestKit’s documentation): by default when `SQLTESTKIT_KEEP_FAILED=1` is set.
    /// Override it to keep always (`true`) or never (`false`).
    open var keepsDatabaseOnFailure: Bool { KeepOnFailure.isRequested }

    open override func tearDown() async throws {
        if let isolated {
            self.isolated = nil
            let location = keepsDatabaseOnFailure ? KeepLocation(testCase: self) : nil
            let source: any IsolatedDatabaseSource = openedFrom ?? template
            try await IsolatedDatabase.end(isolated, from: source, keepingAt: location, failed: hasRecordedFailure)
        }
        try await super.tearDown()
    }
}

extension XCTestCase {
    /// Whether the running test has failed so far: in `tearDown`, the failures it recorded
    /// and the error it threw are counted.
    package var hasRecordedFailure: Bool { (testRun?.totalFailureCount ?? 0) > 0 }
}

extension KeepLocation {
    /// Where an XCTest test keeps its database: `<TestCaseClass>/<testMethod>`.
    public init(testCase: XCTestCase) {
        // `-[Suite testX]` on Apple platforms, `Suite.testX` elsewhere.
        let method = testCase.name.split(whereSeparator: { " .".contains($0) }).last.map { $0.filter { $0 != "]" } } ?? testCase.name
        self.init(suite: String(describing: type(of: testCase)), test: method)
    }
}
#endif
