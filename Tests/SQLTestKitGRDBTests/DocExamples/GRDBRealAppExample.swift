#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Testing

/// The examples of the GRDB article's "the app's own setup" section, as written.
enum Blog {
    static var configuration: Configuration { RealApp.configuration }
    static var migrator: DatabaseMigrator { RealApp.migrator }
    struct AppDatabase {
        init(_ writer: any DatabaseWriter) throws { try Blog.migrator.migrate(writer) }
    }
}

@Suite struct GRDBRealAppExample {
    @Test func templatesFromTheAppsOwnSetup() async throws {
        // The app's configuration (its SQL functions) applies before the migrations run,
        // and to every test's copy.
        let template = GRDBTemplate(configuration: Blog.configuration) { writer in
            _ = try Blog.AppDatabase(writer)
        }

        // The database just before the migration a test checks.
        let beforeSlugs = GRDBTemplate(migrator: Blog.migrator, upTo: "v1",
                                       configuration: Blog.configuration)

        // Rows that are not fixtures: dates relative to today, typed records.
        let withRecentPosts = GRDBTemplate(migrator: Blog.migrator,
                                           configuration: Blog.configuration) { db in
            let yesterday = Date().addingTimeInterval(-86_400)
            try db.execute(sql: "INSERT INTO article(title, published) VALUES (?, ?)",
                           arguments: ["Yesterday", yesterday])
        }

        for each in [template, beforeSlugs, withRecentPosts] {
            try await GRDBTestDatabase.with(each) { queue in
                let count = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM article") }
                #expect(count == (each.contentHash == withRecentPosts.contentHash ? 1 : 0))
            }
        }
    }
}
#endif
