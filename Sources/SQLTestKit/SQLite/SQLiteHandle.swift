import SQLTestKitSQLite

/// An open `sqlite3*`. Not thread-safe: it lives inside a connection's mutex (or the driver's
/// keeper) and is only touched under that lock.
final class SQLiteHandle {
    /// `PRAGMA application_id` of databases SQLTestKit created: "SQLT" in ASCII.
    static let testDatabaseMarker: Int32 = 0x5351_4C54

    private(set) var db: OpaquePointer?
    /// What SQLite's authorizer reports while a statement is prepared: whether SQLite compiled
    /// it as transaction control, whatever its text looks like.
    let preparation = PreparationObserver()
    /// The busy timeout the handle was opened with, for the message of a lock that never came.
    private(set) var busyTimeoutMilliseconds: Int32 = 0

    private init(db: OpaquePointer) {
        self.db = db
        // The observer lives as long as the handle, which closes the database first.
        sqlite3_set_authorizer(db, PreparationObserver.authorize, Unmanaged.passUnretained(preparation).toOpaque())
    }

    deinit { close() }

    static func open(_ name: String, configuration: SQLiteDriver.Configuration, foreignKeys: Bool = true) throws -> SQLiteHandle {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(name, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw QueryError(code: .init(rawValue: code), message: "cannot open database \(name): \(message)",
                             suggestion: "check that the directory exists and is writable")
        }
        let handle = SQLiteHandle(db: db)
        sqlite3_extended_result_codes(db, 1)
        let milliseconds = configuration.busyTimeout.components.seconds * 1000
            + configuration.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        handle.busyTimeoutMilliseconds = Int32(clamping: milliseconds)
        sqlite3_busy_timeout(db, handle.busyTimeoutMilliseconds)
        if foreignKeys { try handle.execute("PRAGMA foreign_keys = ON") }
        return handle
    }

    /// Runs SQL without arguments or results (SQLTestKit's own settings and maintenance; code
    /// under test's scripts go through the connection, which checks each statement).
    func execute(_ sql: String) throws {
        guard let db else { throw Self.closedError(sql: sql) }
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        if code != SQLITE_OK {
            throw error(code: code, sql: sql, arguments: [], message: message.map { String(cString: $0) })
        }
    }

    /// Reads one integer (`PRAGMA application_id`, counts).
    func integer(_ sql: String) throws -> Int64 {
        guard let db else { throw Self.closedError(sql: sql) }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        guard code == SQLITE_OK else { throw error(code: code, sql: sql, arguments: []) }
        let step = sqlite3_step(statement)
        guard step == SQLITE_ROW else {
            if step == SQLITE_DONE { return 0 }
            throw error(code: step, sql: sql, arguments: [])
        }
        return sqlite3_column_int64(statement, 0)
    }

    func close() {
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// The error SQLite reports for the last failure, with the statement, its arguments and,
    /// for a misspelt table or column, the nearest existing name.
    func error(code: Int32, sql: String?, arguments: [SQLValue], message: String? = nil) -> QueryError {
        let extended = db.map { sqlite3_extended_errcode($0) } ?? code
        let text = message ?? db.map { String(cString: sqlite3_errmsg($0)) } ?? "unknown error"
        let resultCode = QueryError.Code(rawValue: extended & 0xFF == code & 0xFF ? extended : code)
        return QueryError(code: resultCode, message: text, sql: sql, arguments: arguments,
                          suggestion: suggestion(for: text, code: resultCode))
    }

    static func closedError(sql: String?) -> QueryError {
        QueryError(code: .misuse, message: "the connection is closed", sql: sql,
                   suggestion: "open a new connection with driver.connect()")
    }

    private func suggestion(for message: String, code: QueryError.Code) -> String? {
        if code.primary == .busy || code.primary == .locked {
            let inTransaction = db.map { sqlite3_get_autocommit($0) == 0 } ?? false
            return inTransaction
                ? "this transaction read before it wrote, and SQLite cannot wait for the write lock while another connection writes (a deferred transaction cannot upgrade); begin write transactions with BEGIN IMMEDIATE (SQLiteDriver.Configuration.transactionBehavior = .immediate, the default for transaction { })"
                : "another connection held the database's write lock for longer than the busy timeout (\(busyTimeoutMilliseconds) ms); keep write transactions short, or raise SQLiteDriver.Configuration.busyTimeout"
        }
        if code == .constraintForeignKey {
            return "SQLite does not say which row; run `PRAGMA foreign_key_check` to list the rows whose parent is missing"
        }
        if let table = message.suffix(after: "no such table: ") {
            let bare = table.split(separator: ".").last.map(String.init) ?? table
            if let near = Suggestions.closest(to: bare, in: names("SELECT name FROM sqlite_schema WHERE type IN ('table','view')")) {
                return "did you mean `\(near)`?"
            }
        }
        if let column = message.suffix(after: "no such column: ") {
            let bare = column.split(separator: ".").last.map(String.init) ?? column
            let all = names("SELECT DISTINCT p.name FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type IN ('table','view')")
            if let near = Suggestions.closest(to: bare, in: all) { return "did you mean `\(near)`?" }
        }
        return nil
    }

    /// The first column of every row of `sql` as text; empty on any failure (used only to
    /// improve an error message, never to decide anything).
    private func names(_ sql: String) -> [String] {
        guard let db else { return [] }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
        defer { sqlite3_finalize(statement) }
        var result: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            if let text = sqlite3_column_text(statement, 0) { result.append(String(cString: text)) }
        }
        return result
    }
}

/// Records, through SQLite's authorizer callback, the transaction control SQLite compiles
/// while a statement is prepared. Classifying the statement SQLite really prepared, rather
/// than its text, is what makes `"; COMMIT"` or `"/* c */ END"` impossible to miss.
final class PreparationObserver {
    /// The transaction control seen since ``reset()``, if any.
    private(set) var control: TransactionControl?

    func reset() { control = nil }

    /// The authorizer: it only observes, and allows everything.
    static let authorize: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                         UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32 = { context, action, first, second, _, _ in
        guard let context, action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT else { return SQLITE_OK }
        let observer = Unmanaged<PreparationObserver>.fromOpaque(context).takeUnretainedValue()
        let operation = first.map { String(cString: $0) } ?? ""
        if action == SQLITE_TRANSACTION {
            observer.control = operation == "BEGIN" ? .begin : operation == "COMMIT" ? .commit : .rollback
        } else {
            let name = second.map { String(cString: $0) } ?? ""
            observer.control = operation == "BEGIN" ? .savepoint(name) : operation == "RELEASE" ? .release(name) : .rollbackToSavepoint(name)
        }
        return SQLITE_OK
    }
}

extension String {
    /// The rest of the string after `prefix`, when it starts with it.
    func suffix(after prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
