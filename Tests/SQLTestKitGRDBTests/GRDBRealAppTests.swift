#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Testing

/// What two real GRDB code bases needed before they could move onto SQLTestKitGRDB without
/// changing app code (issue 24, item 6).
enum RealApp {
    /// The app's configuration: a SQL function its migrations and queries use.
    static var configuration: Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            db.add(function: DatabaseFunction("slugify", argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0])?.lowercased().replacingOccurrences(of: " ", with: "-")
            })
        }
        return configuration
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE article(id INTEGER PRIMARY KEY, title TEXT NOT NULL, published DATE)")
        }
        migrator.registerMigration("v2-slugs") { db in
            try db.execute(sql: "ALTER TABLE article ADD COLUMN slug TEXT")
            try db.execute(sql: "UPDATE article SET slug = slugify(title)")
        }
        return migrator
    }

    /// The app's own setup, as GRDB's app template writes it.
    struct AppDatabase {
        init(_ writer: any DatabaseWriter) throws {
            try RealApp.migrator.migrate(writer)
        }
    }

    static let fixtures = try! FixtureSet(files: ["article.yml": "hello:\n  title: Hello World\n  slug: hello-world\n"])
}

@Suite("GRDB for real apps")
struct GRDBRealAppTests {
    @Test func aTemplateFromTheAppsOwnSetupAndConfiguration() async throws {
        let template = GRDBTemplate(fixtures: RealApp.fixtures, configuration: RealApp.configuration) { writer in
            _ = try RealApp.AppDatabase(writer)
        }
        try await GRDBTestDatabase.with(template) { queue in
            let value1 = try await queue.read { db in try String.fetchOne(db, sql: "SELECT slug FROM article") }
            #expect(value1 == "hello-world")
            // The test's copy is opened with the app's configuration: the function is there.
            let value2 = try await queue.read { db in try String.fetchOne(db, sql: "SELECT slugify('Two Words')") }
            #expect(value2 == "two-words")
        }
    }

    @Test func withoutTheConfigurationTheMigrationFailsAsInTheApp() async throws {
        let template = GRDBTemplate { writer in _ = try RealApp.AppDatabase(writer) }
        let error = await #expect(throws: DatabaseError.self) {
            try await GRDBTestDatabase.with(template) { _ in }
        }
        #expect(error?.message == "no such function: slugify", "\(String(describing: error))")
    }

    @Test func aTemplateUpToANamedMigration() async throws {
        let before = GRDBTemplate(migrator: RealApp.migrator, upTo: "v1", configuration: RealApp.configuration)
        try await GRDBTestDatabase.with(before) { queue in
            let columns = try await queue.read { db in try db.columns(in: "article").map(\.name) }
            #expect(columns == ["id", "title", "published"])
            // Now the migration under test runs on it, as in the app.
            try await queue.write { db in try db.execute(sql: "INSERT INTO article(title) VALUES ('Old Post')") }
            try RealApp.migrator.migrate(queue)
            let value3 = try await queue.read { db in try String.fetchOne(db, sql: "SELECT slug FROM article") }
            #expect(value3 == "old-post")
        }
    }

    @Test func anUnknownMigrationNameIsRefusedWithTheNamesThereAre() async throws {
        let template = GRDBTemplate(migrator: RealApp.migrator, upTo: "v2-slug", configuration: RealApp.configuration)
        let error = await #expect(throws: TemplateError.self) {
            try await GRDBTestDatabase.with(template) { _ in }
        }
        #expect(error?.message == "the migrator has no migration named `v2-slug` (it has `v1`, `v2-slugs`)")
        #expect(error?.suggestion == "did you mean `v2-slugs`?")
    }

    @Test func aSeedClosureWritesRowsThatAreNotFixtures() async throws {
        let today = Calendar(identifier: .gregorian).startOfDay(for: Date())
        let template = GRDBTemplate(migrator: RealApp.migrator, fixtures: RealApp.fixtures, configuration: RealApp.configuration) { db in
            try db.execute(sql: "INSERT INTO article(title, slug, published) VALUES (?, ?, ?)",
                           arguments: ["Yesterday", "yesterday", today.addingTimeInterval(-86_400)])
        }
        try await GRDBTestDatabase.with(template) { queue in
            let titles = try await queue.read { db in try String.fetchAll(db, sql: "SELECT title FROM article ORDER BY title") }
            #expect(titles == ["Hello World", "Yesterday"])
            let published = try await queue.read { db in try Date.fetchOne(db, sql: "SELECT published FROM article WHERE slug = 'yesterday'") }
            #expect(published == today.addingTimeInterval(-86_400))
        }
    }

    @Test func templatesAreKeyedByWhatBuildsThem() {
        let a = GRDBTemplate(migrator: RealApp.migrator, upTo: "v1")
        let b = GRDBTemplate(migrator: RealApp.migrator)
        let c = GRDBTemplate(key: "setup one") { _ in }
        let d = GRDBTemplate(key: "setup two") { _ in }
        #expect(Set([a.contentHash, b.contentHash, c.contentHash, d.contentHash]).count == 4)
        #expect(GRDBTemplate(key: "setup one") { _ in }.contentHash == c.contentHash)
    }

    @Test func anAppTraceThatStopsTheRecordingFailsTheTestLoudly() async throws {
        let template = GRDBTemplate(migrator: RealApp.migrator, configuration: RealApp.configuration)
        let error = await #expect(throws: TemplateError.self) {
            try await GRDBTestDatabase.with(template) { queue in
                try await queue.write { db in db.trace { _ in } }       // the app's own trace
                _ = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM article") }
            }
        }
        #expect(error?.message.hasPrefix("the test's database stopped recording its statements") == true, "\(String(describing: error))")
        // Recording again after the app's trace keeps the test honest.
        try await GRDBTestDatabase.with(template) { queue in
            let log = try GRDBTestDatabase.requireLog()
            try await queue.write { db in
                db.trace { _ in }
                db.recordStatements(into: log)
            }
            _ = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM article") }
            #expect(log.statements(.excludingNoise).map(\.sql).contains("SELECT * FROM article"))
        }
    }

    @Test func thePoolVariantChecksTheRecordingToo() async throws {
        let template = GRDBTemplate(migrator: RealApp.migrator, configuration: RealApp.configuration)
        await #expect(throws: TemplateError.self) {
            try await GRDBTestDatabase.withPool(template) { pool in
                try await pool.write { db in db.trace { _ in } }
            }
        }
    }
}
#endif
