#if PostgreSQL
import Foundation
import SQLTestKit
@testable import SQLTestKitPostgres
import Testing

/// Transaction control PostgreSQL reads and SQLTestKit must read the same way: every spelling
/// is tried inside a test transaction, and a separate connection checks afterwards that no row
/// and no column escaped.
extension PostgreSQL {
    @Suite("Test transactions that nothing escapes, on PostgreSQL")
    struct TransactionControl {
        /// Spellings PostgreSQL reads as transaction control and SQLite's lexer would not.
        static let hiddenControl = [
            "/* /* */ SELECT 1 */ COMMIT",
            "-- note\rCOMMIT",
            "/* a /* b /* c */ */ */ END",
            "/* /* */ ; */ COMMIT",
            "--x\rROLLBACK",
            "/* outer /* inner */ still outer */ commit and chain",
            "-- one\r-- two\rABORT",
            "/**/COMMIT",
        ]

        @Test(arguments: hiddenControl)
        func hiddenCommitsDoNotEscapeAPlainTestTransaction(spelling: String) async throws {
            try await PostgresTesting.withDatabase { driver in
                try await driver.open().closing { (setup) async throws in
                    try await setup.execute("CREATE TABLE note(x INTEGER)")
                }
                let db = try await driver.open()
                try await db.beginTestTransaction()
                try await db.execute("INSERT INTO note VALUES (1)")
                let refused = await #expect(throws: QueryError.self) { try await db.execute(SQLQuery(sql: spelling)) }
                // Read as the transaction control it is: refused, since the code opened no BEGIN.
                #expect(refused?.message.contains("no transaction is active") == true, "\(spelling): \(String(describing: refused))")
                _ = try? await db.execute("INSERT INTO note VALUES (2)")
                _ = try? await db.execute("ALTER TABLE note ADD COLUMN leaked INTEGER")
                try await db.endTestTransaction()
                await db.close()
                try await driver.open().closing { (check) async throws in
                    #expect(try await check.fetchOne(Int.self, "SELECT count(*) FROM note") == 0, "\(spelling)")
                    let columns = try await check.fetchAll(String.self, "SELECT column_name FROM information_schema.columns WHERE table_name = 'note'")
                    #expect(columns == ["x"], "\(spelling)")
                }
            }
        }

        @Test func aHiddenBeginAndCommitBecomeSavepoints() async throws {
            try await PostgresTesting.withDatabase { driver in
                try await driver.open().closing { try await $0.execute("CREATE TABLE note(x INTEGER)") }
                try await driver.open().closing { (db) async throws in
                    try await db.beginTestTransaction()
                    try await db.execute("/* a /* b */ */ BEGIN")
                    try await db.execute("INSERT INTO note VALUES (1)")
                    try await db.execute("-- done\rCOMMIT")
                    #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM note") == 1)
                    try await db.endTestTransaction()
                }
                try await driver.open().closing { (check) async throws in
                    #expect(try await check.fetchOne(Int.self, "SELECT count(*) FROM note") == 0)
                }
            }
        }

        @Test func theServerRefusesToCommitATestTransactionWhateverSendsTheCommit() async throws {
            try await PostgresTesting.withDatabase { driver in
                try await driver.open().closing { try await $0.execute("CREATE TABLE note(x INTEGER)") }
                for commit in ["COMMIT", "END", "COMMIT AND CHAIN", "PREPARE TRANSACTION 'held'", "SET CONSTRAINTS ALL IMMEDIATE"] {
                    let db = try await driver.open()
                    try await db.beginTestTransaction()
                    try await db.execute("INSERT INTO note VALUES (1)")
                    // Savepoints, as the code's own transactions become, leave the guard armed.
                    try await db.execute("BEGIN")
                    try await db.execute("INSERT INTO note VALUES (2)")
                    try await db.execute("COMMIT")
                    // `run` sends a statement unchanged: the interception never sees it.
                    let refused = await #expect(throws: QueryError.self) { _ = try await db.run(SQLQuery(sql: commit)) }
                    #expect(refused?.code == .abort, "\(commit)")
                    #expect(refused?.databaseCode == "STK01", "\(commit)")
                    #expect(refused?.message.contains("would have committed the test transaction") == true, "\(commit): \(String(describing: refused))")
                    #expect(refused?.sql == commit)
                    #expect(db.testTransactionLoss?.sql == commit)
                    // Nothing after it runs either: it would commit on its own.
                    let after = await #expect(throws: QueryError.self) { try await db.execute("INSERT INTO note VALUES (3)") }
                    #expect(after?.message.contains("cannot be used any more") == true)
                    try? await db.endTestTransaction()
                    await db.close()
                    try await driver.open().closing { (check) async throws in
                        #expect(try await check.fetchAll(Int.self, "SELECT x FROM note") == [], "\(commit)")
                        #expect(try await check.fetchOne(Int.self, "SELECT count(*) FROM pg_prepared_xacts") == 0)
                    }
                }
            }
        }

