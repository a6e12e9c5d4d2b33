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
            try await FluentMigrations.list(migrations).run(on: connection)
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
        try await migrated(.list(migrations), fixtures: fixtures)
    }

    /// A template whose schema is what the migrations the app registered make: pass Vapor's
    /// `app.migrations` after `configure(app)`, so the tests build from the app's own list and
    /// cannot drift from it. FluentKit's `Migrator` runs them, as `autoMigrate` does.
    ///
    /// ```swift
    /// let app = try await Application.make(.testing)
    /// try await configure(app)
    /// let template = try await DatabaseTemplate.migrated(by: app.migrations, fixtures: fixtures)
    /// ```
    public static func migrated(by migrations: Migrations, fixtures: FixtureSet? = nil) async throws -> DatabaseTemplate {
        try await migrated(.registered(migrations), fixtures: fixtures)
    }

    private static func migrated(_ migrations: FluentMigrations, fixtures: FixtureSet?) async throws -> DatabaseTemplate {
        let connection = try await SQLiteDriver.inMemory().connect()
        do {
            try await migrations.run(on: connection)
            let schema = try await DatabaseTemplate.schema(of: connection)
            await connection.close()
            return DatabaseTemplate(schema: schema, fixtures: fixtures)
        } catch {
            await connection.close()
            throw error
        }
    }
}
#endif
