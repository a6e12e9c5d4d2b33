#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import Testing

/// Code under test that finds its database the way app code reaches a shared one.
func renameArthur(to name: String) async throws {
    try await GRDBTestDatabase.require().write { db in
        try db.execute(sql: "UPDATE player SET name = ? WHERE name = 'Arthur'", arguments: [name])
    }
}

@Suite("GRDB: a private database per test")
struct GRDBTestDatabaseTests {
    @Test func eachCopyHasTheMigratedSchemaAndTheFixturesWithTheirLabelledKeys() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            let players = try await queue.read { db in try Player.order(Column("name")).fetchAll(db) }
            #expect(players.map(\.name) == ["Arthur", "Ford", "Trillian"])
            #expect(players[0].id == TestApp.fixtures.id(of: "arthur", in: "player"))
            #expect(players[0].teamId == TestApp.fixtures.id(of: "red", in: "team"))
            let migrations = try await queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(migrations == ["createTeamsAndPlayers"])
            // The copy is GRDB's own in-memory connection: no file, no URI, no shared cache.
            #expect(queue.path == ":memory:")
            #expect(try await queue.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") } == true)
        }
    }

    @Test func twoHundredParallelTestsChangingTheSameRowsSeeOnlyTheirOwnChanges() async throws {
        let arthur = try #require(TestApp.fixtures.id(of: "arthur", in: "player"))
        let seen = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await GRDBTestDatabase.with(TestApp.template) { queue in
                        try await queue.write { db in
                            try db.execute(sql: "UPDATE player SET score = ? WHERE id = ?", arguments: [index, arthur])
                            try db.execute(sql: "DELETE FROM player WHERE name = 'Ford'")
                        }
                        await Task.yield()
                        return try await queue.read { db in
                            (index, try Int.fetchOne(db, sql: "SELECT score FROM player WHERE id = ?", arguments: [arthur]) ?? -1,
                             try Int.fetchOne(db, sql: "SELECT count(*) FROM player") ?? -1)
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(seen.count == 200)
        #expect(seen.allSatisfy { $0.1 == $0.0 && $0.2 == 2 })
        let fresh = try await GRDBTestDatabase.makeQueue(TestApp.template)
        #expect(try await fresh.read { db in try Int.fetchOne(db, sql: "SELECT score FROM player WHERE id = ?", arguments: [arthur]) } == 10)
    }

    @Test func theCodeUnderTestReachesItsDatabaseThroughCurrent() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            try await renameArthur(to: "Arthur Dent")
            #expect(try await queue.read { db in try Player.filter(Column("name") == "Arthur Dent").fetchCount(db) } == 1)
        }
    }

    @Test func outsideATestDatabaseRequireSaysHowToGetOne() async {
        #expect(GRDBTestDatabase.current == nil)
        do {
            try await renameArthur(to: "nobody")
            Issue.record("expected an error")
        } catch let error as TemplateError {
            #expect(error.message.hasPrefix("no GRDB test database: GRDBTestDatabase.current is only set inside"))
            #expect(error.suggestion?.contains(".grdbDatabase(template)") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aPoolGetsAFileCopyOfItsOwnRemovedAfterwards() async throws {
        let path = try await GRDBTestDatabase.withPool(TestApp.template) { pool in
            #expect(FileManager.default.fileExists(atPath: pool.path))
            #expect(try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
            try await pool.write { db in try db.execute(sql: "DELETE FROM player") }
            #expect(try await pool.read { db in try Player.fetchCount(db) } == 0)
            return pool.path
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))
        // The template itself is untouched.
        #expect(try await GRDBTestDatabase.makeQueue(TestApp.template).read { db in try Player.fetchCount(db) } == 3)
    }

    @Test func resetGivesTheTemplateBackAndKeepsRecording() async throws {
        let log = StatementLog()
        let queue = try await GRDBTestDatabase.makeQueue(TestApp.template, recordingInto: log)
        try await queue.write { db in try db.execute(sql: "DELETE FROM player") }
        try await GRDBTestDatabase.reset(queue, to: TestApp.template)
        #expect(try await queue.read { db in try Player.fetchCount(db) } == 3)
        #expect(log.statements(.excludingNoise).map(\.sql).suffix(2) == ["DELETE FROM player", #"SELECT COUNT(*) FROM "player""#])
    }

    @Test func aTemplateIsKeyedByItsContent() async throws {
        let other = try FixtureSet(files: ["team.yml": "green: { name: Green }"])
        let changed = GRDBTemplate(migrator: TestApp.migrator, fixtures: other)
        #expect(changed.contentHash != TestApp.template.contentHash)
        #expect(GRDBTemplate(migrator: TestApp.migrator, fixtures: TestApp.fixtures).contentHash == TestApp.template.contentHash)
        let teams = try await GRDBTestDatabase.makeQueue(changed).read { db in try String.fetchAll(db, sql: "SELECT name FROM team") }
        #expect(teams == ["Green"])
    }

    @Test func aTemplateFromSchemaSQL() async throws {
        let fixtures = try FixtureSet(files: ["schema.sql": "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
                                              "note.yml": "hello: { body: Hello }"])
        let queue = try await GRDBTestDatabase.makeQueue(try GRDBTemplate(fixtures: fixtures))
        #expect(try await queue.read { db in try String.fetchAll(db, sql: "SELECT body FROM note") } == ["Hello"])
        #expect(throws: TemplateError.self) { try GRDBTemplate(fixtures: TestApp.fixtures) }
    }
}

@Suite("GRDB: the trait", .grdbDatabase(TestApp.template))
struct GRDBTraitTests {
    @Test(arguments: 0..<4) func everyTestCaseGetsItsOwnCopy(index: Int) async throws {
        let db = try GRDBTestDatabase.require()
        #expect(try await db.read { db in try Player.fetchCount(db) } == 3)
        try await db.write { db in try db.execute(sql: "DELETE FROM player WHERE name = 'Ford'") }
        #expect(try await db.read { db in try Player.fetchCount(db) } == 2)
        let log = try GRDBTestDatabase.requireLog()
        #expect(log.statements(.excludingNoise).map(\.sql).contains("SELECT COUNT(*) FROM \"player\""))
    }
}

@Suite("GRDB: the pool trait", .grdbDatabasePool(TestApp.template))
struct GRDBPoolTraitTests {
    @Test func theTestGetsAPool() async throws {
        let db = try GRDBTestDatabase.require()
        #expect(db is DatabasePool)
        #expect(try await db.read { db in try Player.fetchCount(db) } == 3)
    }
}
#endif
