#if Fluent
import FluentKit
import Logging
import NIOCore
import NIOPosix
import SQLTestKit

/// The migrations a template is built from: a list, run in order, or the app's own
/// `Migrations` (Vapor's `app.migrations` after `configure(app)`), run by FluentKit's
/// `Migrator` as `autoMigrate` runs them, so tests never keep a second list that can drift.
enum FluentMigrations: Sendable {
    case list([any Migration])
    case registered(Migrations)

    /// Runs the migrations on `connection` through a Fluent database of their own (shut down
    /// afterwards; the connection stays open). Every database ID the app registered a
    /// migration for (`.psql`, `.sqlite`, none) is served by `connection`.
    func run(on connection: any DatabaseConnection) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
        databases.use(.sqlTestKit(connection), as: .sqlTestKit)
        do {
            let eventLoop = group.any()
            guard let db = databases.database(.sqlTestKit, logger: Logger(label: "SQLTestKit.migrations"), on: eventLoop) else {
                throw TemplateError(message: "the migration database could not be made")
            }
            switch self {
            case .list(let migrations):
                for migration in migrations { try await migration.prepare(on: db).get() }
            case .registered(let migrations):
                let migrator = Migrator(databaseFactory: { _ in db }, migrations: migrations, on: eventLoop)
                try await migrator.setupIfNeeded().get()
                try await migrator.prepareBatch().get()
            }
            await databases.shutdownAsync()
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }
}
#endif
