import Foundation

/// Decides whether a database may be wiped: SQLTestKit's rule for every destructive
/// operation (reset, fixture loads that clear tables).
///
/// A database counts as a test database when it is in memory, when SQLTestKit created it
/// (its `PRAGMA application_id` carries SQLTestKit's marker, which SQLTestKit sets only on a
/// database it has just created empty), or when its file name says so: one of the words of
/// the name is `test`, `tests` or `testing`, in any case. Words are separated by anything but
/// letters, by a change from letters to digits, and by a change from lower to upper case.
///
/// | name | test database? |
/// |---|---|
/// | `test.db`, `tests.sqlite`, `orders-test.sqlite`, `app_tests.db`, `TestData.sqlite`, `myTestDB.db`, `test1.db`, `integration_testing.db` | yes |
/// | `testimonials.db`, `latest.db`, `contest.sqlite`, `attestation.db`, `prod.db`, `testdata.db` | no |
///
/// The rule judges the file SQLite really opens: symbolic links are resolved and `file:` URIs
/// read as SQLite reads them, so a link named `test.db` that points at `prod.db` is
/// `prod.db`. Judging reads the file's header and nothing else: a refused database is not
/// touched.
///
/// ```swift
/// TestDatabasePolicy.nameSaysTest("/tmp/orders-test.sqlite")   // true
/// TestDatabasePolicy.nameSaysTest("/srv/testimonials.db")      // false
/// ```
public enum TestDatabasePolicy {
    /// The words that mark a test database's file name.
    static let testWords: Set<String> = ["test", "tests", "testing"]

    /// Whether the last path component names a test database.
    public static func nameSaysTest(_ path: String) -> Bool {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        return words(of: fileName).contains { testWords.contains($0.lowercased()) }
    }

    /// The words of a file name: runs of letters or of digits, split again where a lowercase
    /// letter is followed by an uppercase one (`TestData` → `Test`, `Data`) and before the
    /// last capital of a run of capitals followed by a lowercase letter (`DBTest` → `DB`, `Test`).
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current: [Character] = []
        func flush() {
            if !current.isEmpty { words.append(String(current)) }
            current.removeAll()
        }
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            guard character.isLetter || character.isNumber else {
                flush()
                continue
            }
            if let previous = current.last {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let kindChanges = previous.isNumber != character.isNumber
                let lowerToUpper = previous.isLowercase && character.isUppercase
                let capitalStartsWord = previous.isUppercase && character.isUppercase && next?.isLowercase == true
                if kindChanges || lowerToUpper || capitalStartsWord { flush() }
            }
            current.append(character)
        }
        flush()
        return words
    }

    /// Throws ``NotATestDatabaseError`` unless the database at `path` (the real file) may be
    /// wiped; `givenName` is the name the caller used, named in the message when it differs.
    static func check(operation: String, path: String, hasMarker: Bool, override: Bool, overrideHint: String, givenName: String? = nil) throws {
        if override { return }
        if KeepOnFailure.isKept(path) {
            throw NotATestDatabaseError(
                operation: operation, location: path,
                reason: "it is a database SQLTestKit kept from a failed test, to be looked at as the test left it",
                howToOverride: "Nothing was changed. Copy it to a file of your own to change it, or \(overrideHint).")
        }
        if hasMarker || nameSaysTest(path) { return }
        let alias = givenName.flatMap { name in
            name != path ? " (which is what `\(name)` opens)" : nil
        } ?? ""
        throw NotATestDatabaseError(
            operation: operation, location: path + alias,
            reason: "it is a file database that SQLTestKit did not create and whose name does not say it is a test database",
            howToOverride: "Nothing was changed. To go ahead anyway, \(overrideHint); or use a file whose name has the word `test` in it (like `\(suggestedName(for: path))`), or an in-memory database.")
    }

    private static func suggestedName(for path: String) -> String {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return fileName + "-test" }
        return fileName[..<dot] + "-test" + fileName[dot...]
    }
}
