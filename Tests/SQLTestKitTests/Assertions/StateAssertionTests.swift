import Foundation
import Testing
import SQLTestKit
import SQLTestKitTesting

/// Snapshots, table and query rows, and changes since the fixtures: passing cases, and the
/// pinned failure text of their common mistakes.
@Suite("Snapshot and database-state assertions", .serialized)   // one test sets the re-record variable
struct StateAssertionTests {
    static let schema = """
        CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER REFERENCES author(id), price REAL);
        """

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("snapshots-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func runStatements(_ mock: MockDriver, title: String, id: Int) async throws {
        let db = try await mock.connect()
        try await db.transaction { db in
            _ = try await db.fetchAll("SELECT id, title FROM book WHERE author_id = \(7)")
            try await db.execute("UPDATE book SET title = \(title) WHERE id = \(id)")
        }
    }

    @Test func aSnapshotIsRecordedThenCompared() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mock = MockDriver()
        try await runStatements(mock, title: "Dune", id: 1)
        expectFailure {
            assertSQLSnapshot(mock, snapshotDirectory: directory)
        } matching: { issue in
            issue.description.contains("Recorded a new SQL snapshot at \(directory)/StateAssertionTests/aSnapshotIsRecordedThenCompared.sql (4 statements)")
        }
        #expect(try String(contentsOfFile: directory + "/StateAssertionTests/aSnapshotIsRecordedThenCompared.sql", encoding: .utf8) == """
            -- 4 statements
            BEGIN

            SELECT id, title FROM book WHERE author_id = ?
            -- arguments: 7

            UPDATE book SET title = ? WHERE id = ?
            -- arguments: 'Dune', 1

            COMMIT

