import SQLTestKit
import Testing

/// A Swift Testing trait that gives every test — and every argument of a parameterized test —
/// its own clone of a template database inside a test transaction. The test and the code it
/// calls reach it through `IsolatedDatabase.current` (or `try IsolatedDatabase.require()`).
///
/// ```swift
/// @Suite(.isolatedDatabase(schema: bookstoreSchema, seed: bookstoreRows))
/// struct ReviewTests {
///     @Test func deletingAReview() async throws {
///         let db = try IsolatedDatabase.require()
///         try await db.execute("DELETE FROM review WHERE id = \(1)")
///         // no other test sees this, even running in parallel
///     }
/// }
/// ```
///
/// A template that fails to build, or a rollback that fails, is recorded as an issue of the test.
///
/// A test that fails keeps its database when `SQLTESTKIT_KEEP_FAILED=1` is set, or when the
/// trait says so (`keepOnFailure: true`): see “Keeping a failed test’s database” in
/// SQLTestKit’s documentation.
public struct IsolatedDatabaseTrait: TestTrait, SuiteTrait, TestScoping {
    /// Where each test's database comes from.
    public let source: any IsolatedDatabaseSource

    /// Whether a failed test keeps its database; `nil` leaves it to `SQLTESTKIT_KEEP_FAILED`.
    public var keepOnFailure: Bool? = nil

    /// The SQLite template, when the source is one.
    public var template: DatabaseTemplate? { source as? DatabaseTemplate }

    /// Applies to every test in a suite, each getting its own database.
    public var isRecursive: Bool { true }

    /// A scope for each test case (each argument of a parameterized test), never one shared
    /// by a whole suite.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> IsolatedDatabaseTrait? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard SwiftTestingKeep.isEnabled(keepOnFailure) else {
            return try await IsolatedDatabase.with(source, keepingOnFailureAt: nil) { _ in try await function() }
        }
        let failed = FailureFlag()
        try await IsolatedDatabase.with(source, keepingOnFailureAt: SwiftTestingKeep.location(test: test, testCase: testCase),
                                        hasFailed: { failed.isSet }, report: SwiftTestingKeep.report(for: test)) { _ in
            if try await SwiftTestingKeep.run(function, test: test, testCase: testCase) { failed.set() }
        }
    }
}

extension Trait where Self == IsolatedDatabaseTrait {
    /// Each test gets its own clone of `template` in a test transaction.
    /// `keepOnFailure: true` keeps a failed test's database whatever the environment says
    /// (`false`: never); by default, `SQLTESTKIT_KEEP_FAILED` decides.
    public static func isolatedDatabase(_ template: DatabaseTemplate, keepOnFailure: Bool? = nil) -> IsolatedDatabaseTrait {
        IsolatedDatabaseTrait(source: template, keepOnFailure: keepOnFailure)
    }

    /// Each test (each argument of a parameterized test) gets a database of its own from
    /// `source`: a PostgreSQL template, in either of its modes.
    ///
    /// ```swift
    /// @Test(.isolatedDatabase(PostgresTemplate(url: url, schema: schema)))
    /// func deletesReviews() async throws {
    ///     let db = try IsolatedDatabase.require()
    ///     try await db.execute("DELETE FROM review")
    /// }
    /// ```
    public static func isolatedDatabase(_ source: some IsolatedDatabaseSource, keepOnFailure: Bool? = nil) -> IsolatedDatabaseTrait {
        IsolatedDatabaseTrait(source: source, keepOnFailure: keepOnFailure)
    }

    /// Each test gets its own database built from `schema` and `seed` (built once per process).
    public static func isolatedDatabase(schema: String, seed: String = "", keepOnFailure: Bool? = nil) -> IsolatedDatabaseTrait {
        IsolatedDatabaseTrait(source: DatabaseTemplate(schema: schema, seed: seed), keepOnFailure: keepOnFailure)
    }
}
