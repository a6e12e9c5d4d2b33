#if Fluent
import FluentKit
import Logging
import NIOCore
import NIOPosix
import SQLTestKit

extension DatabaseTemplate {
    /// A template built from the app's Fluent migrations, run in order through SQLTestKit the
    /// first time a test asks for it (once per process), with `fixtures` loaded after them.
    /// Made synchronously, so it fits where templates go: the `.isolatedDatabase(…)` trait,
    /// `DatabaseTestCase.template`, `IsolatedDatabase.with(…)`.
    ///
    /// ```swift
    /// static let template = DatabaseTemplate.fluent([CreateStar(), CreatePlanet()], fixtures: fixtures)
    /// ```
    public static func fluent(_ migrations: [any Migration], fixtures: FixtureSet? = nil) -> DatabaseTemplate {
        DatabaseTemplate(building: { connection in
            try await runMigrations(migrations, on: connection)
        }, key: "fluent\u{0}" + migrations.map(\.name).joined(separator: "\u{0}"), fixtures: fixtures)
    }

    /// A template whose schema is what the app's Fluent migrations create (run in order on a
    /// private in-memory SQLite database through SQLTestKit, their tables read back), with
    /// `fixtures` loaded into it. Build it once (a `static let` of a test helper) and give every
    /// test its own copy: `IsolatedDatabase.with(template) { db in … }`, the `.isolatedDatabase`
    /// trait or `DatabaseTestCase`.
    ///
    /// ```swift
    /// let template = try await DatabaseTemplate.migrated(by: [CreateAuthor(), CreateBook()], fixtures: fixtures)
    /// ```
    public static func migrated(by migrations: [any Migration], fixtures: FixtureSet? = nil) async throws -> DatabaseTemplate {
        let connection = try await SQLiteDriver.inMemory().connect()
        do {
            try await runMigrations(migrations, on: connection)
            let schema = try await DatabaseTemplate.schema(of: connection)
            await connection.close()
            return DatabaseTemplate(schema: schema, fixtures: fixtures)
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Runs `migrations`' `prepare` in order on `connection`, through a Fluent database of its
    /// own (shut down afterwards; the connection stays open).
    private static func runMigrations(_ migrations: [any Migration], on connection: any DatabaseConnection) async throws {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(.sqlTestKit(connection), as: .sqlTestKit)
        do {
            guard let db = databases.database(.sqlTestKit, logger: Logger(label: "SQLTestKit.migrations"),
                                              on: MultiThreadedEventLoopGroup.singleton.any()) else {
                throw TemplateError(message: "the migration database could not be made")
            }
            for migration in migrations { try await migration.prepare(on: db).get() }
            await databases.shutdownAsync()
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }
}
#endif
