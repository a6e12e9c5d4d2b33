#if PostgreSQL
import Foundation
import SQLTestKit
@testable import SQLTestKitPostgres
import SQLTestKitTestSupport
import Synchronization
import Testing

extension PostgreSQL {
    /// Keeping a failed test's PostgreSQL database: kept on the server in database mode,
    /// dumped (and loadable with `sqltestkit load`) in transaction mode.
    @Suite("Keeping a failed test's PostgreSQL database")
    struct KeepOnFailure {
        static let schema = """
            CREATE TABLE author(id bigserial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE note(id bigserial PRIMARY KEY, author_id bigint NOT NULL REFERENCES author(id), body text NOT NULL UNIQUE,
                              written timestamptz NOT NULL DEFAULT '2024-05-01 12:00:00+00');
            INSERT INTO author(name) VALUES ('Ada');
            """

        /// A template on the test server.
        static func template(_ mode: PostgresTemplate.Mode) async throws -> PostgresTemplate {
            PostgresTemplate(server: try await PostgresTestServer.shared().configuration, schema: schema, mode: mode)
        }

        /// Whether the test server outlives this process (`SQLTESTKIT_POSTGRES_URL`'s, as in CI).
        static var serverLasts: Bool { ProcessInfo.processInfo.environment[PostgresTestServer.urlVariable] != nil }

        static func databaseExists(_ name: String) async throws -> Bool {
            try await PostgresTestServer.shared().driver().open().closing { admin in
                try await admin.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname = \(name)") == 1
            }
        }

        /// What the code under test did before failing: a committed transaction (a savepoint
        /// inside the test transaction) and a change left open.
        static func work(_ db: any DatabaseConnection) async throws {
            try await db.transaction { db in
                try await db.execute("INSERT INTO note(author_id, body) VALUES (\(1), \("committed by the code"))")
            }
            try await db.execute("UPDATE author SET name = \("Ada L.") WHERE id = \(1)")
        }

        @Test(.enabled(if: serverLasts, "needs a server that outlives the tests: SQLTESTKIT_POSTGRES_URL"))
        func databaseModeKeepsTheDatabaseOnALastingServer() async throws {
            let root = try FailingFixtures.directory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let template = try await Self.template(.database)
            let location = KeepLocation(suite: "Notes", test: "keepsInDatabaseMode-\(UUID().uuidString.prefix(8))", directory: root)
            let kept = PostgresTemplate.keptName(location)
            let lines = CollectedLines()
            let db = try await template.openIsolated()
            let testDatabase = try #require((db as? PostgresDriver.Connection)?.driver.configuration.database)
            try await Self.work(db)
            // Another connection the code opened itself does not stop the keep.
            let second = try await PostgresDriver(configuration: try await PostgresTestServer.shared().configuration.database(testDatabase)).open()
            try await IsolatedDatabase.end(db, from: template, keepingAt: location, failed: true, report: lines.append)
            await second.close()

            let url = PostgresDriver(configuration: try await PostgresTestServer.shared().configuration.database(kept)).url
            #expect(lines.all == ["kept the database of the failed test \(location.name): psql '\(url)' (also dumped to '\(location.dumpDirectory)')"])
            #expect(try await !Self.databaseExists(testDatabase))
            let keptDB = try await PostgresDriver(url: url).open()
            #expect(try await keptDB.fetchAll("SELECT a.name, n.body FROM note n JOIN author a ON a.id = n.author_id").map(\.values)
                    == [[.text("Ada L."), .text("committed by the code")]])
            // Evidence, not a test database: a fixture load refuses it.
            let refused = await #expect(throws: NotATestDatabaseError.self) {
                try await FixtureSet(files: ["author.yml": "zed:\n  name: Zed\n"]).load(into: keptDB)
            }
            #expect(refused?.description.contains("the PostgreSQL database `\(kept)`") == true)
            let comment = try await keptDB.fetchOne(String.self, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
            #expect(comment == "sqltestkit kept from the failed test \(location.name)")
            await keptDB.close()
            // The cleanup of earlier runs' leftovers leaves it alone.
            let dropped = try await PostgresTestServer.shared().driver().open().closing { try await PostgresRun.dropLeftovers(on: $0) }
            #expect(!dropped.contains(kept))
            #expect(try await Self.databaseExists(kept))
            #expect(try String(contentsOfFile: location.dumpDirectory + "/note.yml", encoding: .utf8).contains("body: committed by the code"))

            // The same test passes in a later run: the kept database and dump are removed.
            try await IsolatedDatabase.with(template, keepingOnFailureAt: location, report: lines.append) { db in
                try await db.execute("DELETE FROM note")
            }
            #expect(try await !Self.databaseExists(kept))
            #expect(!FileManager.default.fileExists(atPath: location.dumpDirectory))
            #expect(lines.all.count == 1)
        }

