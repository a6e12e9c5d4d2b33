import Foundation

/// Where the database of one failed test is kept: `<directory>/<Suite>/<test>` — a
/// `.sqlite` file beside it for SQLite, a fixture directory (`schema.sql` and a file per
/// table) at it for a dump. Cases of a parameterized test are told apart by their arguments
/// (`insertsBooks-3`, `insertsBooks-7`).
///
/// ```swift
/// let location = KeepLocation(suite: "ReviewTests", test: "deletesAReview()")
/// location.sqliteFile   // …/.build/sqltestkit/failed/ReviewTests/deletesAReview.sqlite
/// ```
public struct KeepLocation: Sendable, Hashable {
    /// The folder every kept database goes under (``KeepOnFailure/directory`` by default).
    public var directory: String
    /// The suite's folder name: the test type (nested types joined by `.`), or the module
    /// for a test outside any type.
    public var suite: String
    /// The test's file name: the function's name without its labels, then the arguments of a
    /// parameterized case.
    public var test: String

    /// A location for `test` (a function name such as `deletesAReview()`, whose labels are
    /// dropped) in `suite`, told apart by `arguments` for a parameterized case. Characters a
    /// file name should not hold become `_`; a name too long for one is shortened and given a
    /// hash of the whole.
    public init(suite: String, test: String, arguments: [String] = [], directory: String = KeepOnFailure.directory) {
        let base = test.split(separator: "(", maxSplits: 1).first.map(String.init) ?? test
        self.directory = directory
        self.suite = Self.fileName(suite)
        self.test = Self.fileName(([base] + arguments.map(Self.fileName)).joined(separator: "-"))
    }

    /// A location named after a file (`Module/ReviewTests.swift` gives the suite
    /// `ReviewTests`) and a function in it: what ``IsolatedDatabase`` uses when called outside
    /// a test framework's integration.
    public init(fileID: String, function: String, directory: String = KeepOnFailure.directory) {
        let file = fileID.split(separator: "/").last.map(String.init) ?? fileID
        self.init(suite: (file as NSString).deletingPathExtension, test: function, directory: directory)
    }

    /// The suite and test, as the report names them: `ReviewTests/deletesAReview`.
    public var name: String { suite + "/" + test }

    /// The SQLite file of a kept SQLite database.
    public var sqliteFile: String { base + ".sqlite" }

    /// The fixture directory of a kept dump.
    public var dumpDirectory: String { base }

    /// Twelve hexadecimal digits that stand for ``name`` where a name must be short (a
    /// PostgreSQL database name), the same in every run.
    public var key: String {
        String(StableHash.hex(StableHash.fnv1a64(name.utf8)).prefix(12))
    }

    /// Removes what an earlier run kept here: the SQLite file (with its journal files) and
    /// the dump directory.
    public func removeEarlierKeep() throws {
        let manager = FileManager.default
        for path in [sqliteFile, sqliteFile + "-journal", sqliteFile + "-wal", sqliteFile + "-shm", dumpDirectory]
        where manager.fileExists(atPath: path) {
            try manager.removeItem(atPath: path)
        }
    }

    /// `<directory>/<suite>/<test>`.
    private var base: String {
        ((directory as NSString).appendingPathComponent(suite) as NSString).appendingPathComponent(test)
    }

    /// `text` as one file name: letters, digits, `.`, `-` and `_` stay; runs of anything else
    /// become one `_`; at most 100 characters.
    static func fileName(_ text: String) -> String {
        var name = ""
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character)) {
                name.append(character)
            } else if name.last != "_" {
                name.append("_")
            }
        }
        while name.hasPrefix(".") || name.hasPrefix("_") { name.removeFirst() }
        while name.hasSuffix("_") { name.removeLast() }
        if name.isEmpty { name = "unnamed" }
        guard name.count > 100 else { return name }
        let hash = StableHash.hex(StableHash.fnv1a64(text.utf8)).prefix(8)
        return name.prefix(90) + "-" + hash
    }
}
