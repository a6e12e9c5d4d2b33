import Foundation
import Testing
import SQLTestKit
import SQLTestKitTestSupport

/// End-to-end runs of the built `sqltestkit` binary: its output and exit status.
@Suite("The sqltestkit command")
struct CommandLineTests {
    typealias Run = BuiltBinary.Run

    /// The `sqltestkit` binary next to the test bundle (`swift test` builds it first).
    static var built: BuiltBinary {
        get throws {
            guard let binary = BuiltBinary(named: "sqltestkit") else {
                throw QueryError(code: .notFound, message: "the sqltestkit binary is not next to the tests; run `swift build` first")
            }
            return binary
        }
    }

    static var binary: URL {
        get throws { try built.url }
    }

    func run(_ arguments: String...) throws -> Run {
        try run(arguments)
    }

    func run(_ arguments: [String]) throws -> Run {
        try Self.built.run(arguments)
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The output without the timing at the end of a load summary.
    func withoutTiming(_ text: String) -> String {
        text.replacingOccurrences(of: #"loaded in [0-9.]+ s"#, with: "loaded in … s", options: .regularExpression)
    }

    @Test func loadCreatesTheSchemaThenReloads() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/bookstore-test.sqlite"
        let first = try run("load", ExampleFixtures.directory, "--database", database)
        #expect(first.status == 0)
        #expect(withoutTiming(first.output) == """
            created the schema from \(ExampleFixtures.directory)/schema.sql
            loaded \(ExampleFixtures.directory) into \(database)
            author    3
            book      4
            review    3
            tag       3
            book_tag  4
            17 rows in 5 tables loaded in … s

            """)
        let second = try run("load", ExampleFixtures.directory, "-d", database, "--quiet")
        #expect(second.status == 0)
        #expect(second.output == "")
        let withSchema = try run("load", ExampleFixtures.directory, "-d", database, "--schema", ExampleFixtures.directory + "/schema.sql")
        #expect(withSchema.status == 2)
        #expect(withSchema.error == """
            error: \(database) already has tables, so the schema in \(ExampleFixtures.directory)/schema.sql was not applied
              suggestion: add --reset to empty the database first, or leave out --schema to load into the tables it has

            """)
        #expect(try run("load", ExampleFixtures.directory, "-d", database, "--reset", "--schema", ExampleFixtures.directory + "/schema.sql", "-q").status == 0)
    }

    @Test func loadRefusesADatabaseThatIsNotForTests() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/shop.sqlite"
        try createForeignDatabase(at: database, sql: try ExampleFixtures.schema)
        let refused = try run("load", ExampleFixtures.directory, "-d", database)
        #expect(refused.status == 2)
        #expect(refused.error.contains("pass --allow-non-test-database"))
        #expect(refused.error.contains(database))
        #expect(try run("load", ExampleFixtures.directory, "-d", database, "--allow-non-test-database", "-q").status == 0)
    }

    @Test func loadAndCheckListEveryProblem() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nCREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id));"
            .write(toFile: directory + "/schema.sql", atomically: true, encoding: .utf8)
        try "ann:\n  nmae: Ann".write(toFile: directory + "/author.yml", atomically: true, encoding: .utf8)
        try "[{\"author\": \"anne\"}]".write(toFile: directory + "/book.json", atomically: true, encoding: .utf8)
        let check = try run("check", directory)
        #expect(check.status == 1)
        #expect(check.output == """
            \(directory)/author.yml:2:9: unknown column `nmae` in table `author` (row `ann`)
              suggestion: did you mean `name`?
            \(directory)/book.json:1:13: `author` of `book` (row at line 1) references the author row labelled `anne`, but \(directory)/author.yml has no row with that label
              suggestion: did you mean `ann`?

            """)
        #expect(check.error == "2 problems in 2 files\n")

        let database = directory + "/app-test.sqlite"
        let load = try run("load", directory, "-d", database)
        #expect(load.status == 1)
        #expect(load.error.hasPrefix("2 problems in the fixtures:\n\(directory)/author.yml:2:9: unknown column `nmae`"))
        // Schema and rows are one unit, and the file did not exist before: nothing is left behind.
        #expect(!FileManager.default.fileExists(atPath: database))
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
    }

    @Test func checkPassesTheExamplesAndNeedsASchema() throws {
        let ok = try run("check", ExampleFixtures.directory)
        #expect(ok.status == 0)
        #expect(ok.output == "ok: 5 tables, 17 rows, no problems\n")
        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try "alice:\n  name: Alice\n".write(toFile: empty + "/author.yml", atomically: true, encoding: .utf8)
        let noSchema = try run("check", empty)
        #expect(noSchema.status == 2)
        #expect(noSchema.error == "\(empty): no schema to check the fixtures against\n  suggestion: put the schema in \(empty)/schema.sql, or name a schema file\n")
        let badSchema = try run("check", ExampleFixtures.directory, "--schema", "/no/such.sql")
        #expect(badSchema.status == 2)
        #expect(badSchema.error == "error: cannot read the schema file /no/such.sql\n")
    }

    @Test(arguments: ["yaml", "json", "csv"])
    func dumpThenLoadThenDumpIsIdentical(format: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = directory + "/original-test.sqlite", copy = directory + "/copy-test.sqlite"
        #expect(try run("load", ExampleFixtures.directory, "-d", original, "-q").status == 0)
        let dumped = try run("dump", original, "--output", directory + "/first", "--format", format)
        #expect(dumped.status == 0)
        #expect(dumped.output.split(separator: "\n").count == 6)   // schema.sql and five tables
        // The dump carries its schema: loading it into a new file needs no other step.
        #expect(try run("load", directory + "/first", "-d", copy, "-q").status == 0)
        #expect(try run("dump", copy, "-o", directory + "/second", "-f", format).status == 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory + "/first") {
            let first = try String(contentsOfFile: directory + "/first/" + name, encoding: .utf8)
            let second = try String(contentsOfFile: directory + "/second/" + name, encoding: .utf8)
            #expect(first == second, "\(name) changed between dumps")
        }
    }

    /// On a terminal, a large load redraws one progress line; `script` gives the binary a terminal.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func largeLoadsShowProgressOnATerminal() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);".write(toFile: directory + "/schema.sql", atomically: true, encoding: .utf8)
        try ("name\n" + (1...12_000).map { "item \($0)" }.joined(separator: "\n")).write(toFile: directory + "/item.csv", atomically: true, encoding: .utf8)
        let command = "\(try Self.binary.path) load \(directory) -d \(directory)/items-test.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("loading item: 1000/12000 rows (8% of all)"))
        #expect(text.contains("loading item: 12000/12000 rows (100% of all)"))
        #expect(text.contains("12000 rows in 1 table loaded in"))
        // Without a terminal (the other tests' pipes) there is no progress line.
        let piped = try run("load", directory, "-d", directory + "/items-test.sqlite")
        #expect(!piped.error.contains("loading item"))
    }

    @Test func usageErrorsAndHelp() throws {
        let missing = try run("load", "Fixtures")
        #expect(missing.status == 64)
        #expect(missing.error.hasPrefix("Error: Missing expected argument '--database <database>'"))
        let badFormat = try run("dump", "x.sqlite", "-o", "out", "--format", "xml")
        #expect(badFormat.status == 64)
        #expect(badFormat.error.hasPrefix("Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'yaml', 'json' or 'csv'."))
        let sqlFormat = try run("dump", "x.sqlite", "-o", "out", "--format", "sql")
        #expect(sqlFormat.status == 64)
        #expect(sqlFormat.error.hasPrefix("Error: The value 'sql' is invalid for '--format <format>'"))
        let noDatabase = try run("dump", "/no/such.sqlite", "-o", "out")
        #expect(noDatabase.status == 2)
        #expect(noDatabase.error == "error: there is no database at /no/such.sqlite\n")
        let help = try run("--help")
        #expect(help.status == 0)
        #expect(help.output.contains("SUBCOMMANDS:\n  load "))
        #expect(help.output.contains("Exit status: 0 on success, 1 when the fixtures have problems"))
    }
}

#if !PostgreSQL
extension CommandLineTests {
    /// Built without the PostgreSQL trait (the default), the command says how to get it.
    @Test func aPostgresURLWithoutThePostgreSQLTraitSaysHowToBuildIt() throws {
        let load = try run("load", ExampleFixtures.directory, "--database", "postgres://postgres@127.0.0.1:5432/app_test")
        #expect(load.status == 2)
        #expect(load.error == "error: postgres://postgres@127.0.0.1:5432/app_test is a PostgreSQL database, but this sqltestkit was built without PostgreSQL; build it with the PostgreSQL trait: swift run --traits PostgreSQL sqltestkit …\n")
        let dump = try run("dump", "postgresql://u@h/db", "--output", "/tmp/unused")
        #expect(dump.status == 2)
        #expect(dump.error.contains("is a PostgreSQL database, but this sqltestkit was built without PostgreSQL"))
    }
}
#endif
