#if GRDB
import GRDB
import SQLTestKit
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

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> GRDBDatabaseTrait? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        if usesPool {
            try await GRDBTestDatabase.withPool(template) { _ in try await function() }
        } else {
            try await GRDBTestDatabase.with(template) { _ in try await function() }
        }
    }
}

extension Trait where Self == GRDBDatabaseTrait {
    /// Each test gets its own in-memory `DatabaseQueue`, a copy of `template`.
    public static func grdbDatabase(_ template: GRDBTemplate) -> GRDBDatabaseTrait {
        GRDBDatabaseTrait(template: template, usesPool: false)
    }

    /// Each test gets its own `DatabasePool` on a temporary file copy of `template`.
    public static func grdbDatabasePool(_ template: GRDBTemplate) -> GRDBDatabaseTrait {
        GRDBDatabaseTrait(template: template, usesPool: true)
    }
}
#endif