            """)

        // The same statements pass; a changed argument fails with a line diff.
        try await runStatements(mock, title: "Dune", id: 1)
        assertSQLSnapshot(mock, snapshotDirectory: directory)
        try await runStatements(mock, title: "Dune", id: 2)
        expectFailure {
            assertSQLSnapshot(mock, snapshotDirectory: directory)
        } matching: { issue in
            issue.description.contains("""
                does not match the statements run (− snapshot, + now):
                  -- 4 statements
                  BEGIN
                  \("")
                  SELECT id, title FROM book WHERE author_id = ?
                  -- arguments: 7
                  \("")
                  UPDATE book SET title = ? WHERE id = ?
                − -- arguments: 'Dune', 1
                + -- arguments: 'Dune', 2
                  \("")
                  COMMIT
                To accept the new statements, run again with SQLTESTKIT_RECORD_SNAPSHOTS=1.
                """)
        }
    }

    @Test func theEnvironmentVariableReRecords() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mock = MockDriver()
        try await runStatements(mock, title: "Dune", id: 1)
        expectFailure { assertSQLSnapshot(mock, snapshotDirectory: directory) }
        setenv("SQLTESTKIT_RECORD_SNAPSHOTS", "1", 1)
        defer { unsetenv("SQLTESTKIT_RECORD_SNAPSHOTS") }
        try await runStatements(mock, title: "Arrakis", id: 1)
        expectFailure {
            assertSQLSnapshot(mock, snapshotDirectory: directory)
        } matching: { issue in
            issue.description.contains("Re-recorded the SQL snapshot \(directory)/StateAssertionTests/theEnvironmentVariableReRecords.sql (4 statements)")
        }
        let text = try String(contentsOfFile: directory + "/StateAssertionTests/theEnvironmentVariableReRecords.sql", encoding: .utf8)
        #expect(text.contains("-- arguments: 'Arrakis', 1"))
    }

    @Test func namedSnapshotsAndAnExtraStatement() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mock = MockDriver()
        let db = try await mock.connect()
        try await db.execute("DELETE FROM review WHERE id = \(3)")
        expectFailure { assertSQLSnapshot(mock.log, named: "first run", snapshotDirectory: directory) }
        #expect(FileManager.default.fileExists(atPath: directory + "/StateAssertionTests/namedSnapshotsAndAnExtraStatement-first_run.sql"))
        try await db.execute("DELETE FROM review WHERE id = \(3)")
        try await db.execute("DELETE FROM book")
        expectFailure {
            assertSQLSnapshot(mock.log, named: "first run", snapshotDirectory: directory)
        } matching: { issue in
            issue.description.contains("""
                − -- 1 statement
                + -- 2 statements
                  DELETE FROM review WHERE id = ?
                  -- arguments: 3
                + \("")
                + DELETE FROM book
                """)
        }
    }

    @Test func tableRowsMatchWhateverTheirOrder() async throws {
        let db = try await makeDatabase(Self.schema)
        try await db.execute("INSERT INTO author VALUES (1, 'Frank'), (2, 'Ursula')")
        try await db.execute("INSERT INTO book VALUES (2, 'Dune Messiah', 1, 9.5), (1, 'Dune', 1, 8.0)")
        try await assertTableRows("book", in: db, [["id": 1, "title": "Dune"], ["id": 2, "title": "Dune Messiah", "price": 9.5]])
        try await expectFailure {
            try await assertTableRows("book", in: db, [
                ["id": 1, "title": "Dune", "price": 7.5],
                ["id": 3, "title": "Children of Dune"],
            ])
        } matching: { issue in
            issue.description.hasSuffix("""
                assertTableRows failed: table `book` has 2 rows, expected 2 (matched by id):
                  ✗ id 1: price 8.0 ≠ expected 7.5
                  − id 3: expected, not found
                  + id 2: not expected (id 2, title 'Dune Messiah', author_id 1, price 9.5)
                """)
        }
        try await expectFailure {
            try await assertTableRows("book", in: db, [["title": "Dune"]])
        } matching: { issue in
            issue.description.hasSuffix("assertTableRows failed: the expected row [title: 'Dune'] has no value for the key column `id`")
        }
        try await expectFailure {
            try await assertTableRows("bok", in: db, [] as [ResultRow])
        } matching: { issue in
            issue.description.hasSuffix("assertTableRows failed: there is no table `bok`; tables: `author`, `book`")
        }
    }

    @Test func queryRowsAndFixtureRows() async throws {
        let (db, fixtures) = try await ExampleFixtures.loadedDatabase()
        try await assertTableRows("tag", in: db, try await fixtures.rows(of: "tag"))
        try await assertQueryRows("SELECT name, active FROM author WHERE active = \(1)", in: db,
                                  [["name": "Linus Example", "active": 1], ["name": "Grace Hopper"]])
        try await expectFailure {
            try await assertQueryRows("SELECT name, active FROM author WHERE active = \(1)", in: db, [["name": "Grace Hopper", "active": 0]])
        } matching: { issue in
            issue.description.hasSuffix("""
                assertQueryRows failed: the query has 2 rows, expected 1 (matched by name):
                  ✗ name 'Grace Hopper': active 1 ≠ expected 0
                  + name 'Linus Example': not expected (name 'Linus Example', active 1)
                  query: SELECT name, active FROM author WHERE active = 1
                """)
        }
    }

    @Test func changesSinceTheFixturesNameRowsByLabel() async throws {
        let (db, fixtures) = try await ExampleFixtures.loadedDatabase()
        try await assertChanges(in: db, since: fixtures, [])
        let notes = try #require(fixtures.id(of: "notes", in: "book"))
        try await db.execute("UPDATE book SET price = 10.0, in_print = 0 WHERE id = \(notes)")
        try await db.execute("DELETE FROM review WHERE reviewer = 'Ken'")
        try await db.execute("INSERT INTO tag(id, name) VALUES (1, 'Poetry')")
        try await assertChanges(in: db, since: fixtures, [
            "~ book `notes`: price 12.5 → 10.0, in_print 1 → 0",
            "- review `third`",
            "+ tag (id 1): id 1, name 'Poetry'",
        ])
        try await expectFailure {
            try await assertChanges(in: db, since: fixtures, ["~ book `notes`: price 12.5 → 10.0", "+ tag (id 1): id 1, name 'Poetry'"])
        } matching: { issue in
            issue.description.hasSuffix("""
                assertChanges failed: the changes since the fixtures differ (− expected, + actual):
                − ~ book `notes`: price 12.5 → 10.0
                + ~ book `notes`: price 12.5 → 10.0, in_print 1 → 0
                + - review `third`
                  + tag (id 1): id 1, name 'Poetry'
                actual changes:
                  ~ book `notes`: price 12.5 → 10.0, in_print 1 → 0
                  - review `third`
                  + tag (id 1): id 1, name 'Poetry'
                """)
        }
        let changes = try await fixtures.changes(in: db)
        #expect(changes.changes.map(\.kind) == [.updated, .deleted, .inserted])
        #expect(changes.changes[0].columns.map(\.column) == ["price", "in_print"])
    }
}
