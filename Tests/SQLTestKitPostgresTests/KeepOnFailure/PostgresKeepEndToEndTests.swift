#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

extension PostgreSQL {
    // Tests that fail on purpose: run only by `KeepEndToEnd` below, in a process of their own
    // (see `FailingFixtures`), on a server that test starts.

    @Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped),
           .isolatedDatabase(PostgresTemplate.onTestServer(schema: KeepOnFailure.schema, mode: .database), keepOnFailure: true))
    struct KeepFixtureDatabaseMode {
        @Test func failsAfterWriting() async throws {
            try await KeepOnFailure.work(IsolatedDatabase.require())
            #expect(Bool(false), "fails on purpose")
        }
    }

    @Suite(.enabled(if: FailingFixtures.areOn, FailingFixtures.skipped),
           .isolatedDatabase(PostgresTemplate.onTestServer(schema: KeepOnFailure.schema, mode: .transaction), keepOnFailure: true))
    struct KeepFixtureTransactionMode {
        @Test func failsAfterWriting() async throws {
            try await KeepOnFailure.work(IsolatedDatabase.require())
            #expect(Bool(false), "fails on purpose")
        }
    }

    /// The `.isolatedDatabase` trait on PostgreSQL, failing in a process of its own.
    @Suite("Keeping failed PostgreSQL tests' databases, end to end", .enabled(if: BuiltBinary.runningTests != nil && !FailingFixtures.areOn))
    struct KeepEndToEnd {
        @Test func bothModesKeepWhatTheFailedTestSaw() async throws {
            let root = try FailingFixtures.directory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            // A server of this test's own: the child's run leaves its databases behind when it
            // exits (as any run does, for the next run to drop), and on the shared server they
            // would show up in the leftover-cleanup test's exact list.
            let own = try await PostgresTestServer.startPrivate()
            defer { own.stop() }
            let server = own.configuration
            let url = PostgresDriver(configuration: server).url
            let run = try #require(BuiltBinary.runningTests).run(
                ["--testing-library", "swift-testing", "--filter", "KeepFixtureDatabaseMode|KeepFixtureTransactionMode"],
                environment: [FailingFixtures.variable: "1", "SQLTESTKIT_KEEP_DIR": root, PostgresTestServer.urlVariable: url])
            let output = run.output + run.error
            #expect(run.status != 0)

            // Database mode, on a server that outlives the child process: the database itself.
            let database = KeepLocation(suite: "PostgreSQL.KeepFixtureDatabaseMode", test: "failsAfterWriting()", directory: root)
            let kept = PostgresTemplate.keptName(database)
            let keptURL = PostgresDriver(configuration: server.database(kept)).url
            #expect(output.contains("kept the database of the failed test \(database.name): psql '\(keptURL)' (also dumped to '\(database.dumpDirectory)')"),
                    "\(output)")
            let rows = try await PostgresDriver(url: keptURL).open().closing { db in
                try await db.fetchAll("SELECT a.name, n.body FROM note n JOIN author a ON a.id = n.author_id").map(\.values)
            }
            #expect(rows == [[.text("Ada L."), .text("committed by the code")]])
            try await own.driver().open().closing { try await $0.execute(SQLQuery(sql: "DROP DATABASE \(kept)")) }

            // Transaction mode: the dump, and the command that loads it.
            let transaction = KeepLocation(suite: "PostgreSQL.KeepFixtureTransactionMode", test: "failsAfterWriting()", directory: root)
            let loadURL = PostgresDriver(configuration: server.database(PostgresTemplate.keptName(transaction))).url
            #expect(output.contains("kept the database of the failed test \(transaction.name): swift run --traits PostgreSQL sqltestkit load '\(transaction.dumpDirectory)' -d '\(loadURL)'"))
            #expect(try String(contentsOfFile: transaction.dumpDirectory + "/author.yml", encoding: .utf8).contains("name: Ada L."))
            #expect(try String(contentsOfFile: transaction.dumpDirectory + "/note.yml", encoding: .utf8).contains("body: committed by the code"))
            #expect(FileManager.default.fileExists(atPath: transaction.dumpDirectory + "/schema.sql"))
        }
    }
}
#endif
