#if GRDB
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

@Suite("GRDB: the state assertions through GRDBConnection")
struct GRDBConnectionTests {
    @Test func assertChangesNamesRowsByLabelAndLeavesGRDBsBookkeepingOut() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            try await queue.write { db in
                try db.execute(sql: "UPDATE player SET score = 11 WHERE name = 'Arthur'")
                try db.execute(sql: "DELETE FROM player WHERE name = 'Ford'")
            }
            let db = GRDBConnection(queue)
            // The template's grdb_migrations row is not a change, though no fixture gives it.
            let changes = try await TestApp.fixtures.changes(in: db).lines
            #expect(changes == ["- player `ford`", "~ player `arthur`: score 10 → 11"])
            #expect(try await CollectedIssues.during {
                try await assertChanges(in: db, since: TestApp.fixtures, ["- player `ford`", "~ player `arthur`: score 10 → 11"])
            }.isEmpty)
            let wrong = try await CollectedIssues.during { try await assertChanges(in: db, since: TestApp.fixtures, []) }
            #expect(wrong.first?.contains("+ ~ player `arthur`: score 10 → 11") == true)
        }
    }

    @Test func assertTableRowsAndPlainQueriesWork() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            let db = GRDBConnection(queue)
            let red = try #require(TestApp.fixtures.id(of: "red", in: "team"))
            let blue = try #require(TestApp.fixtures.id(of: "blue", in: "team"))
            #expect(try await CollectedIssues.during {
                try await assertQueryRows("SELECT name, teamId FROM player ORDER BY name", in: db, [
                    ["name": "Arthur", "teamId": .integer(red)], ["name": "Ford", "teamId": .integer(red)], ["name": "Trillian", "teamId": .integer(blue)],
                ])
            }.isEmpty)
            let result = try await db.execute("INSERT INTO team(name) VALUES (\("Green"))")
            #expect(result.rowsAffected == 1)
            #expect(try await db.fetchOne("SELECT id FROM team WHERE name = 'Green'")?[0] == result.lastInsertID.map(SQLValue.integer))
        }
    }

    @Test func transactionControlIsRefusedWithWhatToDoInstead() async throws {
        let db = GRDBConnection(try DatabaseQueue())
        let error = await #expect(throws: QueryError.self) { try await db.execute("BEGIN") }
        #expect(error?.message == "GRDBConnection runs every statement in its own GRDB access, so it cannot run transaction control")
        #expect(error?.suggestion == "write the transaction with GRDB: try await writer.write { db in … }")
        let failure = await #expect(throws: QueryError.self) { try await db.execute("SELECT * FROM nowhere") }
        #expect(failure?.message == "no such table: nowhere")
        #expect(failure?.sql == "SELECT * FROM nowhere")
    }
}
#endif