        @Test func aSessionMakesItsGuardOnceAndNoOtherSessionSeesIt() async throws {
            try await PostgresTesting.withDatabase { driver in
                let db = try await driver.open()
                let guardTable = "SELECT 'pg_temp.sqltestkit_commit_guard'::regclass::oid::bigint"
                try await db.beginTestTransaction()
                try await db.endTestTransaction()
                let first = try await db.fetchOne(Int64.self, SQLQuery(sql: guardTable))
                try await db.beginTestTransaction()
                try await db.endTestTransaction()
                // Made once for the session, not once a test: a test transaction costs one insert.
                #expect(first != nil)
                #expect(try await db.fetchOne(Int64.self, SQLQuery(sql: guardTable)) == first)
                try await driver.open().closing { (other) async throws in
                    #expect(try await other.fetchOne(Bool.self, "SELECT to_regclass('pg_temp.sqltestkit_commit_guard') IS NULL") == true)
                    #expect(try await other.fetchOne(Int.self, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'sqltestkit%'") == 0)
                }
                await db.close()
            }
        }

        @Test func theServersCommandTagCatchesACommitWhenTheGuardIsDefeated() async throws {
            try await PostgresTesting.withDatabase { driver in
                try await driver.open().closing { try await $0.execute("CREATE TABLE note(x INTEGER)") }
                let db = try await driver.open()
                try await db.beginTestTransaction()
                try await db.execute("INSERT INTO note VALUES (1)")
                // Hostile code removes the guard first: the command tag is what is left.
                _ = try await db.run("DROP TRIGGER sqltestkit_refuse_commit ON pg_temp.sqltestkit_commit_guard")
                let loss = await #expect(throws: QueryError.self) { _ = try await db.run("COMMIT") }
                #expect(loss?.code == .abort)
                #expect(loss?.message.contains("ended the test transaction: PostgreSQL reported `COMMIT`") == true, "\(String(describing: loss))")
                #expect(loss?.sql == "COMMIT")
                #expect(db.testTransactionLoss?.sql == "COMMIT")
                let refused = await #expect(throws: QueryError.self) { try await db.execute("INSERT INTO note VALUES (2)") }
                #expect(refused?.message.contains("cannot be used any more") == true)
                try? await db.endTestTransaction()
                await db.close()
                try await driver.open().closing { (check) async throws in
                    #expect(try await check.fetchAll(Int.self, "SELECT x FROM note") == [1])
                }
            }
        }

        @Test func aCommitInATransactionModeTestReachesNoOtherTestAndFailsIt() async throws {
            let template = try await PostgresIsolation.template(.transaction)
            let fixtures = try PostgresTesting.bookstoreFixtures
            let tags = try #require(fixtures.files.first { $0.table == "tag" }?.rowCount)
            let marker = "leaked-\(UUID().uuidString)"
            // Tests running at the same time on the same database watch for the row.
            let (error, seen) = await withTaskGroup(of: (QueryError?, Int).self) { group in
                group.addTask {
                    let error = await #expect(throws: QueryError.self) {
                        try await IsolatedDatabase.with(template) { db in
                            try await db.execute("INSERT INTO tag(name) VALUES (\(marker))")
                            // The code under test swallows the error: closing still fails the test.
                            _ = try? await db.run("COMMIT")
                        }
                    }
                    return (error, 0)
                }
                for _ in 0..<8 {
                    group.addTask {
                        let seen = try? await IsolatedDatabase.with(template) { db in
                            var seen = 0
                            for _ in 0..<20 { seen += try await db.fetchOne(Int.self, "SELECT count(*) FROM tag WHERE name = \(marker)") ?? 0 }
                            return seen
                        }
                        return (nil, seen ?? -1)
                    }
                }
                var error: QueryError?
                var seen = 0
                for await (failure, count) in group {
                    error = error ?? failure
                    seen += count
                }
                return (error, seen)
            }
            #expect(error?.message.contains("would have committed the test transaction") == true, "\(String(describing: error))")
            #expect(seen == 0, "other tests saw the row (or failed: -1)")
            let (name, count, leaked) = try await IsolatedDatabase.with(template) { db in
                (try await db.fetchOne(String.self, "SELECT current_database()"),
                 try await db.fetchOne(Int.self, "SELECT count(*) FROM tag"),
                 try await db.fetchOne(Int.self, "SELECT count(*) FROM tag WHERE name = \(marker)"))
            }
            #expect(count == tags)
            #expect(leaked == 0)
            #expect(name?.contains("_tx_\(PostgresRun.tag)_") == true)
        }

