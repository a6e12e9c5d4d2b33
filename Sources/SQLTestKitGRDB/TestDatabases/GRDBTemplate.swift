#if GRDB
import Foundation
import GRDB
import SQLTestKit
import Synchronization

/// The database every test of a GRDB app starts from: a schema (SQL, a `schema.sql`, the app's
/// own `DatabaseMigrator` — to the end or up to a named migration — or a closure that sets the
/// database up as the app does), fixture rows, and rows a Swift seed closure writes. It is
/// built once per process, keyed by its content, and each test gets a private copy
/// (``GRDBTestDatabase``).
///
/// ```swift
/// let template = GRDBTemplate(migrator: AppDatabase.migrator, fixtures: try FixtureSet(directory: fixturesPath))
/// ```
///
/// The app's GRDB `Configuration` (SQL functions it registers in `prepareDatabase`, foreign
/// keys, a busy mode) goes in `configuration:`: the template is built on a connection made with
/// it, before the migrations run, and every test's copy is opened with it too.
public struct GRDBTemplate: Sendable {
    /// Sets the database up the way the app does (`try AppDatabase(writer)`, or
    /// `try migrator.migrate(writer)` after other work).
    public typealias Setup = @Sendable (any DatabaseWriter) async throws -> Void

    /// Writes rows that are not fixtures (dates relative to today, typed records), after the
    /// fixtures, in one transaction.
    public typealias Seed = @Sendable (Database) throws -> Void

    /// Where the schema comes from.
    public enum Schema: Sendable {
        /// SQL statements.
        case sql(String)
        /// The app's migrator, run to the end.
        case migrator(DatabaseMigrator)
        /// The app's migrator, run up to and including the named migration (as GRDB
        /// recommends for testing a migration).
        case migratorUpTo(DatabaseMigrator, String)
        /// A closure that sets the database up, and the key that identifies it.
        case setup(key: String, Setup)
    }

    /// The schema.
    public let schema: Schema
    /// Rows loaded after the schema.
    public let fixtures: FixtureSet?
    /// The GRDB configuration the template is built with and every test's copy is opened with.
    public let configuration: Configuration
    /// Rows written after the fixtures.
    public let seed: Seed?
    /// What the template is built from, as a stable key: the schema's SQL, the migrator's
    /// migration identifiers (and the last one run), or the setup closure's key; the fixtures'
    /// content hash; and the seed's key. A change to any builds a new template (within one
    /// process, a migration is identified by its name, a closure by where it is written or
    /// by the key given). Worked out once: every per-test copy looks the template up by it.
    public let contentHash: String

    /// A template from the statements that create the schema, and fixtures.
    public init(schema: String, fixtures: FixtureSet? = nil, configuration: Configuration = Configuration(),
                seed: Seed? = nil, fileID: String = #fileID, line: Int = #line) {
        self.init(.sql(schema), fixtures: fixtures, configuration: configuration, seed: seed, site: "\(fileID):\(line)")
    }

    /// A template from the app's migrator (up to and including `lastMigration`, or to the end),
    /// and fixtures.
    ///
    /// ```swift
    /// // The database as it was before "v3", to test that migration on it.
    /// let beforeV3 = GRDBTemplate(migrator: AppDatabase.migrator, upTo: "v2")
    /// ```
    public init(migrator: DatabaseMigrator, upTo lastMigration: String? = nil, fixtures: FixtureSet? = nil,
                configuration: Configuration = Configuration(), seed: Seed? = nil, fileID: String = #fileID, line: Int = #line) {
        let schema: Schema = lastMigration.map { .migratorUpTo(migrator, $0) } ?? .migrator(migrator)
        self.init(schema, fixtures: fixtures, configuration: configuration, seed: seed, site: "\(fileID):\(line)")
    }

    /// A template the app's own setup code builds: the closure gets the template's writer.
    /// It is identified by where it is written (or by `key`, for templates made in a loop).
    ///
    /// ```swift
    /// let template = GRDBTemplate(configuration: AppDatabase.configuration) { writer in
    ///     _ = try AppDatabase(writer)      // runs the app's migrator
    /// }
    /// ```
    public init(key: String? = nil, fixtures: FixtureSet? = nil, configuration: Configuration = Configuration(),
                seed: Seed? = nil, fileID: String = #fileID, line: Int = #line, _ setup: @escaping Setup) {
        let site = "\(fileID):\(line)"
        self.init(.setup(key: key ?? site, setup), fixtures: fixtures, configuration: configuration, seed: seed, site: site)
    }

    private init(_ schema: Schema, fixtures: FixtureSet?, configuration: Configuration, seed: Seed?, site: String) {
        self.schema = schema
        self.fixtures = fixtures
        self.configuration = configuration
        self.seed = seed
        var schemaKey: String = switch schema {
        case .sql(let sql): "sql\u{0}" + sql
        case .migrator(let migrator): "migrator\u{0}" + migrator.migrations.joined(separator: "\u{0}")
        case .migratorUpTo(let migrator, let last): "migrator\u{0}" + migrator.migrations.joined(separator: "\u{0}") + "\u{0}up to\u{0}" + last
        case .setup(let key, _): "setup\u{0}" + key
        }
        if seed != nil { schemaKey += "\u{0}seed\u{0}" + site }
        // The same stable hash as SQLTestKit's own templates.
        contentHash = DatabaseTemplate(schema: schemaKey, fixtures: fixtures).contentHash
    }

    /// A template of the fixtures' own `schema.sql` and their rows; throws `TemplateError`
    /// when their directory has no `schema.sql`.
    public init(fixtures: FixtureSet, configuration: Configuration = Configuration()) throws {
        guard let sql = fixtures.schemaSQL else {
            throw TemplateError(message: "the fixtures have no schema.sql to build the template from",
                                suggestion: "put the schema in the fixture directory's schema.sql, or use GRDBTemplate(schema:fixtures:) or GRDBTemplate(migrator:fixtures:)")
        }
        self.init(schema: sql, fixtures: fixtures, configuration: configuration)
    }

    /// Builds the template in a private in-memory `DatabaseQueue` made with the template's
    /// configuration, and keeps its bytes.
    func build() async throws -> SQLiteImage {
        let queue = try DatabaseQueue(configuration: configuration)
        switch schema {
        case .sql(let sql):
            try await queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        case .migrator(let migrator):
            // GRDB's migrator is synchronous; this runs once per process.
            try migrator.migrate(queue)
        case .migratorUpTo(let migrator, let last):
            // GRDB stops the process on an unknown name: refuse it first, with the names it has.
            guard migrator.migrations.contains(last) else {
                throw TemplateError(message: "the migrator has no migration named `\(last)` (it has \(migrator.migrations.map { "`\($0)`" }.joined(separator: ", ")))",
                                    suggestion: Suggestions.closest(to: last, in: migrator.migrations).map { "did you mean `\($0)`?" }
                                        ?? "name one of the registered migrations")
            }
            try migrator.migrate(queue, upTo: last)
        case .setup(_, let setup):
            try await setup(queue)
        }
        if let fixtures { try await fixtures.load(into: queue) }
        if let seed { try await queue.write { db in try seed(db) } }
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
