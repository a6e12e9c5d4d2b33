import Foundation
import SQLTestKit

/// The repository's example `Fixtures/` directory and its schema.
enum ExampleFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static var schema: String {
        get throws { try String(contentsOfFile: directory + "/schema.sql", encoding: .utf8) }
    }

    /// A fresh in-memory database with the bookstore schema and the example fixtures loaded.
    static func loadedDatabase() async throws -> (any DatabaseConnection, FixtureSet) {
        let fixtures = try FixtureSet(directory: directory)
        let db = try await makeDatabase(try schema)
        try await fixtures.load(into: db)
        return (db, fixtures)
    }
}

/// A fresh in-memory database with `schema`, and fixtures parsed from `files`.
func fixtureDatabase(_ schema: String, _ files: KeyValuePairs<String, String>) async throws -> (any DatabaseConnection, FixtureSet) {
    (try await makeDatabase(schema), try FixtureSet(files: files))
}
