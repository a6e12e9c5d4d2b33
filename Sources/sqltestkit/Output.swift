import ArgumentParser
import Foundation
import SQLTestKit

/// Writes to standard error (problems, progress) and standard output (results).
enum Output {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Whether standard error is a terminal, where a progress line can redraw itself.
    static var errorIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) == 1 }

    /// Stops with exit status 2 when there is no fixture directory at `path`: the same message
    /// and status from every subcommand.
    static func requireFixtureDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            error("error: there is no fixture directory at \(path) (relative paths start at \(FileManager.default.currentDirectoryPath))")
            throw ExitCode.unusable
        }
        // One rule for load and check: a directory with nothing to load or check is a mistake
        // (a wrong path, most often), refused before any database is touched or created.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        // What FixtureSet reads: files with a fixture extension (schema.sql is one), not hidden.
        let usable = entries.contains { name in
            !name.hasPrefix(".") && FixtureFile.Format(fileExtension: (name as NSString).pathExtension) != nil
        }
        guard usable else {
            error("""
                error: \(path) holds no fixture files (.yml, .yaml, .json, .csv, .sql) and no \(FixtureSet.schemaFileName)
                  suggestion: check the path; a fixture file is named after its table, such as author.yml
                """)
            throw ExitCode.unusable
        }
    }

    /// The fixture set of `path`, or its problems printed and exit status 1.
    static func readFixtures(_ path: String) throws -> FixtureSet {
        do {
            return try FixtureSet(directory: path)
        } catch let error as FixtureError {
            Output.error(error.description)
            throw ExitCode.fixtureProblems
        }
    }

    /// Rewrites the current terminal line on standard error.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }
}
