import SQLTestKitSQLite

/// A prepared statement kept for reuse, with what SQLTestKit learnt about it when preparing.
final class CachedStatement {
    let statement: OpaquePointer
    let parameterCount: Int
    /// Column names, rebuilt when SQLite re-prepares the statement after a schema change.
    private var columns: ResultColumns?
    private var columnsPreparedAt: Int32 = -1
    var lastUse: UInt64 = 0
    /// How many rows the statement's last result held: the next result's array of rows is
    /// made that size at once, instead of growing by doubling — which copied it again and had
    /// the allocator map fresh pages for each copy (join read by name: see Benchmarks.md).
    /// After a large result, one smaller result is made in an array too large; the one after
    /// it is sized by that smaller result.
    var lastResultRows = 0

    /// Whether the statement changes rows (rows affected are read after it) and whether it
    /// inserts (the last insert id is read too): decided once from its kind, so running the
    /// statement does not copy and compare a `StatementKind` each time.
    let changesRows: Bool
    let inserts: Bool
    /// Whether SQLite compiled it as transaction control, which may end a transaction.
    let controlsTransactions: Bool

    init(statement: OpaquePointer, kind: StatementKind) {
        self.statement = statement
        self.controlsTransactions = kind.isTransactionControl
        switch kind {
        case .insert: (changesRows, inserts) = (true, true)
        case .update, .delete: (changesRows, inserts) = (true, false)
        default: (changesRows, inserts) = (false, false)
        }
        self.parameterCount = Int(sqlite3_bind_parameter_count(statement))
    }

    deinit { sqlite3_finalize(statement) }

    /// The result's column names. `sqlite3_prepare_v2` statements re-prepare themselves when
    /// the schema changes (and `SELECT *` may then have other columns), so the names are read
    /// again whenever SQLite's re-prepare counter has moved.
    func resultColumns() -> ResultColumns {
        let reprepared = sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0)
        if let columns, reprepared == columnsPreparedAt { return columns }
        let count = sqlite3_column_count(statement)
        let names = (0..<count).map { index in
            sqlite3_column_name(statement, index).map { String(cString: $0) } ?? "column\(index + 1)"
        }
        let fresh = ResultColumns(names)
        columns = fresh
        columnsPreparedAt = reprepared
        return fresh
    }
}

/// Prepared statements by SQL text, least recently used evicted beyond the capacity.
struct SQLiteStatementCache {
    private var statements: [String: CachedStatement] = [:]
    /// The statement used last: loops that run one statement many times (bulk inserts,
    /// fixture loads) find it with one string comparison instead of a hash lookup.
    private var lastSQL: String?
    private var lastStatement: CachedStatement?
    private var clock: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The cached statement for `sql`, or `nil`.
    mutating func statement(for sql: String) -> CachedStatement? {
        if let lastStatement, lastSQL == sql { return lastStatement }
        guard let cached = statements[sql] else { return nil }
        lastSQL = sql
        lastStatement = cached
        clock += 1
        cached.lastUse = clock
        return cached
    }

    mutating func insert(_ statement: CachedStatement, for sql: String) {
        guard capacity > 0 else { return }
        if statements.count >= capacity,
           let oldest = statements.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            if lastSQL == oldest { lastSQL = nil; lastStatement = nil }
            statements[oldest] = nil
        }
        clock += 1
        statement.lastUse = clock
        statements[sql] = statement
        lastSQL = sql
        lastStatement = statement
    }

    mutating func removeAll() {
        statements.removeAll()
        lastSQL = nil
        lastStatement = nil
    }

    var count: Int { statements.count }
}
