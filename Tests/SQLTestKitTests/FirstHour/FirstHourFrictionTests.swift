import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

/// What cost a new user their first hour (issue 24, item 5), each pinned: the spelling they
/// tried compiles, and every message says the cause and the fix.
@Suite("First hour: the frictions a new user met")
struct FirstHourFrictionTests {
    let cli = CommandLineTests()

    // MARK: - The mock

    @Test func rowsFromCSVInTheSpellingUsersTry() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.expect("SELECT id, name FROM user", answer: .rows(try .csv("id,name\n1,Ada\n2,\"Hopper, Grace\"")))
        let db = try await mock.connect()
        let rows = try await db.fetchAll("SELECT id, name FROM user")
        #expect(rows.map { $0["id"] } == [.integer(1), .integer(2)])
        #expect(rows.map { $0["name"] } == [.text("Ada"), .text("Hopper, Grace")])
        try mock.verify()

        let bad = #expect(throws: (any Error).self) { _ = try [ResultRow].csv("id,name\n1,Ada,extra") }
        #expect(String(describing: bad).contains("this row has 3 fields but the header has 2"), "\(String(describing: bad))")
    }

    // MARK: - Assertions

    @Test func assertChangesTakesAPlaceholderForAKeyTheTestCannotKnow() async throws {
        let fixtures = try FixtureSet(directory: ExampleFixtures.directory)
        try await IsolatedDatabase.with(DatabaseTemplate(fixtures: fixtures)) { db in
            try await db.execute("INSERT INTO tag(name) VALUES ('Poetry')")
            let key = try #require(try await db.fetchOne(Int64.self, "SELECT id FROM tag WHERE name = 'Poetry'"))
            // Without the placeholder the test would have to know the key.
            let lines = try await fixtures.changes(in: db).lines
            #expect(lines == ["+ tag (id \(key)): id \(key), name 'Poetry'"])
            try await assertChanges(in: db, since: fixtures, ["+ tag (id *): id *, name 'Poetry'"])

            // A placeholder stands for one value, not for anything: a wrong name still fails,
            // and the failure shows the real line.
            try await expectFailure {
                try await assertChanges(in: db, since: fixtures, ["+ tag (id *): id *, name 'Prose'"])
            } matching: { message in
                message.contains("− + tag (id *): id *, name 'Prose'") && message.contains("+ + tag (id \(key)): id \(key), name 'Poetry'")
            }
            // `*` inside a quoted value is that character, not a placeholder.
            try await db.execute("INSERT INTO tag(name) VALUES ('*')")
            try await assertChanges(in: db, since: fixtures, ["+ tag (id *): id *, name 'Poetry'", "+ tag (id *): id *, name '*'"])
        }
    }

    @Test func snapshotsShowTheTransactionsTheCodeRunsIn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-snap-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mock = MockDriver(dialect: .sqlite)
        let db = try await mock.connect()
        try await db.transaction { db in try await db.execute("UPDATE book SET price = \(10) WHERE id = \(1)") }
        _ = try await db.execute("PRAGMA foreign_keys = ON")
        expectFailure { assertSQLSnapshot(mock, named: "default", snapshotDirectory: directory) }
        let recorded = try String(contentsOfFile: directory + "/FirstHourFrictionTests/snapshotsShowTheTransactionsTheCodeRunsIn-default.sql", encoding: .utf8)
        #expect(recorded == "-- 3 statements\nBEGIN\n\nUPDATE book SET price = ? WHERE id = ?\n-- arguments: 10, 1\n\nCOMMIT\n")

        // Leaving them out is a choice the test states.
        try await db.transaction { db in try await db.execute("UPDATE book SET price = \(10) WHERE id = \(1)") }
        expectFailure { assertSQLSnapshot(mock, named: "quiet", filter: .excludingNoise, snapshotDirectory: directory) }
        let quiet = try String(contentsOfFile: directory + "/FirstHourFrictionTests/snapshotsShowTheTransactionsTheCodeRunsIn-quiet.sql", encoding: .utf8)
        #expect(quiet == "-- 1 statement\nUPDATE book SET price = ? WHERE id = ?\n-- arguments: 10, 1\n")
    }

    // MARK: - Fixtures

    @Test func loadingIntoAnEmptyDatabaseAppliesTheDirectorysSchema() async throws {
        let fixtures = try FixtureSet(directory: ExampleFixtures.directory)
        let db = try await SQLiteDriver.inMemory().connect()
        let summary = try await fixtures.load(into: db)
        #expect(summary.schema == ExampleFixtures.directory + "/schema.sql")
        #expect(summary.totalRows == 17)
        // A database with tables is loaded into as it is: the schema is not applied again.
        let again = try await fixtures.load(into: db)
        #expect(again.schema == nil)
    }

    @Test func withoutASchemaFileTheLoadSaysExactlyWhatToPass() async throws {
        let fixtures = try FixtureSet(files: ["author.yml": "ada:\n  name: Ada\n"])
        let db = try await SQLiteDriver.inMemory().connect()
        let error = await #expect(throws: FixtureError.self) { try await fixtures.load(into: db) }
        let problem = try #require(error?.problems.first)
        #expect(problem.message.contains("the database has no tables, so none of the fixtures' tables (`author`) exist"))
        #expect(problem.suggestion?.contains("pass `schema: FixtureSchema(sql: …, source: …)` to load(into:)") == true)
    }

    @Test func yesAndNoInAnIntegerColumnAreNamedAsFlags() async throws {
        let fixtures = try FixtureSet(files: ["author.yml": "ada:\n  name: Ada\n  active: yes\ngrace:\n  name: Grace\n  active: off\n"])
        let db = try await SQLiteDriver.inMemory().connect()
        try await db.execute("CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT, active INTEGER)")
        let error = await #expect(throws: FixtureError.self) { try await fixtures.load(into: db) }
        let problems = error?.problems ?? []
        #expect(problems.count == 2)
        #expect(problems.first?.message.contains("`yes` is not") == true, "\(problems)")
        #expect(problems.first?.suggestion == "write the flag as `true` (stored as 1 in an INTEGER column), or declare the column BOOLEAN, where `yes` is read as true (the column is declared `INTEGER`)")
        #expect(problems.last?.suggestion == "write the flag as `false` (stored as 0 in an INTEGER column), or declare the column BOOLEAN, where `off` is read as false (the column is declared `INTEGER`)")
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 0)
    }

    // MARK: - The command line

    @Test func anEmptyFixtureDirectoryIsTheSameMistakeForLoadAndCheck() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let empty = scratch.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try "not a fixture".write(toFile: empty + "/notes.txt", atomically: true, encoding: .utf8)
        // Hidden files are not read as fixtures either.
        try "ada: {}".write(toFile: empty + "/.draft.yml", atomically: true, encoding: .utf8)
        let database = scratch.file("new-test.sqlite")
        let message = "error: \(empty) holds no fixture files (.yml, .yaml, .json, .csv, .sql) and no schema.sql\n  suggestion: check the path; a fixture file is named after its table, such as author.yml\n"
        for arguments in [["load", empty, "-d", database], ["check", empty]] {
            let run = try cli.run(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.error == message, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func aDatabaseWhoseTablesDifferSaysTheSchemaWasNotAppliedAndHowToRebuild() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.file("old-test.sqlite")
        // A database made from an older schema: author has no email column yet.
        let old = scratch.file("old")
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        try "CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n".write(toFile: old + "/schema.sql", atomically: true, encoding: .utf8)
        try "ada:\n  name: Ada\n".write(toFile: old + "/author.yml", atomically: true, encoding: .utf8)
        #expect(try cli.run(["load", old, "-d", database, "-q"]).status == 0)

        let run = try cli.run(["load", ExampleFixtures.directory, "-d", database])
        #expect(run.status == 1)
        #expect(run.error.contains("unknown column `email` in table `author`"), "\(run.error)")
        #expect(run.error.hasSuffix("""
            note: \(ExampleFixtures.directory)/schema.sql was not applied, because \(database) already has tables, and its tables differ from the fixtures'
              suggestion: add --reset to rebuild the database from \(ExampleFixtures.directory)/schema.sql (nothing is kept of what it holds)

            """), "\(run.error)")
        // The fix the note names works.
        #expect(try cli.run(["load", ExampleFixtures.directory, "-d", database, "--reset", "-q"]).status == 0)
    }

    @Test func aLargeLoadByADebugBuildSaysSoOnce() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let directory = scratch.file("large")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "CREATE TABLE reading(id INTEGER PRIMARY KEY, value INTEGER);\n".write(toFile: directory + "/schema.sql", atomically: true, encoding: .utf8)
        let rows = (1...50_000).map { "\($0),\($0 % 97)" }.joined(separator: "\n")
        try ("id,value\n" + rows + "\n").write(toFile: directory + "/reading.csv", atomically: true, encoding: .utf8)
        let run = try cli.run(["load", directory, "-d", scratch.file("large-test.sqlite"), "-q"])
        #expect(run.status == 0, "\(run.error)")
        // The binary the tests run is a debug build, as `swift run` makes.
        #expect(run.error == "note: this sqltestkit is a debug build (what `swift run` builds), which loads 50,000 rows much slower than a release build; for large loads run `swift run -c release sqltestkit load …`\n")

        // A small load says nothing.
        let small = try cli.run(["load", ExampleFixtures.directory, "-d", scratch.file("small-test.sqlite"), "-q"])
        #expect(small.error == "")
    }

    @Test(arguments: ["yaml", "json", "csv"])
    func aDumpGivenTheOriginalFixturesWritesTheirLabelsAndReferences(format: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let original = scratch.file("original-test.sqlite"), copy = scratch.file("copy-test.sqlite")
        #expect(try cli.run(["load", ExampleFixtures.directory, "-d", original, "-q"]).status == 0)
        let dumped = try cli.run(["dump", original, "-o", scratch.file("labelled"), "-f", format, "--labels-from", ExampleFixtures.directory])
        #expect(dumped.status == 0, "\(dumped.error)")
        let books = try String(contentsOfFile: scratch.file("labelled/book.\(format == "yaml" ? "yml" : format)"), encoding: .utf8)
        switch format {
        case "yaml":
            // Labels as written, the derived key left out, references by label under their names.
            #expect(books.contains("notes:\n  title: Notes on the Analytical Engine\n  author: ada\n"), "\(books)")
            #expect(books.contains("  previous_book: compilers\n"))
            #expect(!books.contains("\nbook_"), "no made-up label is left: \(books)")
            #expect(!books.contains("\n  id: "))
            // A row that set its own key keeps it.
            let authors = try String(contentsOfFile: scratch.file("labelled/author.yml"), encoding: .utf8)
            #expect(authors.contains("linus:\n  id: 42\n"))
        case "json":
            #expect(books.contains("\"notes\": {\n    \"title\": \"Notes on the Analytical Engine\",\n    \"author\": \"ada\","), "\(books)")
        default:
            // CSV keeps every column (one header for all rows); labels and references by label.
            #expect(books.contains("\n\"notes\",4458162263404506,\"Notes on the Analytical Engine\",\"ada\","), "\(books)")
        }
        // What the labelled dump describes is the same database: loaded and dumped plainly,
        // it gives the same files as the original.
        #expect(try cli.run(["load", scratch.file("labelled"), "-d", copy, "-q"]).status == 0)
        #expect(try cli.run(["dump", original, "-o", scratch.file("a"), "-f", format]).status == 0)
        #expect(try cli.run(["dump", copy, "-o", scratch.file("b"), "-f", format]).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: scratch.file("a")) {
            let first = try String(contentsOfFile: scratch.file("a/" + name), encoding: .utf8)
            let second = try String(contentsOfFile: scratch.file("b/" + name), encoding: .utf8)
            #expect(first == second, "\(name) differs after a round trip through the labelled dump")
        }
    }

    @Test func labelsFromAMissingDirectoryIsRefusedBeforeAnythingIsWritten() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.file("store-test.sqlite")
        #expect(try cli.run(["load", ExampleFixtures.directory, "-d", database, "-q"]).status == 0)
        let run = try cli.run(["dump", database, "-o", scratch.file("out"), "--labels-from", scratch.file("nowhere")])
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("error: there is no fixture directory at \(scratch.file("nowhere"))"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out")))
    }
}
