import SQLTestKitSQLite

/// A transaction SQLite ended by itself, and the statement that made it.
///
/// SQLite rolls back the whole transaction — not only the failing statement — for
/// `INSERT OR ROLLBACK` and `UPDATE OR ROLLBACK`, a column or constraint declared
/// `ON CONFLICT ROLLBACK`, a trigger's `RAISE(ROLLBACK, …)`, and some I/O, memory and
/// interrupt errors. Whoever opened the transaction still believes it is open, and every
/// statement after it would run in autocommit mode and be kept. So after such a statement the
/// connection refuses everything but a rollback: the owner of the transaction (a test
/// transaction, `transaction { }`, a fixture load) rolls back as it always does on an error,
/// which clears the refusal.
struct SQLiteTransactionLoss: Error {
    /// The failing statement, expanded.
    var statement: String
    /// SQLite's message for it.
    var message: String

    /// Thrown inside a batch when a row ended the transaction, so the batch stops there.
    struct Detected: Error {
        var error: QueryError
    }

    static let suggestion = """
        SQLite rolled back the whole transaction (INSERT/UPDATE OR ROLLBACK, an ON CONFLICT ROLLBACK \
        constraint or a trigger's RAISE(ROLLBACK) do that), so this connection refuses every statement \
        until the transaction is rolled back: none may run outside the transaction it was written for. \
        To undo only the failing statement and keep the transaction, use OR ABORT, ON CONFLICT ABORT or \
        RAISE(ABORT)
        """

    /// The error for a statement refused while the transaction is lost.
    func refusal(sql: String, arguments: [SQLValue]) -> QueryError {
        QueryError(
            code: .abort,
            message: "refusing to run this statement: the transaction it belongs to was rolled back by SQLite when `\(statement)` failed (\(message))",
            sql: sql, arguments: arguments,
            suggestion: "roll back (end the test or the transaction { } block), then start again. \(Self.suggestion)")
    }
}

extension SQLiteDriver.Connection.Core {
    /// While the transaction is lost: a `ROLLBACK` is answered without running (there is
    /// nothing left to roll back) and clears the loss; `ROLLBACK TO` and `RELEASE` of the
    /// levels being unwound are answered without running; anything else is refused.
    @inline(never)
    mutating func answerWhileTransactionIsLost(_ sql: String, arguments: [SQLValue]) throws -> QueryResult {
        guard let loss = lostTransaction else { return QueryResult() }
        switch StatementKind(sql: sql) {
        case .transaction(.rollback):
            lostTransaction = nil
            inTransaction = false
            return QueryResult()
        case .transaction(.rollbackToSavepoint), .transaction(.release):
            return QueryResult()
        default:
            throw loss.refusal(sql: sql, arguments: arguments)
        }
    }

    /// The error to throw for a failed statement, after asking SQLite whether it still has a
    /// transaction open: when the statement (not transaction control) ended the one that was
    /// open, the loss is recorded. Out of line, so a statement that succeeds pays nothing for it.
    @inline(never)
    mutating func noteFailure(_ failure: any Error, controlsTransactions: Bool, db: OpaquePointer) -> any Error {
        let wasInTransaction = inTransaction
        inTransaction = sqlite3_get_autocommit(db) == 0
        guard let error = failure as? QueryError, wasInTransaction, !inTransaction, !controlsTransactions else { return failure }
        return transactionLost(error)
    }

    /// Records that `error`'s statement ended the transaction, and returns the error to throw:
    /// SQLite's own, with what happened and what the connection does now.
    mutating func transactionLost(_ error: QueryError) -> QueryError {
        let statement = SQLQuery(sql: error.sql ?? "", arguments: error.arguments).expandedSQL
        lostTransaction = SQLiteTransactionLoss(statement: statement, message: error.message)
        var failure = error
        failure.message += " - and SQLite rolled back the whole transaction"
        failure.suggestion = SQLiteTransactionLoss.suggestion
        return failure
    }

    /// Refuses a statement that SQLite compiled as transaction control its text does not show
    /// (or shows as another kind): the interception that keeps test transactions whole decides
    /// by the text, so the two must agree.
    static func checkTransactionControl(of statement: OpaquePointer, kind: StatementKind, observed: TransactionControl?,
                                        sql: String, arguments: [SQLValue]) throws {
        guard let observed, sqlite3_stmt_isexplain(statement) == 0 else { return }
        if case .transaction(let control) = kind, control.matches(observed) { return }
        throw QueryError(
            code: .misuse,
            message: "SQLite reads this statement as \(observed.sqlDescription), but its text does not start like one; refused, so it cannot end a transaction unseen",
            sql: sql, arguments: arguments,
            suggestion: "send transaction control on its own, starting with its keyword (BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE), or use transaction { }")
    }

