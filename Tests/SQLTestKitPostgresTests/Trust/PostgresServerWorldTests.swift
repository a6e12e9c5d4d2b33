#if PostgreSQL
import Foundation
import SQLTestKit
@testable import SQLTestKitPostgres
import SQLTestKitTestSupport
import Testing

/// The world as users have it: connections the server ends, servers in another time zone,
/// URLs with parameters, runs that crashed.
extension PostgreSQL {
    @Suite("PostgreSQL as users run it")
    struct ServerWorld {
        // MARK: - Connections the server ends

        @Test func aTestThatTerminatesItsOwnBackendFailsPromptlyWithTheServersMessage() async throws {
            let template = try await PostgresIsolation.template(.transaction)
            // Opened before the clock starts: with the whole suite running, waiting for a
            // connection can take a while, and the promptness checked is the failure's.
            let db = try await template.openIsolated()
            let outcome: String = try await within(seconds: 20) {
                do {
                    try await db.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                    try await template.closeIsolated(db)
                    return "returned"
                } catch let error as QueryError {
                    try? await template.closeIsolated(db)
                    return "\(error.databaseCode ?? "-") \(error.message)"
                }
            }
            #expect(outcome.hasPrefix("57P01 terminating connection due to administrator command"), "\(outcome)")
            // The run goes on: the next test gets a working database.
            let count = try await IsolatedDatabase.with(template) { db in try await db.fetchOne(Int.self, "SELECT count(*) FROM author") }
            #expect((count ?? 0) > 0)
        }

        @Test func aConnectionKilledFromAnotherSessionFailsEveryStatementPromptly() async throws {
            let server = try await PostgresTestServer.shared()
            let db = try await server.driver().open()
            try await db.beginTestTransaction()
            let pid = try #require(try await db.fetchOne(Int.self, "SELECT pg_backend_pid()"))
            try await server.driver().open().closing { (admin) async throws in
                #expect(try await admin.fetchOne(Bool.self, "SELECT pg_terminate_backend(\(pid)::integer)") == true)
            }
            let messages: [String] = try await within(seconds: 20) {
                var messages: [String] = []
                for _ in 0..<3 {
                    do {
                        try await db.execute("SELECT 1")
                        messages.append("ran")
                    } catch {
                        messages.append(String(describing: error))
                    }
                }
                do { try await db.endTestTransaction() } catch { messages.append("end: \(error)") }
                return messages
            }
            #expect(!messages.contains("ran"), "\(messages)")
            #expect(messages.first?.contains("57P01") == true || messages.first?.contains("closed") == true, "\(messages)")
            await db.close()
        }

        @Test func aStoppedServerFailsStatementsPromptly() async throws {
            let server = try await PostgresTestServer.startPrivate()
            let db = try await server.driver().open()
            try await db.beginTestTransaction()
            try await db.execute("SELECT 1")
            server.stop()
            let message: String = try await within(seconds: 30) {
                do {
                    try await db.execute("SELECT 1")
                    return "ran"
                } catch {
                    return String(describing: error)
                }
            }
            #expect(message != "ran")
            #expect(message.contains("57P01") || message.contains("closed"), "\(message)")
            await db.close()
        }

        // MARK: - Time zones

        @Test func aDateIsTheSameInstantOnAServerInAnotherTimeZone() async throws {
            try await PostgresTesting.withDatabase { driver in
                let database = driver.configuration.database
                try await PostgresTestServer.shared().driver().open().closing { (admin) async throws in
                    try await admin.execute(SQLQuery(sql: "ALTER DATABASE \"\(database)\" SET TimeZone = 'America/New_York'"))
                }
                let instant = Date(timeIntervalSince1970: 1_765_000_000.25)
                try await driver.open().closing { (db) async throws in
                    // The attack: a session in New York reads offset-less text as New York time.
                    let raw = try await db.fetchOne(String.self, "SELECT current_setting('TimeZone')")
                    #expect(raw == "UTC", "the driver's sessions run in UTC whatever the database says")
                    try await db.execute("CREATE TABLE event(at timestamptz, local timestamp)")
                    try await db.execute("INSERT INTO event VALUES (\(instant), \(instant))")
                    let read = try await db.fetchOne("SELECT at FROM event")?.decode("at", as: Date.self)
                    #expect(read == instant)
                    let epoch = try await db.fetchOne(Double.self, "SELECT extract(epoch FROM at)::float8 FROM event")
                    #expect(epoch == instant.timeIntervalSince1970)
                }
                // A session that does not set the zone sees the same instant.
                try await driver.open().closing { (db) async throws in
                    try await db.execute("SET TIME ZONE 'Asia/Kolkata'")
                    let epoch = try await db.fetchOne(Double.self, "SELECT extract(epoch FROM at)::float8 FROM event")
                    #expect(epoch == instant.timeIntervalSince1970)
                }
            }
        }

