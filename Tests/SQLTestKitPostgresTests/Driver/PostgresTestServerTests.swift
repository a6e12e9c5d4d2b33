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
            // A pipe open in this process while the server starts: the server must not inherit
            // it, or a reader waits for its end as long as the server runs (a test run hung so).
            let pipe = Pipe()
            let server = try await PostgresTestServer.startPrivate()
            try pipe.fileHandleForWriting.close()
            var descriptor = pollfd(fd: pipe.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 3000)
            #expect(ready == 1, "the pipe's write end is still open somewhere: the server inherited it")
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