    @inline(never)
    static func textWithNULError(_ sql: String, arguments: [SQLValue]) -> QueryError {
        QueryError(code: .misuse, message: "the SQL text contains a NUL character, and SQLite would silently run only the part before it",
                   sql: sql, arguments: arguments,
                   suggestion: "bind text that contains NUL as an argument instead of writing it into the SQL")
    }

    /// Runs a script statement by statement through SQLite's own parser (so whatever SQLite
    /// accepts in a script works, trigger bodies included), with the checks every statement
    /// gets: transaction control must look like what SQLite compiled, and a statement that
    /// makes SQLite end the transaction stops the script and the connection.
    mutating func runScript(_ script: String) throws {
        guard let handle, let db else { throw SQLiteHandle.closedError(sql: script) }
        if script.utf8.contains(0) { throw Self.textWithNULError(script, arguments: []) }
        var bytes = Array(script.utf8)
        bytes.append(0)
        try bytes.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { characters in
                guard var position = characters.baseAddress else { return }
                let scriptEnd = position + (characters.count - 1)   // the NUL appended above
                while position < scriptEnd {
                    var prepared: OpaquePointer?
                    var tail: UnsafePointer<CChar>?
                    handle.preparation.reset()
                    let code = sqlite3_prepare_v2(db, position, -1, &prepared, &tail)
                    let end = tail.map { min($0, scriptEnd) } ?? scriptEnd
                    let sql = String(decoding: UnsafeRawBufferPointer(start: position, count: end - position), as: UTF8.self)
                        .trimmingASCIIWhitespace
                    position = end
                    guard code == SQLITE_OK else { throw handle.error(code: code, sql: sql, arguments: []) }
                    guard let statement = prepared else { continue }   // only whitespace or comments
                    defer { sqlite3_finalize(statement) }
                    let kind = StatementKind(sql: sql)
                    try Self.checkTransactionControl(of: statement, kind: kind, observed: handle.preparation.control, sql: sql, arguments: [])
                    if lostTransaction != nil {
                        _ = try answerWhileTransactionIsLost(sql, arguments: [])
                        continue
                    }
                    var step = sqlite3_step(statement)
                    while step == SQLITE_ROW { step = sqlite3_step(statement) }
                    guard step == SQLITE_DONE else {
                        throw noteFailure(handle.error(code: step, sql: sql, arguments: []), controlsTransactions: kind.isTransactionControl, db: db)
                    }
                    if kind.isTransactionControl { inTransaction = sqlite3_get_autocommit(db) == 0 }
                }
            }
        }
    }
}

extension TransactionControl {
    /// Whether two readings of one statement agree (savepoint names compare as SQLite
    /// compares them, ignoring ASCII case).
    func matches(_ other: TransactionControl) -> Bool {
        switch (self, other) {
        case (.begin, .begin), (.commit, .commit), (.rollback, .rollback): true
        case (.savepoint(let a), .savepoint(let b)), (.release(let a), .release(let b)),
             (.rollbackToSavepoint(let a), .rollbackToSavepoint(let b)):
            a.asciiLowercased == b.asciiLowercased
        case (.prepare(let a), .prepare(let b)), (.commitPrepared(let a), .commitPrepared(let b)),
             (.rollbackPrepared(let a), .rollbackPrepared(let b)):
            a == b
        default: false
        }
    }

    /// How the statement reads in messages.
    var sqlDescription: String {
        switch self {
        case .begin: "BEGIN"
        case .commit: "COMMIT"
        case .rollback: "ROLLBACK"
        case .savepoint(let name): "SAVEPOINT \(name)"
        case .release(let name): "RELEASE \(name)"
        case .rollbackToSavepoint(let name): "ROLLBACK TO \(name)"
        case .prepare(let id): "PREPARE TRANSACTION '\(id)'"
        case .commitPrepared(let id): "COMMIT PREPARED '\(id)'"
        case .rollbackPrepared(let id): "ROLLBACK PREPARED '\(id)'"
        }
    }
}
