import Foundation
import GRDB
import IssueReporting
import SQLTestKit
import SQLTestKitGRDB
import Synchronization
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

/// Collects what SQLTestKitTesting reports, so a test can check a failure's message.
final class CollectedIssues: IssueReporter {
    private let messages = Mutex<[String]>([])
    var messagesSoFar: [String] { messages.withLock { $0 } }

    func reportIssue(_ message: @autoclosure () -> String?, severity: IssueSeverity, fileID: StaticString, filePath: StaticString,
                     line: UInt, column: UInt) {
        let text = message() ?? ""
        messages.withLock { $0.append(text) }
    }

    /// The failures `body` reports.
    static func during(_ body: () async throws -> Void) async rethrows -> [String] {
        let collected = CollectedIssues()
        try await withIssueReporters([collected]) { try await body() }
        return collected.messagesSoFar
    }
}
