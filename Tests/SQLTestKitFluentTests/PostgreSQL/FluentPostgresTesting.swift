#if Fluent && PostgreSQL
import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import Testing

/// Every test of Fluent on PostgreSQL lives in this suite: skipped with one line saying how to
/// enable it where there is no PostgreSQL, failing instead in CI (`SQLTESTKIT_REQUIRE_POSTGRES=1`).
@Suite(.enabled(if: FluentPostgresTesting.canRun, Comment(rawValue: PostgresTestServer.howToEnable)))
struct FluentOnPostgreSQL {}

enum FluentPostgresTesting {
    static var canRun: Bool {
        PostgresTestServer.isAvailable || ProcessInfo.processInfo.environment["SQLTESTKIT_REQUIRE_POSTGRES"] != nil
    }

    /// A new database on the test server for one test, dropped afterwards.
    static func withDatabase<Result>(_ body: (PostgresDriver.Configuration) async throws -> Result) async throws -> Result {
        try await PostgresTemplate.withScratchDatabase("test_fluent", on: try await PostgresTestServer.shared().configuration, body)
    }

    /// fluent-postgres-driver's configuration for a database of the test server.
    static func realDriver(_ configuration: PostgresDriver.Configuration) throws -> DatabaseConfigurationFactory {
        .postgres(configuration: try SQLPostgresConfiguration(sqlTestKit: configuration))
    }

    /// Runs `body` on a Fluent database from `factory`, shut down afterwards whether `body`
    /// throws or not (a connection pool that is not shut down stops the process).
    static func withFluent<Result>(_ factory: DatabaseConfigurationFactory, as id: DatabaseID = .psql, logger: Logger = Logger(label: "test"),
                                   _ body: (any Database) async throws -> Result) async throws -> Result {
        let (db, databases) = try database(factory, as: id, logger: logger)
        do {
            let result = try await body(db)
            await databases.shutdownAsync()
            return result
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }

    /// A Fluent database from `factory`, with `logger`; shut down with the returned `Databases`.
    static func database(_ factory: DatabaseConfigurationFactory, as id: DatabaseID = .psql,
                         logger: Logger = Logger(label: "test")) throws -> (any Database, Databases) {
        let group = MultiThreadedEventLoopGroup.singleton
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
        databases.use(factory, as: id)
        return (try #require(databases.database(id, logger: logger, on: group.any())), databases)
    }
}
#endif