        @Test func aCommitPastADefeatedGuardFailsTheTestAndLaterTestsGetAFreshDatabase() async throws {
            // A template of its own: what this test commits on purpose reaches no other test.
            let template = PostgresTemplate.onTestServer(schema: "CREATE TABLE tag (id serial PRIMARY KEY, name text); INSERT INTO tag(name) VALUES ('kept'); -- defeated guard")
            let tags = 1
            let marker = "defeated-\(UUID().uuidString)"
            var first: String?
            let error = await #expect(throws: QueryError.self) {
                try await IsolatedDatabase.with(template) { db in
                    first = try await db.fetchOne(String.self, "SELECT current_database()")
                    _ = try await db.run("DROP TRIGGER sqltestkit_refuse_commit ON sqltestkit.sqltestkit_commit_guard")
                    try await db.execute("INSERT INTO tag(name) VALUES (\(marker))")
                    _ = try? await db.run("COMMIT")
                }
            }
            #expect(error?.message.contains("ended the test transaction") == true, "\(String(describing: error))")
            let (second, count) = try await IsolatedDatabase.with(template) { db in
                (try await db.fetchOne(String.self, "SELECT current_database()"),
                 try await db.fetchOne(Int.self, "SELECT count(*) FROM tag"))
            }
            #expect(first != nil && first != second, "the database the lost transaction committed to is not handed out again")
            #expect(count == tags)
            #expect(second?.contains("_tx_\(PostgresRun.tag)_") == true)
        }

        @Test func twoPhaseCommitIsRefusedInsideTestTransactions() async throws {
            try await PostgresTesting.withDatabase { driver in
                try await driver.open().closing { try await $0.execute("CREATE TABLE note(x INTEGER)") }
                for statement in ["PREPARE TRANSACTION 'held'", "/* x /* y */ */ PREPARE TRANSACTION 'held'",
                                  "COMMIT PREPARED 'held'", "ROLLBACK PREPARED 'held'"] {
                    let db = try await driver.open()
                    try await db.beginTestTransaction()
                    try await db.execute("INSERT INTO note VALUES (1)")
                    let refused = await #expect(throws: QueryError.self) { try await db.execute(SQLQuery(sql: statement)) }
                    #expect(refused?.message.contains("is refused inside a test transaction") == true, "\(statement)")
                    #expect(refused?.suggestion?.contains("database mode") == true)
                    try await db.endTestTransaction()
                    await db.close()
                }
                try await driver.open().closing { (check) async throws in
                    #expect(try await check.fetchOne(Int.self, "SELECT count(*) FROM note") == 0)
                    #expect(try await check.fetchOne(Int.self, "SELECT count(*) FROM pg_prepared_xacts") == 0)
                }
            }
        }

        @Test func aFixtureFileWithTwoPhaseCommitIsRefusedBeforeAnythingRuns() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-2pc-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try "INSERT INTO note VALUES (1);\n/* a /* b */ */ PREPARE TRANSACTION 'half';\nINSERT INTO note VALUES (2);\n"
                .write(toFile: directory + "/note.sql", atomically: true, encoding: .utf8)
            let error = #expect(throws: FixtureError.self) { try FixtureSet(directory: directory) }
            let problem = try #require(error?.problems.first)
            #expect(problem.message.contains("PREPARE TRANSACTION 'half'"), "\(problem)")
            #expect(problem.line == 2)
        }
    }
}
#endif

#if PostgreSQL
extension PostgreSQL.TransactionControl {
    @Test func aCommitThatPostgresTurnsIntoARollbackIsAnError() async throws {
        try await PostgresTesting.withDatabase { driver in
            try await driver.open().closing { try await $0.execute("CREATE TABLE note(x INTEGER PRIMARY KEY)") }
            let db = try await driver.open()
            let error = await #expect(throws: QueryError.self) {
                try await db.transaction { tx in
                    try await tx.execute("INSERT INTO note VALUES (1)")
                    // Careless code: the failure is swallowed, so PostgreSQL aborts the transaction.
                    _ = try? await tx.execute("INSERT INTO note VALUES (1)")
                }
            }
            #expect(error?.message.contains("COMMIT rolled the transaction back") == true, "\(String(describing: error))")
            await db.close()
            try await driver.open().closing { (check) async throws in
                #expect(try await check.fetchOne(Int.self, "SELECT count(*) FROM note") == 0)
            }
        }
    }
}
#endif
