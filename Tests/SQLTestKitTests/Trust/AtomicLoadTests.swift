import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import Synchronization
import Testing

/// A load — with its reset and its schema — is one unit: whatever fails, the database is as it
/// was, and hostile fixture files are refused with where and why.
@Suite("Trust: atomic loads and hostile fixture files")
struct AtomicLoadTests {
    /// A directory with the example schema and one broken fixture (a duplicate e-mail the
    /// database refuses at insert time, after other tables went in).
    static func brokenFixtures(_ scratch: ScratchDirectory) throws -> String {
        let directory = scratch.file("broken")
        try FileManager.default.copyItem(atPath: ExampleFixtures.directory, toPath: directory)
        let authors = try String(contentsOfFile: directory + "/author.yml", encoding: .utf8)
        try authors.replacingOccurrences(of: "grace@example.com", with: "ada@example.com")
            .write(toFile: directory + "/author.yml", atomically: true, encoding: .utf8)
        return directory
    }

    /// A loaded test database and its full dump.
    static func loadedDatabase(_ scratch: ScratchDirectory) throws -> (path: String, dump: String) {
        let path = scratch.file("store-test.sqlite")
        let run = try CommandLineTests().run(["load", ExampleFixtures.directory, "-d", path, "-q"])
        #expect(run.status == 0, "\(run.error)")
        return (path, try DatabaseFile.dump(path))
    }

