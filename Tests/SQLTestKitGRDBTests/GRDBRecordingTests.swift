#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitGRDB
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

@Suite("GRDB: every statement recorded")
struct GRDBRecordingTests {
    @Test func recordTypesAndTheQueryInterfaceAreRecordedWithTypedArguments() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            let log = try GRDBTestDatabase.requireLog()
            let red = try #require(TestApp.fixtures.id(of: "red", in: "team"))
            try await queue.write { db in
                var player = Player(id: nil, name: "Zaphod", teamId: red, score: 42)
                try player.insert(db)
                _ = try Player.filter(Column("score") > 15).order(Column("name")).fetchAll(db)
                try db.execute(sql: "UPDATE player SET score = score + ? WHERE name = ?", arguments: [1, "Zaphod"])
            }
            let statements = log.statements(.excludingNoise)
            #expect(statements.map(\.sql) == [
                #"INSERT INTO "player" ("id", "name", "teamId", "score") VALUES (?,?,?,?)"#,
                #"SELECT * FROM "player" WHERE "score" > ? ORDER BY "name""#,
                "UPDATE player SET score = score + ? WHERE name = ?",
            ])
            #expect(statements.map(\.arguments) == [[.null, "Zaphod", .integer(red), 42], [15], [1, "Zaphod"]])
            #expect(statements.last?.expandedSQL == "UPDATE player SET score = score + 1 WHERE name = 'Zaphod'")
            #expect(statements.allSatisfy { $0.transactionDepth == 1 })
            // GRDB's own transaction is logged, as transaction control.
            let control = log.statements.filter(\.kind.isTransactionControl).map(\.sql)
            #expect(control.suffix(2) == ["BEGIN IMMEDIATE TRANSACTION", "COMMIT TRANSACTION"])
        }
    }

    @Test func anExactAssertionPassesWhetherGRDBsSchemaCacheIsColdOrWarm() async throws {
        // A join through an association makes GRDB read the schema the first time only.
        func fetchInfos(_ queue: DatabaseQueue) async throws {
            _ = try await queue.read { db in
                try Player.including(required: Player.team).asRequest(of: PlayerInfo.self).fetchAll(db)
            }
        }
        let expected: [ExpectedStatement] = [#"SELECT "player".*, "team".* FROM "player" JOIN "team" ON "team"."id" = "player"."teamId""#]
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            let log = try GRDBTestDatabase.requireLog()
            try await fetchInfos(queue)   // cold: table_xinfo, foreign_key_list, sqlite_master
            #expect(log.statements.count > log.statements(.excludingNoise).count + 2)
            #expect(CollectedIssues.during { assertSQL(log, expected) }.isEmpty)
            log.clear()
            try await fetchInfos(queue)   // warm: the query alone
            #expect(CollectedIssues.during { assertSQL(log, expected) }.isEmpty)
        }
    }

    @Test func aFetchPerRowIsCaughtAsNPlusOneAndAnAssociationIsOneQuery() async throws {
        try await GRDBTestDatabase.with(TestApp.template) { queue in
            let log = try GRDBTestDatabase.requireLog()
            let perRow = try await CollectedIssues.during {
                try await assertNoNPlusOne(log) {
                    let players = try await queue.read { db in try Player.fetchAll(db) }
                    for player in players {
                        _ = try await queue.read { db in try Team.fetchOne(db, key: player.teamId) }
                    }
                }
            }
            #expect(perRow.count == 1)
            #expect(perRow.first?.contains("3× SELECT * FROM team WHERE id = ?") == true)
            let joined = try await CollectedIssues.during {
                try await assertQueryCount(1, log) {
                    _ = try await queue.read { db in
                        try Player.including(required: Player.team).asRequest(of: PlayerInfo.self).fetchAll(db)
                    }
                }
            }
            #expect(joined.isEmpty)
        }
    }

    @Test func aPoolsReadersAreRecordedAsConnectionsOfTheirOwn() async throws {
        try await GRDBTestDatabase.withPool(TestApp.template) { pool in
            let log = try GRDBTestDatabase.requireLog()
            try await pool.write { db in try db.execute(sql: "DELETE FROM player WHERE name = 'Ford'") }
            _ = try await pool.read { db in try Player.fetchCount(db) }
            let statements = log.statements(.excludingNoise)
            #expect(statements.map(\.sql) == ["DELETE FROM player WHERE name = 'Ford'", #"SELECT COUNT(*) FROM "player""#])
            #expect(statements[0].connectionID != statements[1].connectionID)
        }
    }

    @Test func argumentsAreReadBackFromSQLitesOwnExpansionWhateverTheyHold() async throws {
        let log = StatementLog()
        var configuration = Configuration()
        configuration.recordStatements(into: log)
        let queue = try DatabaseQueue(configuration: configuration)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE t (a, b, c, d, e)")
            // A `?` in a string, in comments, quotes in the text, a negative number, Unicode, NULL.
            try db.execute(sql: "INSERT INTO t VALUES (?, '?', /* ? */ ?, ?,\n  ?) -- a ? here too",
                           arguments: ["it's a 'test', isn't it?", -9_223_372_036_854_775_808, "ünïcødé ✓", nil])
        }
        let insert = try #require(log.statements.first { $0.kind == .insert })
        #expect(insert.arguments == ["it's a 'test', isn't it?", .integer(Int64.min), "ünïcødé ✓", .null])
        #expect(insert.sql == "INSERT INTO t VALUES (?, '?', /* ? */ ?, ?,\n  ?) -- a ? here too")
    }

    @Test func sqlSnapshotsWorkOnWhatGRDBRan() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grdb-snapshots-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func run(_ threshold: Int) async throws -> [String] {
            try await GRDBTestDatabase.with(TestApp.template) { queue in
                let log = try GRDBTestDatabase.requireLog()
                _ = try await queue.read { db in try Player.filter(Column("score") > threshold).fetchAll(db) }
                return CollectedIssues.during { assertSQLSnapshot(log, named: "players", snapshotDirectory: directory) }
            }
        }
        #expect(try await run(15).first?.hasPrefix("Recorded a new SQL snapshot at") == true)
        let files = FileManager.default.subpaths(atPath: directory)?.filter { $0.hasSuffix(".sql") } ?? []
        #expect(files.count == 1)
        let snapshot = try String(contentsOfFile: directory + "/" + (files.first ?? ""), encoding: .utf8)
        // GRDB's read runs in a transaction of its own, and the snapshot shows it.
        #expect(snapshot == "-- 3 statements\nBEGIN DEFERRED TRANSACTION\n\n" + #"SELECT * FROM "player" WHERE "score" > ?"#
                + "\n-- arguments: 15\n\nCOMMIT TRANSACTION\n")
        #expect(!snapshot.contains("sqlite_master"), "GRDB's schema reads stay out")
        #expect(try await run(15).isEmpty)
        #expect(try await run(25).first?.contains("+ -- arguments: 25") == true)
    }

    @Test func configurationRecordsEveryConnectionItOpens() async throws {
        let log = StatementLog()
        var configuration = Configuration()
        configuration.recordStatements(into: log)
        let queue = try DatabaseQueue(configuration: configuration)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE t (x BLOB, y REAL)") }
        try await queue.write { db in try db.execute(sql: "INSERT INTO t VALUES (?, ?)", arguments: [Data([0xCA, 0xFE]), -2.5]) }
        let insert = try #require(log.statements.first { $0.kind == .insert })
        #expect(insert.arguments == [.blob([0xCA, 0xFE]), .real(-2.5)])
        #expect(insert.expandedSQL == "INSERT INTO t VALUES (X'CAFE', -2.5)")
    }
}
#endif
