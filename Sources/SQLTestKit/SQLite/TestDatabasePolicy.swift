/// Decides whether a database may be wiped: SQLTestKit's rule for every destructive
/// operation (reset, fixture loads that clear tables).
///
/// A database counts as a test database when it is in memory, when SQLTestKit created it
/// (its `PRAGMA application_id` carries SQLTestKit's marker), or when its file name says so:
/// one of the words in the name (split at anything but letters and digits) is `test`,
/// `tests`, `testing` or starts with `test` (`test.sqlite`, `orders-test.db`,
/// `app_testdb.sqlite`; not `latest.db` or `contest.sqlite`).
///
/// ```swift
/// TestDatabasePolicy.nameSaysTest("/tmp/orders-test.sqlite")   // true
/// TestDatabasePolicy.nameSaysTest("/srv/latest.db")            // false
/// ```
public enum TestDatabasePolicy {
    /// Whether the last path component names a test database.
    public static func nameSaysTest(_ path: String) -> Bool {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let words = fileName.lowercased().split { !($0.isLetter || $0.isNumber) }
        return words.contains { $0.hasPrefix("test") }
    }

    /// Throws ``NotATestDatabaseError`` unless the database at `path` may be wiped.
    static func check(operation: String, path: String, hasMarker: Bool, override: Bool, overrideHint: String) throws {
        if override || hasMarker || nameSaysTest(path) { return }
        throw NotATestDatabaseError(
            operation: operation, location: path,
            reason: "it is a file database that SQLTestKit did not create and whose name does not say it is a test database",
            howToOverride: "To go ahead anyway, \(overrideHint); or use a file whose name contains the word `test` (like `\(suggestedName(for: path))`), or an in-memory database.")
    }

    private static func suggestedName(for path: String) -> String {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return fileName + "-test" }
        return fileName[..<dot] + "-test" + fileName[dot...]
    }
}
