import Foundation
import Synchronization
import Testing
import SQLTestKit

@Suite("Loading fixtures")
struct FixtureLoadTests {
    static let schema = """
        CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES author(id));
        """

    @Test func aFailedLoadLeavesTheDatabaseExactlyAsItWas() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, [
            "author.yml": "ann: { name: Ann }\nbob: { name: Bob }",
            "book.yml": "one: { title: One, author: ann }\ntwo: { title: Two, author_id: 12345 }",   // a dangling key
        ])
        try await db.execute("INSERT INTO author(id, name) VALUES (1, 'Existing')")
        try await db.execute("INSERT INTO book(id, title, author_id) VALUES (1, 'Kept', 1)")
        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        #expect(error?.problems.map(\.kind) == [.constraintViolation])
        #expect(error?.problems.first?.label == "two")
        #expect(try await db.fetchAll("SELECT id, name FROM author").map(\.values) == [[1, "Existing"]])
        #expect(try await db.fetchAll("SELECT id, title FROM book").map(\.values) == [[1, "Kept"]])
        #expect(try await db.fetchOne("PRAGMA defer_foreign_keys")?[0] == 0)
        #expect(db.transactionState.depth == 0)
    }

    @Test func aLoadInsideATestTransactionIsRolledBackWithIt() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["author.yml": "ann: { name: Ann }"])
        try await db.testTransaction { db in
            try await fixtures.load(into: db)
            #expect(try await db.fetchOne("SELECT count(*) FROM author")?[0] == 1)
            // The load's deferral of foreign keys does not leak into the test.
            #expect(try await db.fetchOne("PRAGMA defer_foreign_keys")?[0] == 0)
        }
        #expect(try await db.fetchOne("SELECT count(*) FROM author")?[0] == 0)
    }

    @Test func keepingExistingRowsIsAnOption() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["author.yml": "ann: { name: Ann }"])
        try await db.execute("INSERT INTO author(id, name) VALUES (1, 'Existing')")
        try await fixtures.load(into: db, clearingTables: false)
        #expect(try await db.fetchAll(String.self, "SELECT name FROM author ORDER BY name") == ["Ann", "Existing"])
        let again = await expectError(FixtureError.self) { try await fixtures.load(into: db, clearingTables: false) }
        #expect(again?.description == """
            author.yml:1:1: `author` (row `ann`) was refused by the database: UNIQUE constraint failed: author.id
              suggestion: a row already in the table has the same value; change this one, or clear the table's rows first (the default: clearingTables: true, or sqltestkit load without --keep-existing)
            """)
    }

    @Test func progressIsReportedPerThousandRowsAndPerTable() async throws {
        let csv = "name\n" + (1...2500).map { "author \($0)" }.joined(separator: "\n")
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["author.csv": csv])
        let reports = Mutex<[FixtureLoadProgress]>([])
        let summary = try await fixtures.load(into: db) { progress in reports.withLock { $0.append(progress) } }
        #expect(reports.withLock { $0.map(\.rowsLoaded) } == [1000, 2000, 2500])
        let last = try #require(reports.withLock { $0.last })
        #expect([last.table] == ["author"] && [last.rowsInTable, last.totalRowsLoaded, last.totalRows] == [2500, 2500, 2500])
        #expect(summary.description.hasPrefix("author  2500\n2500 rows in 1 table loaded in "))
    }

    @Test func fileDatabasesMustBeTestDatabases() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixtures = try FixtureSet(files: ["author.yml": "ann: { name: Ann }"])

        // A database someone else created, with a name that does not say "test": refused.
        let production = directory + "/orders.sqlite"
        try createForeignDatabase(at: production, sql: Self.schema)
        let db = try await SQLiteDriver(path: production).connect()
        let refusal = await expectError(NotATestDatabaseError.self) { try await fixtures.load(into: db) }
        #expect(refusal?.operation == "load fixtures into")
        #expect(refusal?.description.contains("pass allowingNonTestDatabase: true (or --allow-non-test-database to sqltestkit)") == true)
        #expect(try await db.fetchOne("SELECT count(*) FROM author")?[0] == 0)
        try await fixtures.load(into: db, allowingNonTestDatabase: true)
        #expect(try await db.fetchOne("SELECT count(*) FROM author")?[0] == 1)
        await db.close()

        // Named as a test database, or created by SQLTestKit: loaded.
        let named = directory + "/orders-test.sqlite"
        try createForeignDatabase(at: named, sql: Self.schema)
        let testDB = try await SQLiteDriver(path: named).connect()
        try await fixtures.load(into: testDB)
        await testDB.close()
        let ours = try await SQLiteDriver.testDatabase(path: directory + "/scratch.sqlite").connect()
        try await ours.executeScript(Self.schema)
        try await fixtures.load(into: ours)
        #expect(try await ours.fetchOne("SELECT count(*) FROM author")?[0] == 1)
        await ours.close()
    }

    @Test func templatesBuiltFromFixturesAreClonedPerTest() async throws {
        let fixtures = try FixtureSet(directory: ExampleFixtures.directory)
        let template = try DatabaseTemplate(fixtures: fixtures)
        let first = try await SQLiteDriver.Connection.cloning(template)
        let second = try await SQLiteDriver.Connection.cloning(template)
        try await first.execute("DELETE FROM review")
        #expect(try await first.fetchOne("SELECT count(*) FROM review")?[0] == 0)
        #expect(try await second.fetchOne("SELECT count(*) FROM review")?[0] == 3)
        #expect(try await second.fetchOne("SELECT name FROM author WHERE id = \(try #require(fixtures.id(of: "grace", in: "author")))")?[0] == "Grace Hopper")
        #expect(template.contentHash != DatabaseTemplate(schema: template.schema).contentHash)

        let noSchema = await expectError(TemplateError.self) { _ = try DatabaseTemplate(fixtures: FixtureSet(files: ["tag.csv": "name\nx"])) }
        #expect(noSchema?.message == "the fixtures have no schema.sql to build the template from")
    }

    @Test func fixtureTablesBecomeMockRows() async throws {
        let fixtures = try FixtureSet(directory: ExampleFixtures.directory)
        let authors = try await fixtures.rows(of: "author")
        #expect(authors.first?.columnNames == ["id", "name", "email", "born", "active"])
        #expect(Set(authors.map { $0["name"] }) == ["Ada Lovelace", "Grace Hopper", "Linus Example"])
        #expect(authors.first { $0["id"] == 42 }?["active"] == 1)   // the column's default

        let mock = MockDriver(dialect: .sqlite)
        mock.script("SELECT * FROM author", answer: .rows(authors))
        let db = try await mock.connect()
        #expect(try await db.fetchAll("SELECT * FROM author") == authors)

        let unknown = await expectError(FixtureError.self) { _ = try await fixtures.rows(of: "authr") }
        #expect(unknown?.description == """
            authr: no fixture file gives rows to `authr`
              suggestion: did you mean `author`?
            """)
    }
}

@Suite("Loading fixtures through any connection")
struct FixtureLoadThroughWrapperTests {
    @Test func aRecordingConnectionSeesEveryStatementOfTheLoad() async throws {
        let (db, fixtures) = try await fixtureDatabase(FixtureLoadTests.schema, [
            "author.yml": "ann: { name: Ann }", "book.csv": "title,author\nOne,ann\nTwo,ann\n",
        ])
        let log = StatementLog()
        let recording = RecordingConnection(wrapping: db, log: log)
        try await fixtures.load(into: recording)
        let ann = FixtureSet.derivedID(for: "ann")
        let inserts = log.takeSQLs().filter { $0.hasPrefix("INSERT") }
        #expect(inserts == [
            #"INSERT INTO "author" ("id", "name") VALUES (\#(ann), 'Ann')"#,
            #"INSERT INTO "book" ("title", "author_id") VALUES ('One', \#(ann))"#,
            #"INSERT INTO "book" ("title", "author_id") VALUES ('Two', \#(ann))"#,
        ])
        #expect(log.statements.contains { $0.sql == "DELETE FROM \"book\"" })

        // Failures on this path are tied to their rows too.
        let again = await expectError(FixtureError.self) { try await fixtures.load(into: recording, clearingTables: false) }
        #expect(again?.problems.map(\.label) == ["ann"])
        #expect(try await db.fetchOne("SELECT count(*) FROM book")?[0] == 2)
    }
}
