import Foundation
@testable import SQLTestKit
import SQLTestKitTestSupport
import Testing

/// Keeping a failed test's SQLite database: the file holds what the test saw, uncommitted
/// changes included; passing tests keep nothing; a later run removes an earlier keep; kept
/// files are never taken for test databases.
@Suite("Keeping a failed test's database")
struct KeepOnFailureTests {
    static let template = DatabaseTemplate(schema: """
        CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE book (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,
                           author_id INTEGER NOT NULL REFERENCES author(id),
                           shout TEXT GENERATED ALWAYS AS (upper(title)) VIRTUAL);
        CREATE TABLE audit (note TEXT);
        CREATE INDEX book_title ON book(title);
        CREATE TRIGGER book_audit AFTER INSERT ON book BEGIN INSERT INTO audit VALUES ('added ' || new.title); END;
        CREATE VIEW titles AS SELECT title FROM book ORDER BY title;
        PRAGMA user_version = 7;
        """, seed: """
        INSERT INTO author VALUES (1, 'Ada'), (2, 'Grace');
        INSERT INTO book (title, author_id) VALUES ('Notes', 1), ('Compilers', 2);
        """)

    /// Reads a kept file through a connection of its own.
    static func read(_ path: String, _ sql: String) async throws -> [[SQLValue]] {
        let db = try await SQLiteDriver(path: path).connect()
        defer { Task { await db.close() } }
        return try await db.fetchAll(SQLQuery(sql: sql)).map(\.values)
    }

    @Test func theFileHoldsWhatTheTestSawUncommittedChangesIncluded() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = KeepLocation(suite: "Books", test: "deletesAnAuthor()", directory: root)
        let lines = CollectedLines()
        let db = try await Self.template.openIsolated()
        // The code under test commits (a savepoint inside the test transaction), runs DDL and
        // leaves a change uncommitted.
        try await db.transaction { db in
            try await db.execute("INSERT INTO book (title, author_id) VALUES (\("Dune"), \(2))")
            try await db.execute("DELETE FROM book WHERE title = \("Notes")")
        }
        try await db.execute("CREATE TABLE later (x INTEGER)")
        try await db.execute("INSERT INTO later VALUES (\(42))")
        try await db.execute("UPDATE author SET name = \("Ada L.") WHERE id = \(1)")
        try await IsolatedDatabase.end(db, from: Self.template, keepingAt: location, failed: true, report: lines.append)

