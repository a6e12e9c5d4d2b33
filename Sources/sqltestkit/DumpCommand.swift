import ArgumentParser
import Foundation
import SQLTestKit

/// `--format yaml|json|csv` (also `yml`); SQL is a fixture format but not one dumps write.
extension FixtureFile.Format: ExpressibleByArgument {
    public init?(argument: String) {
        guard let format = FixtureFile.Format(fileExtension: argument), format != .sql else { return nil }
        self = format
    }

    public static var allValueStrings: [String] { ["yaml", "json", "csv"] }
}

struct DumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Write a database's tables as fixture files (one per table).",
        discussion: """
            Rows are ordered by primary key and every column is written, keys included, so \
            loading the files and dumping again gives identical files. With --labels-from DIR \
            (the fixtures the database was loaded from), rows come back under their labels, \
            keys the labels derived are left out, and references are written by label.
            """)

    @Argument(help: "The SQLite database file to read, or a postgres:// URL (with the PostgreSQL trait).")
    var database: String

    @Option(name: [.short, .long], help: "The directory to write the fixture files to.")
    var output: String

    @Option(name: [.short, .long], help: "yaml, json or csv.")
    var format: FixtureFile.Format = .yaml

    @Option(name: .customLong("table"), help: "A table to dump (repeat for several; default: all).")
    var tables: [String] = []

    @Option(help: "The fixture directory the database was loaded from: rows are written under their labels, with references by label, as they were written there.")
    var labelsFrom: String?

    func run() async throws {
        try PostgresTarget.requireExisting(database)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), !isDirectory.boolValue {
            Output.error("error: --output \(output) is a file; name a directory for the fixture files (it is created if missing)")
            throw ExitCode.validationFailure
        }
        var original: FixtureSet?
        if let labelsFrom {
            try Output.requireFixtureDirectory(labelsFrom)
            original = try Output.readFixtures(labelsFrom)
        }
        do {
            // Opened as it is (no switch to WAL, nothing written), and closed before the
            // process ends, so no -wal or -shm file is left beside it.
            let db = try await PostgresTarget.open(database)
            let written: [String]
            do {
                written = try await FixtureSet.dump(from: db, to: output, format: format, tables: tables.isEmpty ? nil : tables,
                                                labelsFrom: original)
            } catch {
                await db.close()
                throw error
            }
            await db.close()
            for path in written { Output.print("wrote \(path)") }
        } catch let error as FixtureError where error.problems.allSatisfy({ $0.kind == .unknownTable }) {
            // A misspelt --table is a usage mistake about the database, not about the files.
            let names = error.problems.map { problem in
                "`\(problem.table ?? "")`" + (problem.suggestion.map { " (\($0))" } ?? "")
            }
            Output.error("error: \(database) has no table \(names.joined(separator: ", "))")
            throw ExitCode.validationFailure
        } catch let error as FixtureError {
            Output.error(error.description)
            throw ExitCode.fixtureProblems
        } catch let error as QueryError {
            Output.error("error: \(error)")
            throw ExitCode.unusable
        }
    }
}
