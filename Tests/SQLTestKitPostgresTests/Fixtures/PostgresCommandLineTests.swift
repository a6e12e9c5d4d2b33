#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import SQLTestKitTestSupport
import Testing

extension PostgreSQL {
    /// `sqltestkit load | check | dump --database postgres://…`, run as a user runs them.
    @Suite("The sqltestkit command on PostgreSQL")
    struct CommandLine {
        func run(_ arguments: String...) throws -> BuiltBinary.Run {
            guard let binary = BuiltBinary(named: "sqltestkit") else {
                throw QueryError(code: .notFound, message: "the sqltestkit binary is not next to the tests; run `swift build --traits PostgreSQL` first")
            }
            return try binary.run(arguments)
        }

        @Test func loadCheckAndDumpTakeAPostgresURL() async throws {
            try await PostgresTesting.withDatabase { driver in
                let url = driver.url
                let fixtures = PostgresTesting.root + "/Fixtures"
                let schema = PostgresTesting.root + "/Examples/PostgreSQL/schema.sql"
                let load = try run("load", fixtures, "--database", url, "--schema", schema)
                #expect(load.status == 0, "\(load.error)")
                #expect(load.output.contains("created the schema from \(schema)"))
                #expect(load.output.contains("loaded \(fixtures) into \(url)"))
                #expect(load.output.contains("rows in 5 tables loaded in"))
                let check = try run("check", fixtures, "--database", url)
                #expect(check.status == 0, "\(check.error)")
                #expect(check.output.hasPrefix("ok: 5 tables"))
                #expect(check.output.contains("no problems against \(url)"))
                let output = FileManager.default.temporaryDirectory.appendingPathComponent("pgcli-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: output) }
                let dump = try run("dump", url, "--output", output)
                #expect(dump.status == 0, "\(dump.error)")
                #expect(dump.output.contains("wrote \(output)/author.yml"))
                // A load again replaces the rows (the default clears the fixture tables).
                #expect(try run("load", fixtures, "--database", url, "--quiet").status == 0)
                let db = try await driver.connect()
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 3)
                await db.close()
            }
        }

        @Test func aNonTestDatabaseAndABadURLAreRefusedWithTheWayOut() async throws {
            try await PostgresTesting.withDatabase(named: "shop") { driver in
                let load = try run("load", PostgresTesting.root + "/Fixtures", "--database", driver.url,
                                   "--schema", PostgresTesting.root + "/Examples/PostgreSQL/schema.sql")
                #expect(load.status == 2)
                #expect(load.error.contains("refusing to load fixtures into the PostgreSQL database `shop_"))
                #expect(load.error.contains("pass --allow-non-test-database"))
                let db = try await driver.connect()
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0)
                await db.close()
            }
            let bad = try run("load", PostgresTesting.root + "/Fixtures", "--database", "postgres://:secret@/nowhere")
            #expect(bad.status != 0)
            #expect(bad.error.contains("not a PostgreSQL URL: \"postgres://:***@/nowhere\" (it names no host)"))
            let server = try await PostgresTestServer.shared()
            let missing = try run("dump", server.driver(database: "no_such_db").url, "--output", "/tmp/unused-\(UUID().uuidString)")
            #expect(missing.status == 2)
            #expect(missing.error.contains("database \"no_such_db\" does not exist"))
            #expect(missing.error.contains("suggestion: create the database first"))
        }
    }
}
#endif
