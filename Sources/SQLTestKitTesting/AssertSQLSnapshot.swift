import Foundation
import IssueReporting
import SQLTestKit

/// Compares the statements run since the log was last taken from (and takes them) with a
/// snapshot file kept next to the test: `__SQLSnapshots__/<test file>/<test name>.sql`. The
/// snapshot holds each statement's SQL with its arguments, so a changed argument fails as
/// surely as a changed column.
///
/// ```swift
/// try await store.rename(book: 1, to: "Dune")
/// assertSQLSnapshot(mock)                       // compares with __SQLSnapshots__/BookTests/renaming.sql
/// ```
///
/// The first run writes the file and fails, asking you to check it in and run again. On a
/// mismatch the failure shows a line diff (`−` snapshot, `+` now). Set the environment variable
/// `SQLTESTKIT_RECORD_SNAPSHOTS=1` to re-record every snapshot the run reaches (each one
/// re-recorded is reported, so a run with recording on never passes by accident). Give
/// `named:` for a second snapshot in one test, or one per argument of a parameterized test.
///
/// Transaction control is part of the snapshot (`BEGIN`, `COMMIT`, and the savepoints a test
/// transaction turns the code's own into), so a change to where the code's transactions begin
/// and end fails it; settings and catalog reads are left out. Pass `filter: .excludingNoise`
/// to leave transaction control out too, or `.all` to keep everything.
///
/// SwiftPM warns about files in a target it does not know how to build; list the snapshot
/// folder in the test target's `exclude:` (for example `exclude: ["__SQLSnapshots__"]`).
public func assertSQLSnapshot(
    _ log: StatementLog,
    named name: String? = nil,
    filter: StatementFilter = .excludingSettingsAndCatalogReads,
    snapshotDirectory: String? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, function: StaticString = #function,
    line: UInt = #line, column: UInt = #column
) {
    let statements = log.takeStatements(filter)
    let actual = SQLSnapshot.render(statements)
    let path = SQLSnapshot.path(filePath: "\(filePath)", function: "\(function)", name: name, directory: snapshotDirectory)
    let recording = TestArtifact.isSet(SQLSnapshot.recordVariable)
    let existing = try? String(contentsOfFile: path, encoding: .utf8)
    func record(_ reason: String) {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            reportIssue("\(reason) \(path) (\(statements.count) statement\(statements.count == 1 ? "" : "s")); check it in and run the test again",
                        fileID: fileID, filePath: filePath, line: line, column: column)
        } catch {
            reportIssue("cannot write the SQL snapshot \(path): \(error)", fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }
    guard let existing, !recording else {
        record(recording ? "Re-recorded the SQL snapshot" : "Recorded a new SQL snapshot at")
        return
    }
    guard let diff = LineDiff.render(expected: SQLSnapshot.lines(existing), actual: SQLSnapshot.lines(actual)) else { return }
    reportIssue("""
        SQL snapshot \(path) does not match the statements run (− snapshot, + now):
        \(diff)
        To accept the new statements, run again with \(SQLSnapshot.recordVariable)=1.
        """, fileID: fileID, filePath: filePath, line: line, column: column)
}

/// ``assertSQLSnapshot(_:named:filter:snapshotDirectory:fileID:filePath:function:line:column:)`` on a mock's log.
public func assertSQLSnapshot(
    _ mock: MockDriver,
    named name: String? = nil,
    filter: StatementFilter = .excludingSettingsAndCatalogReads,
    snapshotDirectory: String? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, function: StaticString = #function,
    line: UInt = #line, column: UInt = #column
) {
    assertSQLSnapshot(mock.log, named: name, filter: filter, snapshotDirectory: snapshotDirectory,
                      fileID: fileID, filePath: filePath, function: function, line: line, column: column)
}

/// The snapshot file format and where snapshots live.
enum SQLSnapshot {
    static let recordVariable = "SQLTESTKIT_RECORD_SNAPSHOTS"

    /// One block per statement: its SQL as sent, then `-- arguments: …` as SQL literals when it
    /// has any, blocks separated by a blank line.
    static func render(_ statements: [LoggedStatement]) -> String {
        var blocks: [String] = []
        for statement in statements {
            var block = statement.sql
            if !statement.arguments.isEmpty {
                block += "\n-- arguments: " + statement.arguments.map(\.description).joined(separator: ", ")
            }
            blocks.append(block)
        }
        return "-- \(statements.count) statement\(statements.count == 1 ? "" : "s")\n" + blocks.map { $0 + "\n" }.joined(separator: "\n")
    }

    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `<directory of the test file>/__SQLSnapshots__/<test file name>/<test name>[-<name>].sql`.
    static func path(filePath: String, function: String, name: String?, directory: String?) -> String {
        TestArtifact.path(filePath: filePath, function: function, name: name, directory: directory, folder: "__SQLSnapshots__", fileExtension: "sql")
    }
}

/// Where files kept next to a test live (SQL snapshots, cassettes), and whether the run asks
/// to record them again.
enum TestArtifact {
    /// `<directory>/<test file name>/<test name>[-<name>].<fileExtension>`, the directory
    /// being `folder` next to the test file unless given.
    static func path(filePath: String, function: String, name: String?, directory: String?, folder: String, fileExtension: String) -> String {
        let testFile = ((filePath as NSString).lastPathComponent as NSString).deletingPathExtension
        let base = directory ?? ((filePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(folder)
        var testName = String(function.prefix { $0 != "(" })
        if let name { testName += "-" + name }
        let safe = String(testName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return ((base as NSString).appendingPathComponent(testFile) as NSString).appendingPathComponent(safe + "." + fileExtension)
    }

    /// Whether the environment variable `name` is set to 1, true or yes.
    static func isSet(_ name: String) -> Bool {
        ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment[name]?.lowercased() ?? "")
    }
}
