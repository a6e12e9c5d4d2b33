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
            let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
            databases.use(.sqlTestKit(connection), as: .sqlTestKit)
            do {
                guard let db = databases.database(.sqlTestKit, logger: Logger(label: "SQLTestKit.migrations"),
                                                  on: MultiThreadedEventLoopGroup.singleton.any()) else {
                    throw TemplateError(message: "the migration database could not be made")
                }
                for migration in migrations { try await migration.prepare(on: db).get() }
                // The connection is the template's: shutting Fluent's databases down leaves it open.
                await databases.shutdownAsync()
            } catch {
                await databases.shutdownAsync()
                throw error
            }
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
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(.sqlTestKit(connection), as: .sqlTestKit)
        do {
            guard let db = databases.database(.sqlTestKit, logger: Logger(label: "SQLTestKit.migrations"),
                                              on: MultiThreadedEventLoopGroup.singleton.any()) else {
                throw TemplateError(message: "the migration database could not be made")
            }
            for migration in migrations { try await migration.prepare(on: db).get() }
            let schema = try await connection.fetchAll(SQLQuery(sql: """
                SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
                """)).compactMap { String(sqlValue: $0[0]) }.map { $0 + ";\n" }.joined()
            await databases.shutdownAsync()
            await connection.close()
            return DatabaseTemplate(schema: schema, fixtures: fixtures)
        } catch {
            await databases.shutdownAsync()
            await connection.close()
            throw error
        }
    }
}
