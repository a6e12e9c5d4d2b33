import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import Testing

/// The command line speaks command line: the same mistake gets the same status and message
/// from every subcommand, suggestions name its flags, and file problems point at the right line.
@Suite("First hour: the command line speaks command line")
struct CommandLineHabitsTests {
    let cli = CommandLineTests()

    @Test func aMissingFixtureDirectoryIsTheSameMistakeEverywhere() throws {
        let here = FileManager.default.currentDirectoryPath
        for arguments in [["load", "no-such-dir", "-d", "x-test.sqlite"], ["check", "no-such-dir"]] {
            let run = try cli.run(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.error == "error: there is no fixture directory at no-such-dir (relative paths start at \(here))\n")
            #expect(!run.error.contains("#filePath"))
        }
        #expect(!FileManager.default.fileExists(atPath: "x-test.sqlite"))
    }

    @Test func dumpMistakesAreUsageErrorsThatNameTheirSubject() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.file("store-test.sqlite")
        #expect(try cli.run(["load", ExampleFixtures.directory, "-d", database, "-q"]).status == 0)
        let onFile = try cli.run(["dump", database, "-o", database])
        #expect(onFile.status == 64)
        #expect(onFile.error == "error: --output \(database) is a file; name a directory for the fixture files (it is created if missing)\n")
        let badTable = try cli.run(["dump", database, "-o", scratch.file("out"), "--table", "bok"])
        #expect(badTable.status == 64)
        #expect(badTable.error == "error: \(database) has no table `bok` (did you mean `book`?)\n")
    }

    @Test func aMisspeltSubcommandGetsTheRightOne() throws {
        for (typed, meant) in [("lod", "load"), ("chek", "check"), ("dmp", "dump")] {
            let run = try cli.run([typed, "Fixtures"])
            #expect(run.status == 64)
            #expect(run.error.hasPrefix("error: unknown command '\(typed)'; did you mean '\(meant)'?\n"), "\(run.error)")
        }
        let unrelated = try cli.run(["frobnicate"])
        #expect(unrelated.error.hasPrefix("error: unknown command 'frobnicate'\n"))
    }

    @Test func suggestionsNameTheCommandLinesFlags() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.file("store-test.sqlite")
        #expect(try cli.run(["load", ExampleFixtures.directory, "-d", database, "-q"]).status == 0)
        let again = try cli.run(["load", ExampleFixtures.directory, "-d", database, "--keep-existing"])
        #expect(again.status == 1)
        #expect(again.error.contains("sqltestkit load without --keep-existing"), "\(again.error)")
    }

    @Test func csvHeaderProblemsAreReportedOnceAtLineOne() async throws {
        let fixtures = try FixtureSet(files: ["author.csv": "_label,nmae,email\na,Ann,a@x\nb,Bob,b@x\nc,\"multi\nline\",c@x\n"])
        let problems = try await fixtures.check(schema: try ExampleFixtures.schema)
        #expect(problems.map(\.description) == [
            "author.csv:1: unknown column `nmae` in table `author` (the header names it)\n  suggestion: did you mean `name`?",
        ])
        // A problem in a record that spans lines is reported where the record starts.
        let split = #expect(throws: FixtureError.self) {
            _ = try FixtureSet(files: ["author.csv": "_label,name,email\na,\"multi\nline\",a@x,extra\n"])
        }
        #expect(split?.problems.first?.line == 2)
    }

    @Test func aDuplicateYAMLLabelIsReportedAtTheDuplicate() {
        let error = #expect(throws: FixtureError.self) {
            _ = try FixtureSet(files: ["author.yml": "ada:\n  name: A\nbob:\n  name: B\nada:\n  name: C\n"])
        }
        #expect(error?.problems.first?.line == 5)
        #expect(error?.problems.first?.message == "duplicate label `ada`: two rows cannot share a label")
    }
}