        // MARK: - URLs

        @Test func urlParametersAreHonouredOrRefusedByName() async throws {
            let server = try await PostgresTestServer.shared()
            let base = "postgres://postgres@\(server.configuration.host):\(server.configuration.port)"
            try await PostgresTesting.withDatabase { driver in
                let database = driver.configuration.database
                try await driver.open().closing { (db) async throws in
                    try await db.execute("CREATE SCHEMA staging")
                    try await db.execute("CREATE TABLE staging.author(id INTEGER, name TEXT)")
                }
                let url = "\(base)/\(database)?options=-c search_path=staging&application_name=sqltestkit-tests&connect_timeout=5&sslmode=disable"
                let configuration = try PostgresDriver.Configuration(url: url)
                #expect(configuration.options == "-c search_path=staging")
                #expect(configuration.applicationName == "sqltestkit-tests")
                #expect(configuration.connectTimeout == .seconds(5))
                try await PostgresDriver(configuration: configuration).open().closing { (db) async throws in
                    #expect(try await db.fetchOne(String.self, "SELECT current_schema()") == "staging")
                    #expect(try await db.fetchOne(String.self, "SELECT current_setting('application_name')") == "sqltestkit-tests")
                    try await db.execute("INSERT INTO author VALUES (1, 'In staging')")
                }
                try await driver.open().closing { (db) async throws in
                    #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM staging.author") == 1)
                }
                // `require` never becomes plain TCP: this server offers no TLS.
                let require = try PostgresDriver(url: "\(base)/\(database)?sslmode=require")
                let refused = await #expect(throws: QueryError.self) { _ = try await require.open() }
                #expect(refused?.code == .cannotOpen)
                #expect(refused?.message.contains("does not offer TLS, and sslmode=require does not allow a plain connection") == true,
                        "\(String(describing: refused))")
                // `prefer` falls back, as libpq's does.
                try await PostgresDriver(url: "\(base)/\(database)?sslmode=prefer").open().closing { (db) async throws in
                    #expect(try await db.fetchOne(Int.self, "SELECT 1") == 1)
                }
            }
            for (url, named) in [("\(base)/x?target_session_attrs=any", "`target_session_attrs` is not supported"),
                                 ("\(base)/x?sslmode=sometimes", "sslmode `sometimes` is not one of disable, prefer, require, verify-ca, verify-full"),
                                 ("\(base)/x?connect_timeout=soon", "connect_timeout `soon` is not a whole number")] {
                let error = #expect(throws: PostgresURLError.self) { try PostgresDriver.Configuration(url: url) }
                #expect(error?.reason.contains(named) == true, "\(String(describing: error))")
            }
        }

        // MARK: - Errors in PostgreSQL's terms

