import Foundation

/// Keeping the database of a failed test, to look at what the test saw.
///
/// With `SQLTESTKIT_KEEP_FAILED=1` in the environment (or the option of the trait or test
/// case), a test that fails keeps its database instead of rolling it back or dropping it:
/// an SQLite database is written to ``KeepLocation/sqliteFile``, a PostgreSQL one is kept on
/// its server or dumped, and the test's output gets one line with the command that opens it.
/// Passing tests keep nothing, and each run removes what an earlier run kept for the same test.
///
/// ```sh
/// SQLTESTKIT_KEEP_FAILED=1 swift test
/// # kept the database of the failed test ReviewTests/deletesAReview: sqlite3 '/…/.build/sqltestkit/failed/ReviewTests/deletesAReview.sqlite'
/// ```
public enum KeepOnFailure {
    /// The environment variable that turns keeping on for every test: `1`, `true` or `yes`.
    public static let environmentVariable = "SQLTESTKIT_KEEP_FAILED"

    /// The environment variable that names the folder kept databases go under, instead of the
    /// build folder's `sqltestkit/failed`.
    public static let directoryVariable = "SQLTESTKIT_KEEP_DIR"

    /// Whether the environment asks for failed tests' databases to be kept.
    public static var isRequested: Bool {
        isOn(getenv(environmentVariable).map { String(cString: $0) })
    }

    /// Whether a value of ``environmentVariable`` turns keeping on.
    static func isOn(_ value: String?) -> Bool {
        guard let value = value?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(value)
    }

    /// Where kept databases go: ``directoryVariable`` when set, otherwise `sqltestkit/failed`
    /// in the build folder the tests run from (`.build`, or the `--scratch-path` folder), found
    /// from the test executable's path; `.build` in the working directory when there is none.
    public static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment[directoryVariable], !chosen.isEmpty { return chosen }
        return (buildFolder(of: CommandLine.arguments.first ?? "") ?? defaultBuildFolder) + "/sqltestkit/failed"
    }

    /// The nearest folder above `executable` whose name starts with `.build`.
    static func buildFolder(of executable: String) -> String? {
        guard executable.hasPrefix("/") else { return nil }
        var url = URL(fileURLWithPath: executable).standardizedFileURL
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if url.lastPathComponent.hasPrefix(".build") { return url.path }
        }
        return nil
    }

    private static var defaultBuildFolder: String {
        FileManager.default.currentDirectoryPath + "/.build"
    }

    /// Whether `path` is a database kept from a failed test (it lies in a `sqltestkit/failed`
    /// folder, or in ``directory``): such a file is never taken for a test database, so no
    /// load or reset changes it.
    public static func isKept(_ path: String) -> Bool {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        if standardized.contains("/sqltestkit/failed/") { return true }
        let chosen = URL(fileURLWithPath: directory).standardizedFileURL.path
        return standardized.hasPrefix(chosen.hasSuffix("/") ? chosen : chosen + "/")
    }

    /// Writes a line about a kept database to standard output, where a test's failure is
    /// reported (XCTest and ``IsolatedDatabase``'s own keeping use it).
    public static func report(_ line: String) {
        print(line)
    }

    /// `text` quoted for a POSIX shell.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
