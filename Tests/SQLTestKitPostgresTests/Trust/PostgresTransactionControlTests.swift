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

        @Test func theServersCommandTagCatchesATransactionEndTheTextHides() async throws {
            try await PostgresTesting.withDatabase { driver in
                try await driver.open().closing { try await $0.execute("CREATE TABLE note(x INTEGER)") }
                let db = try await driver.open()
                try await db.beginTestTransaction()
                try await db.execute("INSERT INTO note VALUES (1)")
                // `run` sends a statement unchanged: the interception never sees it.
                let loss = await #expect(throws: QueryError.self) { _ = try await db.run("COMMIT") }
                #expect(loss?.code == .abort)
                #expect(loss?.message.contains("ended the test transaction: PostgreSQL reported `COMMIT`") == true, "\(String(describing: loss))")
                #expect(loss?.sql == "COMMIT")
                #expect(db.testTransactionLoss?.sql == "COMMIT")
                // Nothing after it runs, so nothing after it is committed.
                let refused = await #expect(throws: QueryError.self) { try await db.execute("INSERT INTO note VALUES (2)") }
                #expect(refused?.message.contains("cannot be used any more") == true)
                try? await db.endTestTransaction()
                await db.close()
                try await driver.open().closing { (check) async throws in
                    #expect(try await check.fetchAll(Int.self, "SELECT x FROM note") == [1])
                }
            }
        }

        @Test func aLostTestTransactionFailsTheTestAndLaterTestsGetAFreshDatabase() async throws {
            let template = try await PostgresIsolation.template(.transaction)
            let fixtures = try PostgresTesting.bookstoreFixtures
            let tags = try #require(fixtures.files.first { $0.table == "tag" }?.rowCount)
            let first = try await IsolatedDatabase.with(template) { db in try await db.fetchOne(String.self, "SELECT current_database()") }
            let error = await #expect(throws: QueryError.self) {
                try await IsolatedDatabase.with(template) { db in
                    try await db.execute("INSERT INTO tag(name) VALUES ('leaked')")
                    // The code under test swallows the error: closing still fails the test.
                    _ = try? await db.run("COMMIT")
                }
            }
            #expect(error?.message.contains("ended the test transaction") == true, "\(String(describing: error))")
            let (second, count) = try await IsolatedDatabase.with(template) { db in
                (try await db.fetchOne(String.self, "SELECT current_database()"),
                 try await db.fetchOne(Int.self, "SELECT count(*) FROM tag"))
            }
            #expect(first != second, "the database the lost transaction committed to is not handed out again")
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
