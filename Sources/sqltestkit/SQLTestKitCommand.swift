import ArgumentParser
import Foundation

/// `sqltestkit`: load, check and dump the fixture files SQLTestKit reads.
///
/// Exit status: 0 when the command did its work, 1 when the fixtures have problems (each one
/// printed with file, line and a suggestion), 2 when the database or schema could not be used
/// (a refused non-test database, a schema that does not build, an unreadable file), and 64 for
/// command-line mistakes.
@main
struct SQLTestKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sqltestkit",
        abstract: "Load, check and dump SQLTestKit fixtures (YAML, JSON, CSV and SQL files, one per table).",
        discussion: """
            Exit status: 0 on success, 1 when the fixtures have problems, 2 when the database or \
            schema cannot be used, 64 for a usage error.
            """,
        version: "0.1.0",
        subcommands: [LoadCommand.self, CheckCommand.self, DumpCommand.self]
    )

    /// Runs the command line; a misspelt subcommand gets the nearest one suggested (instead of
    /// ArgumentParser's "unexpected arguments").
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        if let first = arguments.first, !first.hasPrefix("-"), !names.contains(first) {
            let nearest = names.min { editDistance(first, $0) < editDistance(first, $1) }.flatMap { editDistance(first, $0) <= 2 ? $0 : nil }
            Output.error("error: unknown command '\(first)'" + (nearest.map { "; did you mean '\($0)'?" } ?? "")
                + "\nUsage: sqltestkit <load | check | dump> …  (see 'sqltestkit --help')")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        await main(nil)
    }

    /// Levenshtein distance between two short words.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Exit statuses shared by the subcommands.
extension ExitCode {
    /// The fixtures have problems.
    static let fixtureProblems = ExitCode(1)
    /// The database or the schema cannot be used.
    static let unusable = ExitCode(2)
}
