#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    /// Fixtures loaded by a test into its own database, inside the test transaction: the load
    /// checks its deferred keys at its end without setting off the commit guard.
    @Suite("Fixtures loaded inside a PostgreSQL test transaction")
    struct FixturesInATestTransaction {
        static let schema = """
            CREATE TABLE author(id bigserial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE book(id bigserial PRIMARY KEY, title text NOT NULL,
                              author_id bigint NOT NULL REFERENCES author(id) DEFERRABLE INITIALLY IMMEDIATE);
            """

        @Test(arguments: [PostgresTemplate.Mode.transaction, .database])
        func aLoadInsideTheTestSucceedsAndVanishes(mode: PostgresTemplate.Mode) async throws {
            let template = PostgresTemplate.onTestServer(schema: Self.schema, mode: mode)
            let fixtures = try FixtureSet(files: [
                "author.yml": "ada:\n  name: Ada\n",
                "book.yml": "notes:\n  title: Notes\n  author: ada\n",
            ])
            let count = try await IsolatedDatabase.with(template) { db in
                try await fixtures.load(into: db)
                // The load's end made the keys immediate again: a broken reference fails now.
                await #expect(throws: QueryError.self) {
                    try await db.execute("INSERT INTO book(title, author_id) VALUES (\("Orphan"), \(999_999))")
                }
                return try await db.fetchOne(Int.self, "SELECT count(*) FROM book")
            }
            #expect(count == 1)
            let left = try await IsolatedDatabase.with(template) { try await $0.fetchOne(Int.self, "SELECT count(*) FROM book") }
            #expect(left == 0)
        }

        @Test func aBrokenReferenceInTheFixturesIsReportedNotTheGuard() async throws {
            let template = PostgresTemplate.onTestServer(schema: Self.schema)
            let fixtures = try FixtureSet(files: ["book.yml": "notes:\n  title: Notes\n  author_id: 424242\n"])
            try await IsolatedDatabase.with(template) { db in
                let error = await #expect(throws: FixtureError.self) { try await fixtures.load(into: db) }
                #expect(error?.description.contains("424242") == true, "\(String(describing: error))")
                #expect(error?.description.contains("may not commit") == false)
            }
        }
    }
}
#endif
