#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Testing

@Suite("RowFactory on a GRDB database")
struct GRDBRowFactoryTests {
    @Test func rowsMadeThroughTheConnectionAreGRDBs() async throws {
        let made = try await GRDBTestDatabase.with(GRDBTemplate(migrator: TestApp.migrator)) { queue in
            let factory = RowFactory(GRDBConnection(queue))
            let player = try await factory.insert("player", ["name": "Arthur"])
            #expect(player["score"] == 0)   // the migration's default
            return try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT player.name, team.name AS team FROM player JOIN team ON team.id = player.teamId")
                    .map { [$0["name"] as String, $0["team"] as String] }
            }
        }
        #expect(made == [["Arthur", "team name 1"]])
    }
}
#endif
