import Foundation
import SQLTestKitSQLite

/// The baseline: the SQLite C API used directly, as a careful hand-written program would.
final class RawSQLite {
    let db: OpaquePointer

    /// Opens an in-memory database through the same `memdb` VFS the SQLite driver uses, so
    /// both sides pay for the same storage.
    init() {
        var db: OpaquePointer?
        let name = "file:/raw-\(UUID().uuidString)?vfs=memdb"
        precondition(sqlite3_open_v2(name, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK)
        self.db = db!
        exec("PRAGMA foreign_keys = ON")
    }

    deinit { sqlite3_close_v2(db) }

    func exec(_ sql: String) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            fatalError("raw SQLite failed: \(String(cString: message!)) in \(sql)")
        }
    }

    func prepare(_ sql: String) -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            fatalError("raw SQLite could not prepare \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        return statement
    }

    func bindText(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                _ = sqltestkit_bind_text(statement, index, $0.baseAddress, Int32($0.count))
            }
        }
    }

    func readText(_ statement: OpaquePointer, _ column: Int32) -> String {
        guard let text = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }
}
