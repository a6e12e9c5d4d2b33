#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Testing

@Suite("GRDB: fixtures into any writer")
struct GRDBFixtureTests {
    /// A temporary directory for database files (named `…-test.sqlite`, so fixtures may be loaded into them).
    static func testDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grdb-fixture-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every row of both tables, for comparing a database before and after.
    static func contents(_ reader: some DatabaseReader) async throws -> [[String]] {
        try await reader.read { db in
            try Row.fetchAll(db, sql: "SELECT 'team', id, name, NULL FROM team UNION ALL SELECT 'player', id, name, teamId FROM player ORDER BY 1, 2")
                .map { row in row.databaseValues.map(\.description) }
        }
    }

    static let broken = try! FixtureSet(files: [
        "team.yml": "red: { name: Red }",
        "player.yml": "arthur: { name: Arthur, team: red }\nford: { name: Ford, team: green }",
    ])

    @Test func anInMemoryQueueGetsTheRowsWithTheKeysTheLabelsGive() async throws {
        let queue = try DatabaseQueue()
        try TestApp.migrator.migrate(queue)
        let summary = try await TestApp.fixtures.load(into: queue)
        #expect(summary.tables.map(\.name) == ["team", "player"])
        let infos = try await queue.read { db in
            try Player.including(required: Player.team).order(Column("name")).asRequest(of: PlayerInfo.self).fetchAll(db)
        }
        #expect(infos.map(\.team.name) == ["Red", "Red", "Blue"])
        #expect(infos.map(\.player.id) == ["arthur", "ford", "trillian"].map { TestApp.fixtures.id(of: $0, in: "player") })
        // GRDB's schema cache knows the rows' tables; a write afterwards works.
        try await queue.write { db in var team = Team(id: nil, name: "Green"); try team.insert(db) }
    }

    @Test(arguments: ["queue", "pool"])
    func aFileQueueOrPoolGetsTheRows(kind: String) async throws {
        let directory = try Self.testDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/app-test.sqlite"
        let writer: any DatabaseWriter = kind == "queue" ? try DatabaseQueue(path: path) : try DatabasePool(path: path)
        try TestApp.migrator.migrate(writer)
        try await TestApp.fixtures.load(into: writer)
        #expect(try await writer.read { db in try Player.fetchCount(db) } == 3)
        // A second load gives the same contents (the tables' rows are cleared first).
        try await TestApp.fixtures.load(into: writer)
        #expect(try await Self.contents(writer).count == 5)
    }

    @Test func aFailedLoadLeavesAnInMemoryQueueAsItWas() async throws {
        let queue = try DatabaseQueue()
        try TestApp.migrator.migrate(queue)
        try await queue.write { db in try db.execute(sql: "INSERT INTO team(id, name) VALUES (1, 'Kept')") }
        let before = try await Self.contents(queue)
        let error = await #expect(throws: FixtureError.self) { try await Self.broken.load(into: queue) }
        let problem = try #require(error?.problems.first)
        #expect(problem.kind == .unknownLabel)
        #expect(problem.file == "player.yml")
        #expect(problem.line == 2)
        #expect(problem.message.contains("references the team row labelled `green`"))
        #expect(try await Self.contents(queue) == before)
    }

    @Test func aFailedLoadLeavesTheFileAsItWas() async throws {
        let directory = try Self.testDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/app-test.sqlite"
        let pool = try DatabasePool(path: path)
        try TestApp.migrator.migrate(pool)
        try await TestApp.fixtures.load(into: pool)
        let before = try await Self.contents(pool)
        await #expect(throws: FixtureError.self) { try await Self.broken.load(into: pool) }
        #expect(try await Self.contents(pool) == before)
        // Read again from the file by a connection of its own.
        try pool.close()
        #expect(try await Self.contents(try DatabaseQueue(path: path)) == before)
    }

    @Test func anInMemoryQueueThatChangesDuringTheLoadKeepsItsChangeAndGetsNoRows() async throws {
        // A script that keeps SQLite busy for about a second, so the write below lands while
        // the fixtures are being loaded into the copy.
        let slow = try FixtureSet(files: [
            "team.yml": "red: { name: Red }",
            "zz-slow.sql": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c;",
        ])
        // On a loaded machine the load may not have begun when the write lands (it then sees
        // the write, and succeeds): such an attempt proves nothing, so it is tried again with a
        // longer wait, up to five times. Each attempt that lands during the load must be caught.
        var caught = false
        for attempt in 1...5 where !caught {
            let queue = try DatabaseQueue()
            try TestApp.migrator.migrate(queue)
            let load = Task { try await slow.load(into: queue) }
            try await Task.sleep(for: .milliseconds(150 * attempt))
            try await queue.write { db in try db.execute(sql: "INSERT INTO team(name) VALUES ('Written meanwhile')") }
            do {
                // The load began after the write, or ended before it: try again.
                _ = try await load.value
            } catch let error as GRDBFixtureLoadError {
                caught = true
                #expect("\(error)".hasPrefix("the in-memory database :memory: changed while fixtures were loaded into it"))
                #expect(try await queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM team") } == ["Written meanwhile"])
            }
        }
        #expect(caught, "no attempt's write landed while the fixtures were loaded")
    }

    @Test func aFileThatIsNotATestDatabaseIsRefusedAndLeftAlone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grdb-app-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/production.sqlite"
        let queue = try DatabaseQueue(path: path)
        try TestApp.migrator.migrate(queue)
        let error = await #expect(throws: NotATestDatabaseError.self) { try await TestApp.fixtures.load(into: queue) }
        #expect(error.map { "\($0)" }?.contains("production.sqlite") == true)
        #expect(try await queue.read { db in try Player.fetchCount(db) } == 0)
    }
}
#endif
