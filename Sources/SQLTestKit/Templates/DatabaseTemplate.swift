import Foundation

/// A database to copy for every test: a schema plus seed SQL and fixtures, built once per test
/// process (keyed by a hash of its content) and cloned for each test in microseconds.
///
/// ```swift
/// let template = try DatabaseTemplate(fixtures: FixtureSet(directory: "Fixtures"))  // schema.sql + fixtures
/// let driver = try await SQLiteDriver.cloning(template)   // a private in-memory copy
/// ```
public struct DatabaseTemplate: Sendable, Hashable {
    /// SQL that creates the schema.
    public var schema: String
    /// SQL run after the schema: rows every test starts with.
    public var seed: String
    /// Fixtures loaded after the seed.
    public var fixtures: FixtureSet?
    /// Code that builds the schema on the template's connection before the seed, such as an
    /// ORM's migrations (see ``init(building:key:seed:fixtures:)``).
    public var builder: (@Sendable (any DatabaseConnection) async throws -> Void)?
    /// What identifies ``builder`` in ``contentHash`` (the migrations' names).
    public var builderKey: String = ""

    /// A template from the statements that create the schema, statements that seed rows, and
    /// fixtures loaded after them; it is built once per process, keyed by its content.
    public init(schema: String, seed: String = "", fixtures: FixtureSet? = nil) {
        self.schema = schema
        self.seed = seed
        self.fixtures = fixtures
    }

    /// A template whose schema is made by code run on its connection once per process — an
    /// ORM's migrations, say — then `seed` and `fixtures`. `key` names what the code builds (a
    /// different key builds a different template; the code itself cannot be hashed).
    ///
    /// ```swift
    /// let template = DatabaseTemplate(building: { db in try await migrate(db) }, key: "v1,v2", fixtures: fixtures)
    /// ```
    public init(building builder: @escaping @Sendable (any DatabaseConnection) async throws -> Void, key: String,
                seed: String = "", fixtures: FixtureSet? = nil) {
        self.init(schema: "", seed: seed, fixtures: fixtures)
        self.builder = builder
        self.builderKey = key
    }

    /// A template of the fixtures' own schema (their directory's `schema.sql`) and their rows.
    /// Throws ``TemplateError`` when the fixtures came without a schema.
    public init(fixtures: FixtureSet) throws {
        guard let schema = fixtures.schemaSQL else {
            throw TemplateError(message: "the fixtures have no schema.sql to build the template from",
                                suggestion: "put the schema in the fixture directory's schema.sql, or use DatabaseTemplate(schema:fixtures:)")
        }
        self.init(schema: schema, fixtures: fixtures)
    }

    /// A template whose schema is read from a file. Throws ``TemplateError`` naming the file
    /// when it cannot be read.
    public init(schemaFile path: String, seed: String = "", fixtures: FixtureSet? = nil) throws {
        do {
            self.init(schema: try String(contentsOfFile: path, encoding: .utf8), seed: seed, fixtures: fixtures)
        } catch {
            throw TemplateError(message: "cannot read the schema file \(path): \(error.localizedDescription)",
                                suggestion: "paths are relative to the working directory, \(FileManager.default.currentDirectoryPath); pass an absolute path or one built from #filePath")
        }
    }

    /// A stable hash of the schema, seed and fixtures (FNV-1a, 64 bits, hexadecimal): the same
    /// content gives the same key in every process and on every machine.
    public var contentHash: String {
        StableHash.hex(StableHash.fnv1a64(schema.utf8 + [0] + seed.utf8 + [0] + (fixtures?.contentHash ?? "").utf8
                                          + (builder == nil ? [] : [1] + builderKey.utf8)))
    }

    public static func == (lhs: DatabaseTemplate, rhs: DatabaseTemplate) -> Bool { lhs.contentHash == rhs.contentHash }
    public func hash(into hasher: inout Hasher) { hasher.combine(contentHash) }
}

/// A template could not be built or read.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong while building the template.
    public var message: String
    /// How to fix it, when there is a likely fix.
    public var suggestion: String?
    public var description: String { message + (suggestion.map { "\n  suggestion: \($0)" } ?? "") }

    /// An error with what went wrong and how to fix it (adapters building templates of their own use it too).
    public init(message: String, suggestion: String? = nil) {
        self.message = message
        self.suggestion = suggestion
    }
}
