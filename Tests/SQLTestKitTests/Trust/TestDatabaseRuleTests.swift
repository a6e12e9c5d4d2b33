import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import Testing

/// The test-database rule judges the file SQLite really opens, and judging or refusing
/// writes nothing: the file's bytes are the same afterwards and no journal file appears.
@Suite("Trust: the real file behind the name, and refusals that change nothing")
struct TestDatabaseRuleTests {
    static let productionSQL = "CREATE TABLE account(id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO account(owner) VALUES ('Ada'), ('Grace');"

    /// Every way a caller can name `prod.db` without saying "prod.db".
    static func aliases(of production: String, in scratch: ScratchDirectory) throws -> [String] {
        let link = scratch.file("test.db")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: production)
        let linkToLink = scratch.file("orders-test.sqlite")
        try FileManager.default.createSymbolicLink(atPath: linkToLink, withDestinationPath: link)
        return [link, linkToLink, "file:" + production, "file://" + production, "file:" + production + "?mode=rw",
                "file:" + link + "?cache=private", scratch.path + "/./sub/../prod.db"]
    }

    @Test(arguments: [false, true])
    func resetRefusesEveryAliasOfAProductionFileAndTouchesNothing(wal: Bool) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let production = scratch.file("prod.db")
        try DatabaseFile.createForeign(production, sql: Self.productionSQL, wal: wal)
        try FileManager.default.createDirectory(atPath: scratch.file("sub"), withIntermediateDirectories: true)
        let bytes = DatabaseFile.bytes(production)
        for alias in try Self.aliases(of: production, in: scratch) {
            let error = await expectError(NotATestDatabaseError.self) { try await SQLiteDriver(path: alias).resetDatabase() }
            #expect(error?.location.hasPrefix(production) == true, "\(alias): \(String(describing: error))")
            #expect(error?.howToOverride.hasPrefix("Nothing was changed.") == true)
            #expect(DatabaseFile.bytes(production) == bytes, "\(alias) changed the file")
            #expect(DatabaseFile.journalFiles(production).isEmpty, "\(alias) left \(DatabaseFile.journalFiles(production))")
            #expect(DatabaseFile.headerJournalMode(production) == (wal ? "wal" : "rollback"))
        }
        #expect(try DatabaseFile.count(production, "account") == 2)
    }

    @Test func theRefusalNamesTheLinkAndTheFileItOpens() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let production = scratch.file("prod.db")
        try DatabaseFile.createForeign(production, sql: Self.productionSQL)
        let link = scratch.file("test.db")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: production)
        let error = await expectError(NotATestDatabaseError.self) { try await SQLiteDriver(path: link).resetDatabase() }
        #expect(error?.description == """
            refusing to reset \(production) (which is what `\(link)` opens): it is a file database that SQLTestKit did not create and whose name does not say it is a test database.
            Nothing was changed. To go ahead anyway, call resetDatabase(allowingNonTestDatabase: true); or use a file whose name has the word `test` in it (like `prod-test.db`), or an in-memory database.
            """)
    }

    @Test func aURIOrLinkToAnExistingFileIsNeverMarkedNorSwitchedToWAL() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let production = scratch.file("prod.db")
        try DatabaseFile.createForeign(production, sql: Self.productionSQL)
        for alias in try Self.aliases(of: production, in: scratch).dropLast() {
            let db = try await SQLiteDriver(path: alias).connect()
            #expect(try await db.fetchOne("PRAGMA application_id")?[0] == 0, "\(alias)")
            #expect(try await db.fetchOne("SELECT count(*) FROM account")?[0] == 2)
            await db.close()
            #expect(DatabaseFile.headerJournalMode(production) == "rollback")
            // Still refused afterwards: connecting did not make it "a test database".
            await #expect(throws: NotATestDatabaseError.self) { try await SQLiteDriver(path: alias).resetDatabase() }
        }
        // An empty file someone else made is not SQLTestKit's either.
        let empty = scratch.file("empty.db")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        await SQLiteDriver(path: empty).connectAndClose()
        #expect(DatabaseFile.bytes(empty)?.isEmpty == true)
    }

    @Test func onlyADatabaseJustCreatedForTestsCarriesTheMarker() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let created = scratch.file("fresh.sqlite")
        let db = try await SQLiteDriver.testDatabase(path: created).connect()
        #expect(try await db.fetchOne("PRAGMA application_id")?[0] == 0x5351_4C54)
        #expect(try await db.fetchOne("PRAGMA journal_mode")?[0] == "wal")
        await db.close()
        // A URI naming a new file creates and marks it too.
        let viaURI = scratch.file("fresh2.sqlite")
        await SQLiteDriver.testDatabase(path: "file:" + viaURI).connectAndClose()
        try await SQLiteDriver(path: viaURI).resetDatabase()
        // In-memory names are never files, whatever they look like.
        for memory in [":memory:", "file::memory:", "file:whatever.db?mode=memory", "file:/sqltestkit-x?vfs=memdb"] {
            try await SQLiteDriver(path: memory).resetDatabase()
        }
        #expect(!FileManager.default.fileExists(atPath: "whatever.db"))
    }

    @Test(arguments: [false, true])
    func refusedLoadsAndDumpsLeaveTheFileByteForByte(wal: Bool) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let production = scratch.file("shop.sqlite")
        try DatabaseFile.createForeign(production, sql: try ExampleFixtures.schema + "INSERT INTO author(id, name, email) VALUES (1, 'Kept', 'kept@example.com');", wal: wal)
        let bytes = DatabaseFile.bytes(production)
        let link = scratch.file("shop-test.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: production)
        let cli = CommandLineTests()
        for name in [production, link, "file:" + production] {
            for arguments in [["load", ExampleFixtures.directory, "-d", name], ["load", ExampleFixtures.directory, "-d", name, "--reset"],
                              ["load", ExampleFixtures.directory, "-d", name, "--keep-existing"]] {
                let run = try cli.run(arguments)
                #expect(run.status == 2, "\(arguments)")
                #expect(run.error.contains("refusing to"), "\(arguments): \(run.error)")
                #expect(run.error.contains("pass --allow-non-test-database"))
                #expect(DatabaseFile.bytes(production) == bytes, "\(arguments) changed the file")
                #expect(DatabaseFile.journalFiles(production).isEmpty, "\(arguments) left \(DatabaseFile.journalFiles(production))")
            }
            // The library refuses before writing too.
            let db = try await SQLiteDriver(path: name).connect()
            await #expect(throws: NotATestDatabaseError.self) { try await ExampleFixtures.fixtures.load(into: db) }
            await db.close()
            #expect(DatabaseFile.bytes(production) == bytes)
            // A dump only reads.
            let dump = try cli.run(["dump", production, "-o", scratch.file("dump-\(UUID())")])
            #expect(dump.status == 0, "\(dump.error)")
            #expect(DatabaseFile.bytes(production) == bytes, "dump changed the file")
            #expect(DatabaseFile.journalFiles(production).isEmpty, "dump left \(DatabaseFile.journalFiles(production))")
        }
    }

    @Test func everyLoadLeavesItsRowsInTheFileAloneAndNoJournalBeside() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let cli = CommandLineTests()
        for attempt in 1...6 {
            let database = scratch.file("load\(attempt)-test.sqlite")
            let run = try cli.run(["load", ExampleFixtures.directory, "-d", database, "-q"])
            #expect(run.status == 0, "\(run.error)")
            #expect(DatabaseFile.journalFiles(database).isEmpty, "load \(attempt) left \(DatabaseFile.journalFiles(database))")
            // The file copied alone, as a CI artifact would be, holds every row.
            let copy = scratch.file("copy\(attempt).sqlite")
            try FileManager.default.copyItem(atPath: database, toPath: copy)
            #expect(try DatabaseFile.count(copy, "book") == 4)
            #expect(try DatabaseFile.count(copy, "book_tag") == 4)
        }
    }
}

extension SQLiteDriver {
    /// Opens and closes one connection.
    func connectAndClose() async {
        guard let db = try? await connect() else {
            Issue.record("could not connect to \(url)")
            return
        }
        await db.close()
    }
}

extension ExampleFixtures {
    static var fixtures: FixtureSet {
        get throws { try FixtureSet(directory: directory) }
    }
}
