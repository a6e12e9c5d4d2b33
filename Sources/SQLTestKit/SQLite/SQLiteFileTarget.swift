import Foundation
import SQLTestKitSQLite

/// The database SQLite really opens for a name, found without writing a byte: symbolic links
/// resolved and `file:` URIs (with their parameters) read by SQLite itself.
///
/// The test-database rule judges this, not the name as given: a link named `test.db` that
/// points at `prod.db` is `prod.db`, and `file:prod.db` is the existing `prod.db`, not a new
/// file.
enum SQLiteFileTarget: Equatable {
    /// No file is behind the name (`:memory:`, `mode=memory`, a `memdb` URI, an empty name).
    case memory
    /// An existing file, by its absolute path with links resolved.
    case existing(path: String)
    /// No database exists under the name yet: opening it creates one.
    case missing
    /// SQLite could not say which file the name opens: destructive operations refuse it.
    case unknown(reason: String)

    /// Finds what `name` opens. Opens it read-only without creating or reading anything, and
    /// asks SQLite for the file it opened. In a `file:` URI every parameter is kept as SQLite
    /// reads it but `mode`, which is made `ro` (`mode=rwc` or `rw` would refuse a read-only
    /// open, and `mode=memory` is no file at all).
    static func resolve(_ name: String) -> SQLiteFileTarget {
        guard let readOnlyName = readOnlySpelling(of: name) else { return .memory }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(readOnlyName, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close_v2(db) }
        if code == SQLITE_CANTOPEN { return .missing }
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            return .unknown(reason: "SQLite could not open it read-only to see which file it is (\(message))")
        }
        let path = sqlite3_db_filename(db, "main").map { String(cString: $0) } ?? ""
        var isDirectory: ObjCBool = false
        // A `memdb` URI reports its name, which is no file on disk.
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return .memory
        }
        return .existing(path: path)
    }

    /// `name` with a URI's `mode` parameter set to `ro` (every other parameter kept, in order),
    /// or `nil` when the URI asks for `mode=memory`. A plain file name is returned as it is.
    static func readOnlySpelling(of name: String) -> String? {
        guard name.hasPrefix("file:"), let question = name.firstIndex(of: "?") else { return name }
        let fragment = name[question...].firstIndex(of: "#").map { String(name[$0...]) } ?? ""
        let query = name[name.index(after: question)...].prefix { $0 != "#" }
        var parameters: [String] = []
        for parameter in query.split(separator: "&", omittingEmptySubsequences: false) {
            let key = parameter.prefix { $0 != "=" }
            guard key.removingPercentEncoding?.lowercased() == "mode" else {
                parameters.append(String(parameter))
                continue
            }
            let value = parameter.dropFirst(key.count + 1)
            // SQLite reads the last `mode` it finds; each one is checked anyway.
            if value.removingPercentEncoding?.lowercased() == "memory" { return nil }
        }
        parameters.append("mode=ro")
        return String(name[..<question]) + "?" + parameters.joined(separator: "&") + fragment
    }

    /// Whether the database file at `path` carries SQLTestKit's marker, read from the file's
    /// header bytes (`PRAGMA application_id` is the big-endian integer at offset 68): judging a
    /// database must not open it through SQLite, which can create `-wal` and `-shm` files.
    static func hasTestDatabaseMarker(at path: String) -> Bool {
        guard let file = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? file.close() }
        guard let header = try? file.read(upToCount: 100), header.count == 100,
              header.prefix(16).elementsEqual(Array("SQLite format 3\u{0}".utf8)) else { return false }
        let marker = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return marker == UInt32(bitPattern: SQLiteHandle.testDatabaseMarker)
    }

    /// Throws ``NotATestDatabaseError`` unless the database `name` opens may be wiped: in
    /// memory, missing (SQLTestKit would create it), marked, or with a test name (judged on
    /// the real file), or `override`.
    static func checkIsTestDatabase(_ name: String, operation: String, override: Bool, overrideHint: String) throws {
        guard !override else { return }
        switch resolve(name) {
        case .memory, .missing:
            return
        case .existing(let path):
            try TestDatabasePolicy.check(operation: operation, path: path, hasMarker: hasTestDatabaseMarker(at: path),
                                         override: false, overrideHint: overrideHint, givenName: name)
        case .unknown(let reason):
            throw NotATestDatabaseError(
                operation: operation, location: name, reason: reason,
                howToOverride: "Nothing was changed. To go ahead anyway, \(overrideHint); or name the file plainly (a path, or a file: URI SQLite can open read-only).")
        }
    }
}
