#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    @Suite("The throwaway server")
    struct Server {
        @Test(.enabled(if: PostgresTestServer.canStartPrivate || ProcessInfo.processInfo.environment["SQLTESTKIT_REQUIRE_POSTGRES"] != nil))
        func aPrivateClusterStartsOnLoopbackAndIsGoneWhenStopped() async throws {
            let server = try PostgresTestServer.startPrivate()
            let directory = try #require(server.directory)
            #expect(server.configuration.host == "127.0.0.1")
            #expect(FileManager.default.fileExists(atPath: directory + "/data/PG_VERSION"))
            let db = try await server.driver().connect()
            #expect(try await db.fetchOne(String.self, "SELECT current_user") == "postgres")
            #expect(try await db.fetchOne(String.self, "SHOW listen_addresses") == "127.0.0.1")
            #expect(try await db.fetchOne(String.self, "SHOW fsync") == "off")
            // PostgreSQL refuses to run as root; as root the cluster runs as `postgres`.
            let owner = try await db.fetchOne(String.self, "SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'template1'")
            #expect(owner == "postgres")
            await db.close()
            server.stop()
            #expect(!FileManager.default.fileExists(atPath: directory))
            let refused = try await #require(throws: QueryError.self) { _ = try await server.driver().connect() }
            #expect(refused.code == .cannotOpen)
            #expect(refused.suggestion?.contains("PostgresTestServer starts a private one") == true)
        }

        @Test func theSharedServerIsOneForTheProcess() async throws {
            let first = try await PostgresTestServer.shared()
            async let second = PostgresTestServer.shared()
            let other = try await second
            #expect(first === other)
            #expect(first.url.hasPrefix("postgres://"))
        }

        @Test func theSkipLineSaysHowToEnable() {
            #expect(PostgresTestServer.howToEnable == "PostgreSQL tests skipped: no initdb/pg_ctl found and SQLTESTKIT_POSTGRES_URL is not set; install PostgreSQL (apt-get install postgresql) or set SQLTESTKIT_POSTGRES_URL=postgres://user@host:port/db")
        }
    }
}
#endif
