#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Testing

/// A small GRDB app, written the way GRDB apps are: a migrator, record types, an association.
enum TestApp {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("createTeamsAndPlayers") { db in
            try db.create(table: "team") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
            }
            try db.create(table: "player") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.belongsTo("team").notNull()
                t.column("score", .integer).notNull().defaults(to: 0)
            }
        }
        return migrator
    }

    /// Two teams and three players, referenced by label.
    static let fixtures = try! FixtureSet(files: [
        "team.yml": """
            red: { name: Red }
            blue: { name: Blue }
            """,
        "player.yml": """
            arthur: { name: Arthur, team: red, score: 10 }
            ford: { name: Ford, team: red, score: 20 }
            trillian: { name: Trillian, team: blue, score: 30 }
            """,
    ])

    static let template = GRDBTemplate(migrator: migrator, fixtures: fixtures)
}

struct Team: Codable, Hashable, FetchableRecord, MutablePersistableRecord {
    var id: Int64?
    var name: String
    static let players = hasMany(Player.self)

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct Player: Codable, Hashable, FetchableRecord, MutablePersistableRecord {
    var id: Int64?
    var name: String
    var teamId: Int64
    var score: Int
    static let team = belongsTo(Team.self)

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A player with its team, fetched in one query.
struct PlayerInfo: Decodable, FetchableRecord, Hashable {
    var player: Player
    var team: Team
}
#endif
