#if GRDB
import Foundation
import GRDB
import SQLTestKit
import Synchronization

/// The database every test of a GRDB app starts from: a schema (SQL, a `schema.sql`, or the
/// app's own `DatabaseMigrator`) plus fixture rows. It is built once per process, keyed by its
/// content, and each test gets a private copy (``GRDBTestDatabase``).
///
/// ```swift
/// let template = GRDBTemplate(migrator: AppDatabase.migrator, fixtures: try FixtureSet(directory: fixturesPath))
/// ```
public struct GRDBTemplate: Sendable {
    /// Where the schema comes from.
    public enum Schema: Sendable {
        /// SQL statements.
        case sql(String)
        /// The app's migrator, run to the end.
        case migrator(DatabaseMigrator)
    }

    /// The schema.
    public let schema: Schema
    /// Rows loaded after the schema.
    public let fixtures: FixtureSet?
    /// What the template is built from, as a stable key: the schema's SQL or the migrator's
    /// migration identifiers, and the fixtures' content hash. A change to either builds a new
    /// template (within one process, a migration is identified by its name). Worked out once:
    /// every per-test copy looks the template up by it.
    public let contentHash: String

    /// A template from the statements that create the schema, and fixtures.
    public init(schema: String, fixtures: FixtureSet? = nil) {
        self.init(.sql(schema), fixtures: fixtures)
    }

    /// A template from the app's migrator, and fixtures.
    public init(migrator: DatabaseMigrator, fixtures: FixtureSet? = nil) {
        self.init(.migrator(migrator), fixtures: fixtures)
    }

    private init(_ schema: Schema, fixtures: FixtureSet?) {
        self.schema = schema
        self.fixtures = fixtures
        let schemaKey: String = switch schema {
        case .sql(let sql): "sql\u{0}" + sql
        case .migrator(let migrator): "migrator\u{0}" + migrator.migrations.joined(separator: "\u{0}")
        }
        // The same stable hash as SQLTestKit's own templates.
        contentHash = DatabaseTemplate(schema: schemaKey, fixtures: fixtures).contentHash
    }

    /// A template of the fixtures' own `schema.sql` and their rows; throws `TemplateError`
    /// when their directory has no `schema.sql`.
    public init(fixtures: FixtureSet) throws {
        guard let sql = fixtures.schemaSQL else {
            throw TemplateError(message: "the fixtures have no schema.sql to build the template from",
                                suggestion: "put the schema in the fixture directory's schema.sql, or use GRDBTemplate(schema:fixtures:) or GRDBTemplate(migrator:fixtures:)")
        }
        self.init(schema: sql, fixtures: fixtures)
    }

    /// Builds the template in a private in-memory `DatabaseQueue` and keeps its bytes.
    func build() async throws -> SQLiteImage {
        let queue = try DatabaseQueue()
        switch schema {
        case .sql(let sql):
            try await queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        case .migrator(let migrator):
            // GRDB's migrator is synchronous; this runs once per process.
            try migrator.migrate(queue)
        }
        if let fixtures { try await fixtures.load(into: queue) }
        return try await queue.read { db in try SQLiteImage(serializing: try db.requireHandle()) }
    }
}

/// Built GRDB templates, one per content hash for the life of the process; concurrent
/// requests for a template not yet built wait for the same build.
final class GRDBTemplateStore: Sendable {
    static let shared = GRDBTemplateStore()

    private let builds = Mutex<[String: Task<SQLiteImage, any Error>]>([:])

    func image(for template: GRDBTemplate) async throws -> SQLiteImage {
        let key = template.contentHash
        let task = builds.withLock { builds in
            if let existing = builds[key] { return existing }
            let build = Task { try await template.build() }
            builds[key] = build
            return build
        }
        return try await task.value
    }
}
#endif