        let file = root + "/Books/deletesAnAuthor.sqlite"
        #expect(lines.all == ["kept the database of the failed test Books/deletesAnAuthor: sqlite3 '\(file)'"])
        #expect(try await Self.read(file, "SELECT id, name FROM author ORDER BY id")
                == [[.integer(1), .text("Ada L.")], [.integer(2), .text("Grace")]])
        #expect(try await Self.read(file, "SELECT id, title, author_id, shout FROM book ORDER BY id")
                == [[.integer(2), .text("Compilers"), .integer(2), .text("COMPILERS")], [.integer(3), .text("Dune"), .integer(2), .text("DUNE")]])
        #expect(try await Self.read(file, "SELECT x FROM later") == [[.integer(42)]])
        #expect(try await Self.read(file, "SELECT note FROM audit ORDER BY note") == [[.text("added Compilers")], [.text("added Dune")], [.text("added Notes")]])
        // AUTOINCREMENT's counter, the index, trigger, view and user_version came along.
        #expect(try await Self.read(file, "SELECT seq FROM sqlite_sequence WHERE name = 'book'") == [[.integer(3)]])
        #expect(try await Self.read(file, "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') ORDER BY name")
                == [[.text("trigger"), .text("book_audit")], [.text("index"), .text("book_title")], [.text("view"), .text("titles")]])
        #expect(try await Self.read(file, "PRAGMA user_version") == [[.integer(7)]])
        #expect(try await Self.read(file, "PRAGMA foreign_key_check").isEmpty)
        // One file, no journal beside it, nothing half-written left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/Books") == ["deletesAnAuthor.sqlite"])
        // The template's clones still start from the seed: nothing escaped.
        let count = try await IsolatedDatabase.with(Self.template, keepingOnFailureAt: nil) { db in
            try await db.fetchOne(Int.self, "SELECT count(*) FROM book WHERE title = 'Notes'")
        }
        #expect(count == 1)
    }

    @Test func aPassingTestKeepsNothingAndRemovesAnEarlierKeep() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = KeepLocation(suite: "Books", test: "passes", directory: root)
        let lines = CollectedLines()
        try await IsolatedDatabase.with(Self.template, keepingOnFailureAt: location, hasFailed: { true }, report: lines.append) { db in
            try await db.execute("DELETE FROM book")
        }
        #expect(FileManager.default.fileExists(atPath: location.sqliteFile))
        #expect(try await Self.read(location.sqliteFile, "SELECT count(*) FROM book") == [[.integer(0)]])

        // The same test passes in a later run: the earlier keep is gone, nothing new is kept.
        try await IsolatedDatabase.with(Self.template, keepingOnFailureAt: location, hasFailed: { false }, report: lines.append) { db in
            try await db.execute("DELETE FROM audit")
        }
        #expect(!FileManager.default.fileExists(atPath: location.sqliteFile))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/Books").isEmpty)
        #expect(lines.all.count == 1)
    }

    @Test func aThrowingBodyKeepsAndItsErrorStands() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = KeepLocation(suite: "Books", test: "throws", directory: root)
        let lines = CollectedLines()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await IsolatedDatabase.with(Self.template, keepingOnFailureAt: location, report: lines.append) { db in
                try await db.execute("INSERT INTO author VALUES (\(3), \("Edsger"))")
                throw Boom()
            }
        }
        #expect(try await Self.read(location.sqliteFile, "SELECT name FROM author ORDER BY id") == [[.text("Ada")], [.text("Grace")], [.text("Edsger")]])
        #expect(lines.all.first?.hasSuffix("sqlite3 '\(location.sqliteFile)'") == true)
    }

    @Test func anEarlierKeepOfTheSameTestIsReplaced() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = KeepLocation(suite: "Books", test: "again", directory: root)
        for title in ["First", "Second"] {
            try await IsolatedDatabase.with(Self.template, keepingOnFailureAt: location, hasFailed: { true }, report: { _ in }) { db in
                try await db.execute("INSERT INTO book (title, author_id) VALUES (\(title), \(1))")
            }
        }
        #expect(try await Self.read(location.sqliteFile, "SELECT title FROM book WHERE id > 2") == [[.text("Second")]])
    }

    @Test func aKeepThatCannotBeWrittenIsReportedAndTheDatabaseStillEnds() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A file where the suite's folder would go.
        _ = FileManager.default.createFile(atPath: root + "/Books", contents: Data("not a folder".utf8))
        let location = KeepLocation(suite: "Books", test: "unwritable", directory: root)
        let lines = CollectedLines()
        let db = try await Self.template.openIsolated()
        try await db.execute("DELETE FROM book")
        try await IsolatedDatabase.end(db, from: Self.template, keepingAt: location, failed: true, report: lines.append)
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasPrefix("could not keep the database of the failed test Books/unwritable: writing \(root)/Books/unwritable.sqlite failed:") == true)
        // Rolled back and closed all the same.
        await #expect(throws: QueryError.self) { try await db.execute("SELECT 1") }
        #expect(try String(contentsOfFile: root + "/Books", encoding: .utf8) == "not a folder")
    }

    @Test func aKeptFileIsNotATestDatabase() async throws {
        let root = try FailingFixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // `testDeletes` says "test" in its name; kept, it is evidence all the same.
        let kept = root + "/sqltestkit/failed/Books/testDeletes.sqlite"
        let location = KeepLocation(suite: "Books", test: "testDeletes", directory: root + "/sqltestkit/failed")
        try await IsolatedDatabase.with(Self.template, keepingOnFailureAt: location, hasFailed: { true }, report: { _ in }) { _ in }
        #expect(location.sqliteFile == kept)
        let db = try await SQLiteDriver(path: kept).connect()
        let error = await #expect(throws: NotATestDatabaseError.self) {
            try await FixtureSet(files: ["author.yml": "zed:\n  id: 9\n  name: Zed\n"]).load(into: db)
        }
        await db.close()
        #expect(error?.description.contains("it is a database SQLTestKit kept from a failed test, to be looked at as the test left it") == true)
        #expect(try await Self.read(kept, "SELECT count(*) FROM author") == [[.integer(2)]])
    }

    @Test func namesAreFileNames() {
        let root = "/k"
        #expect(KeepLocation(suite: "Outer.Books", test: "rates(book:stars:)", arguments: ["\"Dune\"", "3"], directory: root).sqliteFile
                == "/k/Outer.Books/rates-Dune-3.sqlite")
        #expect(KeepLocation(suite: "Books", test: "a/b c", directory: root).name == "Books/a_b_c")
        #expect(KeepLocation(fileID: "MyTests/ReviewTests.swift", function: "deletes()", directory: root).name == "ReviewTests/deletes")
        let long = KeepLocation(suite: "S", test: "t", arguments: [String(repeating: "x", count: 300)], directory: root)
        #expect(long.test.count == 99)
        #expect(long.test != KeepLocation(suite: "S", test: "t", arguments: [String(repeating: "x", count: 301)], directory: root).test)
        #expect(KeepLocation(suite: "S", test: "t", directory: root).key.count == 12)
        #expect(KeepLocation(suite: "S", test: "t", directory: root).key == KeepLocation(suite: "S", test: "t", directory: "/elsewhere").key)
    }

    @Test func theEnvironmentSwitch() {
        for on in ["1", "true", "YES", " on "] { #expect(KeepOnFailure.isOn(on)) }
        for off in [nil, "", "0", "false", "no", "2"] { #expect(!KeepOnFailure.isOn(off)) }
        #expect(KeepOnFailure.buildFolder(of: "/work/app/.build-ci/x86_64-unknown-linux-gnu/debug/AppPackageTests.xctest") == "/work/app/.build-ci")
        #expect(KeepOnFailure.buildFolder(of: "/usr/bin/xctest") == nil)
    }
}
