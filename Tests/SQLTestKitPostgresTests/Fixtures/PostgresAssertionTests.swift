#if PostgreSQL
import SQLTestKit
import SQLTestKitPostgres
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

extension PostgreSQL {
    @Suite("State assertions on PostgreSQL")
    struct Assertions {
        @Test func assertChangesComparesWithTheFixturesLoadedIntoAnEmptyCopy() async throws {
            let template = try await PostgresIsolation.template(.transaction)
            let fixtures = try PostgresTesting.bookstoreFixtures
            let notes = try #require(fixtures.id(of: "notes", in: "book"))
            try await IsolatedDatabase.with(template) { (db: any DatabaseConnection) async throws in
                try await assertChanges(in: db, since: fixtures, [])
                try await db.execute("UPDATE book SET price = 10, in_print = false WHERE id = \(notes)")
                try await db.execute("DELETE FROM review WHERE reviewer = 'Ken'")
                try await db.execute("INSERT INTO tag(id, name) VALUES (1, 'Poetry')")
                let changes = try await fixtures.changes(in: db)
                #expect(changes.lines == [
                    "~ book `notes`: price '12.50' → '10.00', in_print 1 → 0",
                    "- review `third`",
                    "+ tag (id 1): id 1, name 'Poetry'",
                ])
                let issues = try await CollectedIssues.during {
                    try await assertChanges(in: db, since: fixtures, ["- review `third`"])
                }
                #expect(issues.count == 1)
                #expect(issues.first?.contains("assertChanges failed: the changes since the fixtures differ") == true)
            }
            // The empty copies it compared with are gone.
            let admin = try await PostgresTestServer.shared().driver().connect()
            #expect(try await admin.fetchOne(Int.self, "SELECT count(*) FROM pg_database WHERE datname LIKE 'sqltestkit_scratch_%'") == 0)
            await admin.close()
        }

        @Test func assertTableRowsNamesAMissingTable() async throws {
            let template = try await PostgresIsolation.template(.transaction)
            try await IsolatedDatabase.with(template) { (db: any DatabaseConnection) async throws in
                let issues = try await CollectedIssues.during {
                    try await assertTableRows("authors", in: db, [["id": 1]])
                }
                #expect(issues == ["assertTableRows failed: there is no table `authors`; tables: `author`, `book`, `book_tag`, `review`, `tag`"])
            }
        }
    }
}
#endif
