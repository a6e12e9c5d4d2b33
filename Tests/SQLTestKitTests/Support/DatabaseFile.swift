import Foundation
import SQLTestKitSQLite
import Testing

/// A scratch directory for tests that check database files on disk, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// What is on disk for a database file, read without SQLTestKit: its bytes, the journal
/// files beside it, and every cell of every table as SQLite's `quote()` and `typeof()`.
enum DatabaseFile {
    /// The file's bytes, or `nil` when there is no file.
    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// The `-wal`, `-shm` and `-journal` files beside `path`.
    static func journalFiles(_ path: String) -> [String] {
        ["-wal", "-shm", "-journal"].filter { FileManager.default.fileExists(atPath: path + $0) }
    }

    /// The journal mode the file's header records: `wal` or `rollback`.
    static func headerJournalMode(_ path: String) -> String? {
        guard let data = bytes(path), data.count >= 100 else { return nil }
        return data[18] == 2 ? "wal" : "rollback"
    }

    /// The schema and every row of every table, cell by cell as `quote(x)`, `typeof(x)` and
    /// `hex(x)` (the bytes, which `quote()` of text holding NUL does not show in full),
    /// rows in key order. Read through a private read-only connection of the raw C API (the
    /// write-ahead log included, so a commit still sitting there is seen). On a WAL database
    /// that connection leaves `-wal` and `-shm` files behind: check ``journalFiles(_:)`` first.
    static func dump(_ path: String) throws -> String {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw DumpFailure(message: "cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        var lines: [String] = []
        let objects = try rows(db, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
        lines += objects.map { $0[0] }
        for table in try rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map({ $0[0] }) {
            let columns = try rows(db, "SELECT name FROM pragma_table_info('\(table.replacingOccurrences(of: "'", with: "''"))')").map { $0[0] }
            guard !columns.isEmpty else { continue }
            let cells = columns.map { "quote(\"\($0)\") || ' ' || typeof(\"\($0)\") || ' ' || hex(\"\($0)\")" }.joined(separator: ", ")
            let order = (1...columns.count).map(String.init).joined(separator: ", ")
            lines.append("table \(table):")
            lines += try rows(db, "SELECT \(cells) FROM \"\(table)\" ORDER BY \(order)").map { "  " + $0.joined(separator: " | ") }
        }
        return lines.joined(separator: "\n")
    }

    /// How many rows `table` has, through the raw C API.
    static func count(_ path: String, _ table: String) throws -> Int {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { throw DumpFailure(message: "cannot open \(path)") }
        defer { sqlite3_close_v2(db) }
        return Int(try rows(db, "SELECT count(*) FROM \"\(table)\"")[0][0]) ?? -1
    }

    /// Creates a database file as another program would (no SQLTestKit marker), runs `sql`
    /// in it, and optionally switches it to WAL.
    static func createForeign(_ path: String, sql: String, wal: Bool = false) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw DumpFailure(message: "cannot create \(path)") }
        defer { sqlite3_close_v2(db) }
        let script = (wal ? "PRAGMA journal_mode = WAL; " : "") + sql
        guard sqlite3_exec(db, script, nil, nil, nil) == SQLITE_OK else {
            throw DumpFailure(message: "seeding \(path) failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    private static func rows(_ db: OpaquePointer, _ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw DumpFailure(message: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var result: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "NULL"
            })
        }
        return result
    }

    struct DumpFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
