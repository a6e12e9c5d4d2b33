#if GRDB
import GRDB
import SQLTestKit
import SQLTestKitTesting
import Testing

/// A Swift Testing trait that gives every test (and every argument of a parameterized test)
/// its own copy of a ``GRDBTemplate``, reached through `GRDBTestDatabase.current`, with its
/// statements in `GRDBTestDatabase.currentLog`.
///
/// ```swift
/// @Suite(.grdbDatabase(AppTemplates.players))
/// struct PlayerTests {
///     @Test func renaming() async throws {
///         let db = try GRDBTestDatabase.require()
///         try await db.write { db in try db.execute(sql: "UPDATE player SET name = 'Ford'") }
///     }
/// }
/// ```
public struct GRDBDatabaseTrait: TestTrait, SuiteTrait, TestScoping {
    /// The database every test starts from.
    public let template: GRDBTemplate
    /// A `DatabasePool` on a file copy instead of an in-memory `DatabaseQueue`.
    public let usesPool: Bool
    /// Whether a failed test keeps its database (see “Keeping a failed test’s database” in
    /// SQLTestKit’s documentation); `nil` leaves it to `SQLTESTKIT_KEEP_FAILED`.
    public var keepOnFailure: Bool? = nil

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> GRDBDatabaseTrait? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let location = SwiftTestingKeep.isEnabled(keepOnFailure) ? SwiftTestingKeep.location(test: test, testCase: testCase) : nil
        let failed = FailureFlag()
        func run() async throws {
            if location == nil { return try await function() }
            if try await SwiftTestingKeep.run(function, test: test, testCase: testCase) { failed.set() }
        }
        let report = SwiftTestingKeep.report(for: test)
        if usesPool {
            try await GRDBTestDatabase.withPool(template, keepingOnFailureAt: location, hasFailed: { failed.isSet }, report: report) { _ in try await run() }
        } else {
            try await GRDBTestDatabase.with(template, keepingOnFailureAt: location, hasFailed: { failed.isSet }, report: report) { _ in try await run() }
        }
    }
}

extension Trait where Self == GRDBDatabaseTrait {
    /// Each test gets its own in-memory `DatabaseQueue`, a copy of `template`.
    public static func grdbDatabase(_ template: GRDBTemplate, keepOnFailure: Bool? = nil) -> GRDBDatabaseTrait {
        GRDBDatabaseTrait(template: template, usesPool: false, keepOnFailure: keepOnFailure)
    }

    /// Each test gets its own `DatabasePool` on a temporary file copy of `template`.
    public static func grdbDatabasePool(_ template: GRDBTemplate, keepOnFailure: Bool? = nil) -> GRDBDatabaseTrait {
        GRDBDatabaseTrait(template: template, usesPool: true, keepOnFailure: keepOnFailure)
    }
}
#endif
