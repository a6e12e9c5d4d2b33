import Foundation

/// The schema a ``MockDriver`` checks statements against: SQL text, a `schema.sql` file, or
/// the schema of a fixture directory.
///
/// ```swift
/// let mock = try MockDriver(dialect: .sqlite, schema: "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
/// let fromFile = try MockDriver(dialect: .sqlite, schema: .file("Fixtures/schema.sql"))
/// let fromFixtures = try MockDriver(dialect: .sqlite, schema: .fixtures(try FixtureSet(directory: "Fixtures")))
/// ```
public struct MockSchema: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The statements that make the schema.
    public var sql: String
    /// Where the schema came from, for messages (`schema.sql`, a fixture directory).
    public var source: String

    /// A schema given as SQL.
    public init(sql: String, source: String = "the schema given to the mock") {
        self.sql = sql
        self.source = source
    }

    public init(stringLiteral sql: String) {
        self.init(sql: sql)
    }

    /// The schema in the file at `path` (a `schema.sql`).
    public static func file(_ path: String) throws -> MockSchema {
        do {
            return MockSchema(sql: try String(contentsOfFile: path, encoding: .utf8), source: path)
        } catch {
            throw QueryError(code: .cannotOpen, message: "cannot read the mock's schema file \(path): \(error.localizedDescription)",
                             suggestion: "pass the path of a schema.sql file, relative to the working directory or absolute")
        }
    }

    /// The schema of a fixture directory (its `schema.sql`).
    public static func fixtures(_ fixtures: FixtureSet) throws -> MockSchema {
        guard let sql = fixtures.schemaSQL else {
            throw QueryError(code: .notFound, message: "the fixture set has no \(FixtureSet.schemaFileName) to check the mock's statements against",
                             suggestion: "put the schema in the fixture directory's \(FixtureSet.schemaFileName), or pass the schema's SQL")
        }
        return MockSchema(sql: sql, source: "the fixtures' \(FixtureSet.schemaFileName)")
    }
}