        @Test func errorsAreDescribedInPostgresTermsAndStillMatchTheirCodes() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.execute("CREATE TABLE author(id INTEGER PRIMARY KEY)")
                try await db.execute("INSERT INTO author VALUES (1)")
                do {
                    try await db.execute("INSERT INTO author VALUES (1)")
                    Issue.record("a duplicate key was accepted")
                } catch QueryError.Code.constraintPrimaryKey {
                    // Still matched by the code users catch.
                }
                let duplicate = await #expect(throws: QueryError.self) { try await db.execute("INSERT INTO author VALUES (1)") }
                let description = duplicate.map(String.init(describing:)) ?? ""
                #expect(description.hasPrefix("SQLSTATE 23505 unique_violation (QueryError.Code.constraintPrimaryKey): duplicate key value"), "\(description)")
                #expect(!description.contains("SQLITE_"))
                let missing = await #expect(throws: QueryError.self) { try await db.execute("SELECT * FROM authr") }
                #expect(missing.map(String.init(describing:))?.hasPrefix("SQLSTATE 42P01 undefined_table (QueryError.Code.error)") == true)
            }
            #expect(PostgresErrorMapping.conditionName(of: "57P01") == "admin_shutdown")
            #expect(PostgresErrorMapping.conditionName(of: "42P99") == "(class 42: syntax error or access rule violation)")
        }

        // MARK: - Leftovers of earlier runs

        @Test func databasesOfDeadRunsAreDroppedAndALiveRunsAreKept() async throws {
            let server = try await PostgresTestServer.shared()
            try await PostgresRun.register(on: server.configuration)
            let dead = "sqltestkit_0000dead_rdeadbeef_1"
            let live = "sqltestkit_0000beef_rfeedface_1"
            let unmarked = "sqltestkit_0000cafe_rcafecafe_1"
            try await server.driver().open().closing { (admin) async throws in
                for name in [dead, live, unmarked] { try await PostgresTemplate.dropDatabase(name, on: admin) }
                try await PostgresTemplate.createMarkedDatabase(dead, on: admin)
                try await PostgresTemplate.createMarkedDatabase(live, on: admin)
                try await admin.execute(SQLQuery(sql: "CREATE DATABASE \(unmarked)"))
            }
            // Another run, alive: it holds its lock on a session of its own.
            let liveRun = try await server.driver().open()
            try await liveRun.execute(SQLQuery(sql: "SELECT pg_advisory_lock(hashtext(?))", arguments: [.text(PostgresRun.lockName(of: "feedface"))]))
            let dropped = try await server.driver().open().closing { admin in try await PostgresRun.dropLeftovers(on: admin) }
            #expect(dropped.contains(dead))
            #expect(!dropped.contains(live))
            #expect(!dropped.contains(unmarked), "a database without SQLTestKit's marker is never dropped")
            #expect(!dropped.contains { $0.contains(PostgresRun.tag) }, "this run's own databases are kept")
            try await server.driver().open().closing { (admin) async throws in
                let names = try await admin.fetchAll(String.self, "SELECT datname FROM pg_database WHERE datname LIKE 'sqltestkit\\_0000%'")
                #expect(Set(names) == [live, unmarked])
                await liveRun.close()
                // Once the other run is gone, its database goes too.
                #expect(try await PostgresRun.dropLeftovers(on: admin) == [live])
                try await PostgresTemplate.dropDatabase(unmarked, on: admin)
            }
            #expect(PostgresRun.runID(in: "sqltestkit_0123abcd_r1a2b3c4d_ffee") == "1a2b3c4d")
            #expect(PostgresRun.runID(in: "sqltestkit_0123abcd_tx_r1a2b3c4d_2") == "1a2b3c4d")
            #expect(PostgresRun.runID(in: "sqltestkit_0123abcd_tx") == nil)
        }

        @Test func aPrivateServerOfACrashedRunIsStoppedByTheNextRun() async throws {
            // A process that has exited: its pid names the crashed run.
            let exited = Process()
            exited.executableURL = URL(fileURLWithPath: "/bin/true")
            try exited.run()
            exited.waitUntilExit()
            let orphan = try await PostgresTestServer.startPrivate(ownerPID: exited.processIdentifier)
            let directory = try #require(orphan.directory)
            // Another test starting a server may clean it up first: either way it must be gone.
            let stopped = PostgresTestServer.stopLeftoverServers()
            #expect(stopped.contains(directory) || !FileManager.default.fileExists(atPath: directory), "\(stopped)")
            #expect(!FileManager.default.fileExists(atPath: directory))
            await #expect(throws: QueryError.self) { _ = try await orphan.driver().open() }
            // A live run's server (this process's shared one) is left alone.
            let shared = try await PostgresTestServer.shared()
            try await shared.driver().open().closing { (db) async throws in #expect(try await db.fetchOne(Int.self, "SELECT 1") == 1) }
        }
    }
}
#endif