        @Test func transactionModeDumpsWhatTheTestSawAndTheCommandLoadsIt() async throws {
            let root = try FailingFixtures.directory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let template = try await Self.template(.transaction)
            let location = KeepLocation(suite: "Notes", test: "keepsInTransactionMode-\(UUID().uuidString.prefix(8))", directory: root)
            let kept = PostgresTemplate.keptName(location)
            let lines = CollectedLines()
            let db = try await template.openIsolated()
            try await Self.work(db)
            try await IsolatedDatabase.end(db, from: template, keepingAt: location, failed: true, report: lines.append)

            let url = PostgresDriver(configuration: try await PostgresTestServer.shared().configuration.database(kept)).url
            #expect(lines.all == ["kept the database of the failed test \(location.name): swift run --traits PostgreSQL sqltestkit load '\(location.dumpDirectory)' -d '\(url)'"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: location.dumpDirectory).sorted() == ["author.yml", "note.yml", "schema.sql"])
            #expect(try String(contentsOfFile: location.dumpDirectory + "/author.yml", encoding: .utf8).contains("name: Ada L."))
            // Rolled back: the next test sees the template's rows.
            let notes = try await IsolatedDatabase.with(template) { try await $0.fetchOne(Int.self, "SELECT count(*) FROM note") }
            #expect(notes == 0)

            // The printed command, run: it creates the database and loads the test's view.
            let binary = try #require(BuiltBinary(named: "sqltestkit"))
            let load = try binary.run(["load", location.dumpDirectory, "-d", url])
            #expect(load.status == 0, "\(load.error)")
            #expect(load.output.hasPrefix("created the database \(kept)\n"))
            let loaded = try await PostgresDriver(url: url).open().closing { db in
                try await db.fetchAll("SELECT a.name, n.body, n.written = '2024-05-01 12:00:00+00' FROM note n JOIN author a ON a.id = n.author_id").map(\.values)
            }
            #expect(loaded == [[.text("Ada L."), .text("committed by the code"), .integer(1)]])

            // A later run of the same test drops what the command loaded (on a server this
            // process started, the server itself goes at exit).
            try await template.removeKept(at: location)
            #expect(try await Self.databaseExists(kept) == !Self.serverLasts)
            try await PostgresTestServer.shared().driver().open().closing { try await $0.execute(SQLQuery(sql: "DROP DATABASE IF EXISTS \(kept)")) }
        }

        @Test func onAServerThisProcessStartedDatabaseModeDumpsAndDropsTheDatabase() async throws {
            let root = try FailingFixtures.directory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let server = try await PostgresTestServer.startPrivate()
            defer { server.stop() }
            let template = PostgresTemplate(server: server.configuration, schema: Self.schema, mode: .database)
            let location = KeepLocation(suite: "Notes", test: "throwaway", directory: root)
            let lines = CollectedLines()
            let db = try await template.openIsolated()
            let testDatabase = try #require((db as? PostgresDriver.Connection)?.driver.configuration.database)
            try await Self.work(db)
            try await IsolatedDatabase.end(db, from: template, keepingAt: location, failed: true, report: lines.append)
            let url = PostgresDriver(configuration: server.configuration.database(PostgresTemplate.keptName(location))).url
            #expect(lines.all == ["kept the database of the failed test Notes/throwaway: swift run --traits PostgreSQL sqltestkit load '\(location.dumpDirectory)' -d '\(url)'"])
            let names = try await server.driver().open().closing { admin in
                try await admin.fetchAll("SELECT datname FROM pg_database").compactMap { $0[0].string }
            }
            #expect(!names.contains(testDatabase))
            #expect(!names.contains(PostgresTemplate.keptName(location)))
            #expect(try String(contentsOfFile: location.dumpDirectory + "/note.yml", encoding: .utf8).contains("body: committed by the code"))
        }

        @Test func anAbortedTransactionIsDumpedAsItWasBeforeTheError() async throws {
            let root = try FailingFixtures.directory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let template = try await Self.template(.transaction)
            let location = KeepLocation(suite: "Notes", test: "aborted-\(UUID().uuidString.prefix(8))", directory: root)
            let lines = CollectedLines()
            let db = try await template.openIsolated()
            try await Self.work(db)
            // The code under test hits a unique violation and carries on.
            await #expect(throws: QueryError.self) {
                try await db.execute("INSERT INTO note(author_id, body) VALUES (\(1), \("committed by the code"))")
            }
            try await IsolatedDatabase.end(db, from: template, keepingAt: location, failed: true, report: lines.append)
            #expect(lines.all.count == 1)
            #expect(lines.all.first?.hasPrefix("kept the database of the failed test \(location.name): ") == true, "\(lines.all)")
            #expect(try String(contentsOfFile: location.dumpDirectory + "/author.yml", encoding: .utf8).contains("name: Ada L."))
            try await template.removeKept(at: location)
        }
    }
}
#endif
