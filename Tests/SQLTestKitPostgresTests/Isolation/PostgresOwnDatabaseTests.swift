#if PostgreSQL
import Foundation
import Logging
import PostgresNIO
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    /// Code written on postgres-nio: its own connections on a database of its own, and never
    /// the raw connection under a test transaction.
    @Suite("Production drivers on a per-test PostgreSQL database")
    struct OwnDatabase {
        static let template = PostgresTemplate.onTestServer(schema: """
            CREATE TABLE note(id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL);
            INSERT INTO note(body) VALUES ('from the template');
            """)

        @Test func postgresNIOsRawConnectionIsRefusedInsideATestTransaction() async throws {
            try await IsolatedDatabase.with(Self.template.mode(.transaction)) { db in
                let connection = try #require(db as? PostgresDriver.Connection)
                let error = #expect(throws: PostgresRawConnectionError.self) { _ = try connection.underlying }
                #expect(error?.description.hasPrefix("refused postgres-nio's connection to ") == true)
                #expect(error?.description.contains("suggestion: give code written on postgres-nio a database of its own: `try await template.withDatabase") == true)
            }
            // Outside a test transaction it is handed out.
            try await IsolatedDatabase.with(Self.template.mode(.database)) { db in
                let connection = try #require(db as? PostgresDriver.Connection)
                let rows = try await connection.underlying.query("SELECT body FROM note", logger: Logger(label: "test"))
                var bodies: [String] = []
                for try await (body) in rows.decode(String.self) { bodies.append(body) }
                #expect(bodies == ["from the template"])
            }
        }

        @Test func aPostgresClientCommitsInItsOwnDatabaseWhichIsDroppedAfterwards() async throws {
            var name = ""
            try await Self.template.withDatabase { database in
                name = database.database
                #expect(name.hasPrefix("sqltestkit_"))
                let client = PostgresClient(configuration: try database.postgresClientConfiguration())
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    // The code under test's own transaction commits, as in production.
                    _ = try await client.withTransaction(logger: Logger(label: "test")) { connection in
                        try await connection.query("INSERT INTO note(body) VALUES ('committed by the app')", logger: Logger(label: "test"))
                    }
                    let rows = try await client.query("SELECT count(*) FROM note")
                    var counts: [Int] = []
                    for try await count in rows.decode(Int.self) { counts.append(count) }
                    #expect(counts == [2])
                    group.cancelAll()
                }
            }
            // The database is gone, and the next test starts from the template.
            let server = try await PostgresTestServer.shared()
            let left = try await server.driver().open().closing { db in
                try await db.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname = \(name)")
            }
            #expect(left == 0)
            try await IsolatedDatabase.with(Self.template.mode(.database)) { db in
                let count = try await db.fetchOne(Int.self, "SELECT count(*) FROM note")
                #expect(count == 1)
            }
        }

        @Test func aTestsSessionIsResetBeforeTheNextTestGetsItsConnection() async throws {
            // A template of its own, so its idle connection is this test's alone.
            let template = PostgresTemplate.onTestServer(schema: "CREATE TABLE reuse_\(UUID().uuidString.prefix(8))(id INT);")
            let first = try await IsolatedDatabase.with(template) { db in
                // Session state a test transaction's rollback does not undo.
                try await db.execute("PREPARE leftover AS SELECT 1")
                _ = try await db.fetchAll("SELECT pg_advisory_lock(4242)")
                try await db.execute("LISTEN leftover_channel")
                try await db.execute("SET TIME ZONE 'Asia/Tokyo'")
                try await db.execute("CREATE TEMP TABLE leftover_temp(id INT)")
                return try await db.fetchOne(Int.self, "SELECT pg_backend_pid()")
            }
            try await IsolatedDatabase.with(template) { db in
                let pid = try await db.fetchOne(Int.self, "SELECT pg_backend_pid()")
                #expect(pid == first, "the connection was kept for the next test")
                let prepared = try await db.fetchOne(Int.self, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'leftover'")
                let locks = try await db.fetchOne(Int.self, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
                let channels = try await db.fetchOne(Int.self, "SELECT count(*) FROM pg_listening_channels()")
                let zone = try await db.fetchOne(String.self, "SHOW TimeZone")
                let temp = try await db.fetchOne(Int.self, "SELECT count(*) FROM pg_class WHERE relname = 'leftover_temp'")
                #expect(prepared == 0)
                #expect(locks == 0)
                #expect(channels == 0)
                #expect(zone == "UTC")
                #expect(temp == 0)
            }
        }

        @Test func theConnectionConfigurationCarriesTheSessionOptions() throws {
            var configuration = PostgresDriver.Configuration(host: "127.0.0.1", port: 5433, username: "app", password: "secret", database: "db_1")
            configuration.options = "-c statement_timeout=5000"
            configuration.applicationName = "tests"
            let nio = try configuration.postgresConnectionConfiguration()
            #expect(nio.host == "127.0.0.1")
            #expect(nio.port == 5433)
            #expect(nio.username == "app")
            #expect(nio.password == "secret")
            #expect(nio.database == "db_1")
            #expect(nio.options.additionalStartupParameters.map { "\($0.0)=\($0.1)" } == ["options=-c statement_timeout=5000", "application_name=tests"])
            let client = try configuration.postgresClientConfiguration()
            #expect(client.options.maximumConnections == configuration.maxConnections)
            configuration.tls = .verifyFull
            configuration.rootCertificatePath = "/no/such/file.pem"
            let error = #expect(throws: QueryError.self) { _ = try configuration.postgresClientConfiguration() }
            #expect(error?.message.hasPrefix("cannot set up TLS for 127.0.0.1:5433 (sslmode=verify-full)") == true)
        }
    }
}
#endif
