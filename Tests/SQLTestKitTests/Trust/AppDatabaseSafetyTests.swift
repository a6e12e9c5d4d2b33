import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import Testing

/// An app opens its production database with `SQLiteDriver(path:)`, the one SQLite driver:
/// nothing SQLTestKit does may take that file for a test database afterwards.
@Suite("Trust: an app's own database is never a test database")
struct AppDatabaseSafetyTests {
    static let schema = """
        CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
        INSERT INTO customer VALUES (1, 'Real Customer', 'real@example.com');
        """

    @Test func aDatabaseTheAppCreatesIsNotMarkedAndIsRefusedByResetAndTheCommand() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("library.sqlite")
        // The app's first start creates its database through the driver.
        try await SQLiteDriver(path: path).connect().closing { db in
            try await db.executeScript(Self.schema)
            #expect(try await db.fetchOne("PRAGMA application_id")?[0] == 0)
        }
        let before = DatabaseFile.bytes(path)
        let refusal = await #expect(throws: NotATestDatabaseError.self) { try await SQLiteDriver(path: path).resetDatabase() }
        #expect(refusal?.description.contains("SQLTestKit did not create") == true)
        // The command refuses it too, and the customer row is untouched on disk.
        let cli = CommandLineTests()
        for arguments in [["load", ExampleFixtures.directory, "-d", path], ["load", ExampleFixtures.directory, "-d", path, "--reset"]] {
            let run = try cli.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.error)")
            #expect(run.error.contains("refusing to"), "\(run.error)")
        }
        #expect(DatabaseFile.bytes(path) == before)
        try await SQLiteDriver(path: path).connect().closing { (db) async throws in
            #expect(try await db.fetchOne("SELECT name FROM customer WHERE id = 1")?[0] == "Real Customer")
        }
    }

    /// Every URI spelling of an existing production file, `mode` included, is that file.
    @Test(arguments: ["?mode=rwc", "?mode=rw", "?mode=ro", "?cache=shared&mode=rwc", "?mode=rwc&psow=1", "?mode=RWC", "?mod%65=rwc"])
    func aURIWithAnyModeIsJudgedAsTheFileItOpens(query: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("billing.sqlite")
        try DatabaseFile.createForeign(path, sql: Self.schema)
        let before = DatabaseFile.bytes(path)
        let uri = "file:" + path + query
        let error = await #expect(throws: NotATestDatabaseError.self) { try await SQLiteDriver(path: uri).resetDatabase() }
        #expect(error?.description.contains(path) == true, "\(String(describing: error))")
        #expect(DatabaseFile.bytes(path) == before, "\(uri)")
        #expect(throws: NotATestDatabaseError.self) { try SQLiteDriver(path: uri).refuseUnlessTestDatabase(operation: "load fixtures into") }
        #expect(DatabaseFile.bytes(path) == before, "\(uri)")
    }

    @Test func aMemoryURIStaysAMemoryDatabaseAndAnUnresolvableNameIsRefused() async throws {
        try await SQLiteDriver(path: "file:ignored.sqlite?mode=memory&cache=shared").resetDatabase()
        #expect(!FileManager.default.fileExists(atPath: "ignored.sqlite"))
        // A VFS SQLite does not know: it cannot say which file that is, so nothing is wiped.
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("ledger.sqlite")
        try DatabaseFile.createForeign(path, sql: Self.schema)
        let error = await #expect(throws: NotATestDatabaseError.self) {
            try await SQLiteDriver(path: "file:" + path + "?vfs=nosuchvfs").resetDatabase()
        }
        #expect(error?.description.contains("could not open it read-only") == true, "\(String(describing: error))")
        #expect(try DatabaseFile.count(path, "customer") == 1)
    }

    @Test func theCommandMarksAFileItCreatesAndOnlyThat() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let fresh = scratch.file("fresh.sqlite")
        let run = try CommandLineTests().run(["load", ExampleFixtures.directory, "-d", fresh])
        #expect(run.status == 0, "\(run.error)")
        // `PRAGMA application_id` is the big-endian integer at offset 68 of the header.
        let header = try #require(DatabaseFile.bytes(fresh)?.prefix(72))
        #expect(header.suffix(4).elementsEqual([0x53, 0x51, 0x4C, 0x54]))
        // Loading again (clearing its tables) is allowed: the command made it for tests.
        #expect(try CommandLineTests().run(["load", ExampleFixtures.directory, "-d", fresh]).status == 0)
    }
}
