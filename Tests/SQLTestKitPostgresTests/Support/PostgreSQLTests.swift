#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import Testing

/// Every PostgreSQL test lives in this suite: on a machine without PostgreSQL and without
/// `SQLTESTKIT_POSTGRES_URL` it is skipped with one line saying how to enable it. CI sets
/// `SQLTESTKIT_REQUIRE_POSTGRES=1`, so there a missing server fails instead of skipping.
@Suite(.enabled(if: PostgresTesting.canRun, Comment(rawValue: PostgresTestServer.howToEnable)))
struct PostgreSQL {}

enum PostgresTesting {
    static var canRun: Bool {
        PostgresTestServer.isAvailable || ProcessInfo.processInfo.environment["SQLTESTKIT_REQUIRE_POSTGRES"] != nil
    }

    /// The repository's root (for Fixtures/ and Examples/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static var bookstoreSchema: String {
        get throws { try String(contentsOfFile: root + "/Examples/PostgreSQL/schema.sql", encoding: .utf8) }
    }

    static var bookstoreFixtures: FixtureSet {
        get throws { try FixtureSet(directory: root + "/Fixtures") }
    }

    /// A new database for one test, `sqltestkit_test_…` (its name says it is a test
    /// database), dropped afterwards.
    static func withDatabase<Result>(named prefix: String = "sqltestkit_test", _ body: (PostgresDriver) async throws -> Result) async throws -> Result {
        let server = try await PostgresTestServer.shared()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try await server.driver().connect()
        try await admin.execute(SQLQuery(sql: "CREATE DATABASE \"\(name)\""))
        await admin.close()
        func drop() async throws {
            let admin = try await server.driver().connect()
            try await admin.execute(SQLQuery(sql: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"))
            await admin.close()
        }
        do {
            let result = try await body(server.driver(database: name))
            try await drop()
            return result
        } catch {
            try? await drop()
            throw error
        }
    }

    /// One connection to a new database, closed (and the database dropped) afterwards.
    static func withConnection<Result>(_ body: (PostgresDriver.Connection) async throws -> Result) async throws -> Result {
        try await withDatabase { driver in try await driver.open().closing(after: body) }
    }
}
#endif
