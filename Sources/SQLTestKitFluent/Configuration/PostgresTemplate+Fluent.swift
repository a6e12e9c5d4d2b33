#if Fluent && PostgreSQL
import FluentKit
import Foundation
import SQLTestKit
import SQLTestKitPostgres

extension PostgresTemplate {
    /// A PostgreSQL template whose schema is what the app's Fluent migrations make: they run
    /// once, in order, on a scratch database of the server (dropped afterwards), and the
    /// schema they left — tables, enum types, keys, indexes — is read back from the catalog.
    /// Tests then get copies in either mode, with `fixtures` loaded.
    ///
    /// ```swift
    /// let template = try await PostgresTemplate.migrated(by: [CreateTodo()], fixtures: fixtures, mode: .transaction)
    /// ```
    ///
    /// - Parameters:
    ///   - migrations: the migrations, run in order.
    ///   - fixtures: loaded into the template after the schema.
    ///   - mode: how each test is isolated.
    ///   - server: where to build; `nil` is the process's `PostgresTestServer`.
    public static func migrated(by migrations: [any Migration], fixtures: FixtureSet? = nil, mode: Mode = .transaction,
                                server: PostgresDriver.Configuration? = nil) async throws -> PostgresTemplate {
        try await migrated(.list(migrations), fixtures: fixtures, mode: mode, server: server)
    }

    /// A PostgreSQL template from the migrations the app registered (Vapor's `app.migrations`
    /// after `configure(app)`), run by FluentKit's `Migrator` as `autoMigrate` runs them.
    ///
    /// ```swift
    /// let template = try await PostgresTemplate.migrated(by: app.migrations, fixtures: fixtures)
    /// ```
    public static func migrated(by migrations: Migrations, fixtures: FixtureSet? = nil, mode: Mode = .transaction,
                                server: PostgresDriver.Configuration? = nil) async throws -> PostgresTemplate {
        try await migrated(.registered(migrations), fixtures: fixtures, mode: mode, server: server)
    }

    private static func migrated(_ migrations: FluentMigrations, fixtures: FixtureSet?, mode: Mode,
                                 server: PostgresDriver.Configuration?) async throws -> PostgresTemplate {
        let server = if let server { server } else { try await PostgresTestServer.shared().configuration }
        let schema = try await withScratchDatabase("migrate", on: server) { scratch in
            try await PostgresDriver(configuration: scratch).open().closing { connection in
                try await migrations.run(on: connection)
                return try await PostgresCatalog().creationScript(of: connection, tables: nil)
            }
        }
        return PostgresTemplate(server: server, schema: schema, fixtures: fixtures, mode: mode)
    }
}
#endif
