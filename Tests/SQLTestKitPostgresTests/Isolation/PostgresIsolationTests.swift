#if PostgreSQL
import Foundation
import SQLTestKit
@testable import SQLTestKitPostgres
import SQLTestKitTesting
import Testing

enum PostgresIsolation {
    static func template(_ mode: PostgresTemplate.Mode) async throws -> PostgresTemplate {
        let server = try await PostgresTestServer.shared()
        return PostgresTemplate(server: server.configuration, schema: try PostgresTesting.bookstoreSchema,
                                fixtures: try PostgresTesting.bookstoreFixtures, mode: mode)
    }
}

extension PostgreSQL {
    @Suite("Per-test PostgreSQL databases, in both modes")
    struct Isolation {
        @Test(arguments: [PostgresTemplate.Mode.transaction, .database])
        func twoHundredParallelTestsSeeNoneOfEachOthersChanges(mode: PostgresTemplate.Mode) async throws {
            let template = try await PostgresIsolation.template(mode)
            let fixtures = try PostgresTesting.bookstoreFixtures
            let ada = try #require(fixtures.id(of: "ada", in: "author"))
            let reviewCount = try await IsolatedDatabase.with(template) { db in try await db.fetchOne(Int.self, "SELECT count(*) FROM review") }
            #expect((reviewCount ?? 0) > 0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await IsolatedDatabase.with(template) { db in
                            // Every test changes the same fixture rows, each its own way.
                            try await db.execute("UPDATE author SET name = \("writer \(index)") WHERE id = \(ada)")
                            try await db.execute("DELETE FROM review")
                            try await db.execute("INSERT INTO tag(name) VALUES (\("tag \(index)"))")
                            let name = try await db.fetchOne(String.self, "SELECT name FROM author WHERE id = \(ada)")
                            let reviews = try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
                            let tags = try await db.fetchAll(String.self, "SELECT name FROM tag WHERE name LIKE 'tag %'")
                            #expect(name == "writer \(index)")
                            #expect(reviews == 0)
                            #expect(tags == ["tag \(index)"])
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Afterwards a test sees the fixtures untouched.
            try await IsolatedDatabase.with(template) { (db: any DatabaseConnection) async throws in
                #expect(try await db.fetchOne(String.self, "SELECT name FROM author WHERE id = \(ada)") == "Ada Lovelace")
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM review") == reviewCount)
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM tag WHERE name LIKE 'tag %'") == 0)
            }
        }

        @Test func theCodeMayCommitInBothModesAndNothingEscapes() async throws {
            for mode in [PostgresTemplate.Mode.transaction, .database] {
                let template = try await PostgresIsolation.template(mode)
                try await IsolatedDatabase.with(template) { db in
                    try await db.execute("BEGIN")
                    try await db.execute("DELETE FROM book_tag")
                    try await db.execute("COMMIT")
                    #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book_tag") == 0)
                }
                try await IsolatedDatabase.with(template) { (db: any DatabaseConnection) async throws in
                    #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book_tag") == 4, "\(mode)")
                }
            }
        }

        @Test func databaseModeDropsEachDatabaseAndMarksIt() async throws {
            let template = try await PostgresIsolation.template(.database)
            let name = try await IsolatedDatabase.with(template) { db in
                let marker = try await db.fetchOne(String.self, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
                #expect(marker == "sqltestkit test database")
                // DDL and VACUUM work: the database is the test's alone.
                try await db.execute("CREATE TABLE scratch(x INTEGER)")
                try await db.execute("VACUUM")
                return try await db.fetchOne(String.self, "SELECT current_database()")
            }
            let server = try await PostgresTestServer.shared()
            let admin = try await server.driver().connect()
            let left = try await admin.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname = \(name ?? "")")
            let template_ = try await admin.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname = \(template.templateName)")
            await admin.close()
            #expect(left == 0)
            #expect(template_ == 1)
        }

        @Test func theTemplateIsBuiltOnceAndRebuiltWhenItsContentChanges() async throws {
            let template = try await PostgresIsolation.template(.transaction)
            var changed = template
            changed.schema += "\nCREATE TABLE extra_\(UUID().uuidString.prefix(6).lowercased())(x INTEGER);"
            #expect(changed.templateName != template.templateName)
            #expect(template.templateName.hasPrefix("sqltestkit_"))
            try await changed.prepare()
            // Many preparations at once (as from parallel processes) build it once: the
            // advisory lock serialises the builders, the second finds it built.
            let other = PostgresTemplate(server: changed.server, schema: changed.schema, fixtures: changed.fixtures)
            try await other.prepare()
            try await IsolatedDatabase.with(changed) { (db: any DatabaseConnection) async throws in
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 3)
            }
            try await changed.dropTemplate()
            let server = try await PostgresTestServer.shared()
            let admin = try await server.driver().connect()
            #expect(try await admin.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname LIKE \(changed.templateName + "%")") == 0)
            await admin.close()
        }

        @Test func buildersRacingForOneTemplateBuildItOnce() async throws {
            // As from parallel processes: no process cache in between, only the advisory lock.
            let base = try await PostgresIsolation.template(.transaction)
            var template = base
            template.schema += "\nCREATE TABLE race_\(UUID().uuidString.prefix(6).lowercased())(x INTEGER);"
            let server = try await template.resolvedServer()
            let racing = template
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await racing.build(on: server) } }
                try await group.waitForAll()
            }
            let admin = try await PostgresTestServer.shared().driver().connect()
            let names = try await admin.fetchAll(String.self, "SELECT datname FROM pg_database WHERE datname LIKE \(template.templateName + "%") ORDER BY datname")
            // Transaction mode's copy is made per run, when a test first asks for it.
            #expect(names == [template.templateName])
            await admin.close()
            try await template.dropTemplate()
        }

        @Test func aBrokenSchemaFailsWithTheStatementAndIsRetried() async throws {
            let server = try await PostgresTestServer.shared()
            let broken = PostgresTemplate(server: server.configuration, schema: "CREATE TABLE ok(x INTEGER);\nCREATE TABLEE nope(x INTEGER);")
            let error = try await #require(throws: TemplateError.self) { try await IsolatedDatabase.with(broken) { _ in } }
            #expect(error.message.contains("the PostgreSQL template could not be built"))
            #expect(error.message.contains("syntax error at or near \"TABLEE\""))
            #expect(error.suggestion == "fix the schema or fixtures; the template database is built again on the next run")
            // Nothing half-built stays behind.
            let admin = try await server.driver().connect()
            #expect(try await admin.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname LIKE \(broken.templateName + "%")") == 0)
            await admin.close()
        }
    }
}

/// The Swift Testing trait takes a PostgreSQL template, on the throwaway server.
let noteTemplate = PostgresTemplate.onTestServer(schema: "CREATE TABLE note(id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL);")

extension PostgreSQL.Isolation {
    @Suite("The trait with a PostgreSQL template", .isolatedDatabase(noteTemplate))
    struct Trait {
        @Test(arguments: 1...4)
        func eachTestCaseHasItsOwnDatabase(count: Int) async throws {
            let db = try IsolatedDatabase.require()
            for index in 0..<count { try await db.execute("INSERT INTO note(body) VALUES (\("note \(index)"))") }
            #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM note") == count)
        }

        @Test(.isolatedDatabase(noteTemplate.mode(.database)))
        func theDatabaseModeToo() async throws {
            let db = try IsolatedDatabase.require()
            let name = try await db.fetchOne(String.self, "SELECT current_database()")
            #expect(name?.hasPrefix("sqltestkit_") == true)
            #expect(name != noteTemplate.templateName + "_tx")
        }
    }
}
#endif
