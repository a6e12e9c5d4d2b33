import ArgumentParser

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
}

/// Exit statuses shared by the subcommands.
extension ExitCode {
    /// The fixtures have problems.
    static let fixtureProblems = ExitCode(1)
    /// The database or the schema cannot be used.
    static let unusable = ExitCode(2)
}