    @Test func aResetThenAFailingLoadLeavesTheDatabaseAsItWas() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (path, before) = try Self.loadedDatabase(scratch)
        let broken = try Self.brokenFixtures(scratch)
        let cli = CommandLineTests()
        for arguments in [["--reset"], ["--reset", "--schema", ExampleFixtures.directory + "/schema.sql"], [], ["--keep-existing"]] {
            let run = try cli.run(["load", broken, "-d", path] + arguments)
            #expect(run.status == 1, "\(arguments): \(run.error)")
            #expect(run.error.contains("UNIQUE constraint failed: author."), "\(run.error)")
            #expect(DatabaseFile.journalFiles(path).isEmpty)
            #expect(try DatabaseFile.dump(path) == before, "\(arguments) changed the database")
        }
    }

    @Test func anUnreadableOrInvalidSchemaFileIsRefusedBeforeAnythingIsTouched() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (path, before) = try Self.loadedDatabase(scratch)
        let bytes = DatabaseFile.bytes(path)
        let cli = CommandLineTests()
        let missing = try cli.run(["load", ExampleFixtures.directory, "-d", path, "--reset", "--schema", scratch.file("nope.sql")])
        #expect(missing.status == 2)
        #expect(missing.error == "error: cannot read the schema file \(scratch.file("nope.sql"))\n")
        let withCommit = scratch.file("commit.sql")
        try "CREATE TABLE x(a);\nCOMMIT;\nCREATE TABLE y(b);".write(toFile: withCommit, atomically: true, encoding: .utf8)
        let committing = try cli.run(["load", ExampleFixtures.directory, "-d", path, "--reset", "--schema", withCommit])
        #expect(committing.status == 2)
        #expect(committing.error.contains("\(withCommit):2: transaction control (COMMIT) is not allowed in a fixture file"), "\(committing.error)")
        let notUTF8 = scratch.file("latin1.sql")
        try Data("CREATE TABLE caf\u{E9}(a);".utf8.map { $0 } + [0xE9]).write(to: URL(fileURLWithPath: notUTF8))
        let invalid = try cli.run(["load", ExampleFixtures.directory, "-d", path, "--reset", "--schema", notUTF8])
        #expect(invalid.status == 2)
        #expect(invalid.error.contains("\(notUTF8):1: the file is not valid UTF-8 text"), "\(invalid.error)")
        #expect(DatabaseFile.bytes(path) == bytes)
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func aSchemaFailingHalfWayLeavesNoHalfSchema() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let directory = scratch.file("fixtures")
        try FileManager.default.copyItem(atPath: ExampleFixtures.directory, toPath: directory)
        let schema = try ExampleFixtures.schema + "\nCREATE TABLE extra(a);\nCREATE TABLEE broken(b);\nCREATE TABLE after(c);\n"
        try schema.write(toFile: directory + "/schema.sql", atomically: true, encoding: .utf8)
        let line = schema.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("TABLEE") }! + 1
        let cli = CommandLineTests()
        // Into a new file: the failed load leaves no file at all.
        let fresh = scratch.file("fresh-test.sqlite")
        let first = try cli.run(["load", directory, "-d", fresh])
        #expect(first.status == 2)
        #expect(first.error.hasPrefix("error: \(directory)/schema.sql:\(line): the schema statement failed: near \"TABLEE\": syntax error; nothing of the load was kept"), "\(first.error)")
        #expect(!FileManager.default.fileExists(atPath: fresh))
        // Into an existing, empty test database: still no table of the schema.
        let empty = scratch.file("empty-test.sqlite")
        try DatabaseFile.createForeign(empty, sql: "")
        let second = try cli.run(["load", directory, "-d", empty])
        #expect(second.status == 2)
        #expect(try DatabaseFile.dump(empty) == "")
        // Over an existing database with --reset: the old schema and rows are all still there.
        let (loaded, before) = try Self.loadedDatabase(scratch)
        let third = try cli.run(["load", directory, "-d", loaded, "--reset"])
        #expect(third.status == 2)
        #expect(try DatabaseFile.dump(loaded) == before)
    }

    @Test(arguments: ["COMMIT;", "END;", "ROLLBACK;", "; commit", "BEGIN;", "END TRANSACTION;", "RELEASE sqltestkit_tx_1;", "/* x */ ;; Commit Transaction;"])
    func transactionControlInSQLFixturesIsRefusedWithItsLine(statement: String) async throws {
        let text = "INSERT INTO note(body) VALUES ('one');\n\(statement)\nINSERT INTO note(body) VALUES ('two');\n"
        let error = await expectError(FixtureError.self) { _ = try FixtureSet(files: ["notes.sql": text]) }
        #expect(error?.problems.count == 1)
        #expect(error?.problems.first?.file == "notes.sql")
        #expect(error?.problems.first?.line == 2)
        #expect(error?.problems.first?.message.hasPrefix("transaction control (") == true)
        #expect(error?.problems.first?.suggestion == "remove it: the whole load runs in one transaction, committed only when every fixture went in, so a failed load leaves the database as it was")
    }

    @Test func aFailingSQLFixtureLeavesTheFileAsItWas() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (path, before) = try Self.loadedDatabase(scratch)
        let db = try await SQLiteDriver(path: path).connect()
        let fixtures = try FixtureSet(files: [
            "tag.csv": "_label,name\nnew,New\n",
            "z.sql": "DELETE FROM review;\nINSERT INTO nowhere VALUES (1);\n",
        ])
        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        #expect(error?.problems.first?.line == 2)
        #expect(error?.problems.first?.message == "a statement of z.sql failed: no such table: nowhere")
        await db.close()
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func aYAMLAliasBombIsRefusedWithItsLine() {
        var lines = ["a0: &a0 [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        lines.append("row:\n  name: *a9")
        let bomb = lines.joined(separator: "\n") + "\n"
        #expect(bomb.utf8.count < 700)
        let error = #expect(throws: FixtureError.self) { _ = try FixtureSet(files: ["item.yml": bomb]) }
        let problem = error?.problems.first
        #expect(problem?.message.hasPrefix("the YAML expands through its aliases to more than 100000 values") == true, "\(String(describing: problem))")
        #expect(problem?.file == "item.yml")
        #expect(problem?.line != nil)
        // Merge keys and small aliases are fine.
        let fine = "defaults: &defaults\n  name: x\n" + (1...300).map { "row\($0):\n  <<: *defaults\n  id: \($0)" }.joined(separator: "\n")
        #expect(throws: Never.self) { _ = try FixtureSet(files: ["item.yml": fine]) }
    }

    @Test(arguments: ["csv", "json", "yml", "sql"])
    func invalidUTF8IsRefusedWithItsLine(format: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let contents: [UInt8]
        switch format {
        case "csv": contents = Array("name\nfine\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x0A]
        case "json": contents = Array("[\n{\"name\": \"fine\"},\n{\"name\": \"caf".utf8) + [0xE9] + Array("\"}]".utf8)
        case "yml": contents = Array("a:\n  name: fine\nb:\n  name: caf".utf8) + [0xE9, 0x0A]
        default: contents = Array("SELECT 1;\n".utf8) + [0xFF, 0xFE] + Array(";\n".utf8)
        }
        let file = "tag.\(format)"
        try Data(contents).write(to: URL(fileURLWithPath: scratch.file(file)))
        let error = await expectError(FixtureError.self) { _ = try FixtureSet(directory: scratch.path) }
        #expect(error?.problems.count == 1)
        #expect(error?.problems.first?.message == "the file is not valid UTF-8 text (the first invalid byte is on this line)")
        #expect(error?.problems.first?.line == (format == "sql" ? 2 : format == "json" ? 3 : format == "yml" ? 4 : 3))
    }

    @Test func aFIFOADeviceAndADirectoryAreNamedForWhatTheyAre() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let fifo = scratch.file("author.yml")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/mkfifo")
        make.arguments = [fifo]
        try make.run()
        make.waitUntilExit()
        try FileManager.default.createDirectory(atPath: scratch.file("book.json"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("review.csv"), withDestinationPath: "/dev/null")
        let error = await expectError(FixtureError.self) { _ = try FixtureSet(directory: scratch.path) }
        let messages = error?.problems.map(\.message).sorted()
        #expect(messages == [
            "\(fifo) is a special file (a FIFO or other non-regular file), not a fixture file",
            "\(scratch.file("book.json")) is a directory, not a fixture file",
            "\(scratch.file("review.csv")) is a device, not a fixture file",
        ].sorted())
    }

    @Test func aCancelledLoadStopsWithinAThousandRowsAndKeepsNothing() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("cancel-test.sqlite")
        let setup = try await SQLiteDriver(path: path).connect()
        try await setup.executeScript("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO item(name) VALUES ('kept');")
        await setup.close()
        let before = try DatabaseFile.dump(path)
        let csv = "name\n" + (1...100_000).map { "item \($0)" }.joined(separator: "\n") + "\n"
        let fixtures = try FixtureSet(files: ["item.csv": csv])
        let reported = ReportedRows()
        let db = try await SQLiteDriver(path: path).connect()
        let load = Task {
            try await fixtures.load(into: db, progress: { progress in
                reported.record(progress.rowsLoaded)
                if progress.rowsLoaded == 10_000 { withUnsafeCurrentTask { $0?.cancel() } }
            })
        }
        await #expect(throws: CancellationError.self) { try await load.value }
        await db.close()
        // Cancelled at 10,000 rows: at most the next thousand went in before the check stopped it.
        #expect(reported.last == 10_000)
        #expect(try DatabaseFile.dump(path) == before)
    }

    @Test func forgettingTheSchemaSaysSoOnceAndLeavesNoFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let directory = scratch.file("no-schema")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["author.yml", "book.yml", "review.csv"] {
            try FileManager.default.copyItem(atPath: ExampleFixtures.directory + "/" + name, toPath: directory + "/" + name)
        }
        let database = scratch.file("new-test.sqlite")
        let run = try CommandLineTests().run(["load", directory, "-d", database])
        #expect(run.status == 1)
        #expect(run.error == """
            \(directory): the database has no tables, so none of the fixtures' tables (`author`, `book`, `review`) exist, and \(directory) has no schema.sql to create them
              suggestion: put the schema in \(directory)/schema.sql (applied to a database without tables), pass `schema: FixtureSchema(sql: …, source: …)` to load(into:), or `--schema FILE` to sqltestkit load

            """)
        #expect(!FileManager.default.fileExists(atPath: database))
    }
}

extension AtomicLoadTests {
    @Test func aCancelledDumpWritesNoTableItDidNotFinish() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let db = try await makeDatabase("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)")
        try await db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO item SELECT i, 'item ' || i FROM n")
        let directory = scratch.file("dump")
        let dump = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await FixtureSet.dump(from: db, to: directory, format: .yaml)
        }
        await #expect(throws: CancellationError.self) { _ = try await dump.value }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}

/// The last row count a progress handler saw.
final class ReportedRows: Sendable {
    private let value = Mutex(0)
    func record(_ rows: Int) { value.withLock { $0 = rows } }
    var last: Int { value.withLock { $0 } }
}
