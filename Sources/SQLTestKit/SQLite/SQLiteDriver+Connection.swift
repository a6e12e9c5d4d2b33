import Synchronization
import SQLTestKitSQLite

extension SQLiteDriver {
    /// A connection to an SQLite database.
    ///
    /// `Sendable`: its `sqlite3*` and statement cache sit behind a mutex, so each statement
    /// runs atomically whichever task calls. SQLite work is synchronous and runs on the
    /// calling task's thread.
    public final class Connection: DatabaseConnection, BatchRunning {
        struct Core {
            var handle: SQLiteHandle? {
                didSet { db = handle?.db }
            }
            /// The handle's `sqlite3*`, kept here so a run reads it without holding the handle.
            private(set) var db: OpaquePointer?
            var cache: SQLiteStatementCache
            /// Set when SQLite ended a transaction by itself (see ``SQLiteTransactionLoss``):
            /// every statement but a rollback is refused until the owner rolls back.
            var lostTransaction: SQLiteTransactionLoss?
            /// Whether SQLite had a transaction open after the last statement that could change
            /// that (transaction control, or a failure): kept here so an ordinary statement costs
            /// no call to ask SQLite (3% of a cached insert, measured), and a failing one is
            /// compared with what SQLite says after it.
            var inTransaction = false

            init(handle: SQLiteHandle, cache: SQLiteStatementCache) {
                self.handle = handle
                self.db = handle.db
                self.cache = cache
            }
        }

        private let core: Mutex<Core>
        public let transactionState = TransactionState()
        /// SQLite's capability, with the `BEGIN` this connection's configuration asks for.
        public let capability: DriverCapability

        init(handle: sending SQLiteHandle, cacheCapacity: Int, capability: DriverCapability) {
            core = Mutex(Core(handle: handle, cache: SQLiteStatementCache(capacity: cacheCapacity)))
            self.capability = capability
        }

        nonisolated(nonsending)
        public func run(_ query: SQLQuery) async throws -> QueryResult {
            try core.withLock { core in try core.run(query) }
        }

        /// Runs one statement (see ``DatabaseConnection/execute(_:)``); outside a test
        /// transaction it runs under the lock at once, with no second async call.
        @discardableResult
        nonisolated(nonsending)
        public func execute(_ query: SQLQuery) async throws -> QueryResult {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query) }
            return try core.withLock { core in try core.run(query) }
        }

        /// The rows of one statement, run like ``execute(_:)`` in one async call.
        nonisolated(nonsending)
        public func fetchAll(_ query: SQLQuery) async throws -> [ResultRow] {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query).rows }
            return try core.withLock { core in try core.run(query) }.rows
        }

        /// Calls `body` with each row of one statement, a batch of rows at a time as SQLite
        /// steps them, under the connection's lock (see ``DatabaseConnection/forEachRow(_:_:)``).
        nonisolated(nonsending)
        public func forEachRow(_ query: SQLQuery, _ body: (ResultRow) throws -> Void) async throws {
            guard transactionState.runsStatementsUnchanged else {
                for row in try await executeIntercepting(query).rows { try body(row) }
                return
            }
            // Region analysis would tie `core` to the caller's closure. Sound without it: `body`
            // runs here, synchronously, on this thread, under the lock, and `core` keeps it
            // nowhere.
            try withoutActuallyEscaping(body) { body in
                let confined = ConfinedToThisCall(body)
                try core.withLock { core in try core.forEachRow(query, confined.value) }
            }
        }

        /// The first row of one statement, run like ``execute(_:)`` in one async call.
        nonisolated(nonsending)
        public func fetchOne(_ query: SQLQuery) async throws -> ResultRow? {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query).rows.first }
            return try core.withLock { core in try core.run(query) }.rows.first
        }

        /// Runs a script through SQLite's own parser, one statement at a time, so every
        /// statement SQLite accepts in a script works here (trigger bodies included).
        nonisolated(nonsending)
        public func executeScript(_ sql: String) async throws {
            if transactionState.isInTestTransaction {
                // Transaction control in the script must be rewritten statement by statement.
                return try await executeStatements(of: sql)
            }
            _ = try transactionState.intercept(SQLQuery(sql: sql), dialect: .sqlite)
            try core.withLock { core in try core.runScript(sql) }
        }

        nonisolated(nonsending)
        public func close() async {
            core.withLock { core in
                core.cache.removeAll()
                core.handle?.close()
                core.handle = nil
            }
        }

        /// Runs one statement once per row of values (`nil` entries are left out, so a row's
        /// non-nil values are its arguments in order) under a single lock, going on after a
        /// failing row, and returns the failures by position. Fixture loads insert through it:
        /// no argument arrays, no result rows, one lock per thousand rows.
        nonisolated(nonsending)
        package func runBatch(_ sql: String, rows: [ArraySlice<SQLValue?>]) async throws -> [(Int, QueryError)] {
            _ = try transactionState.intercept(SQLQuery(sql: sql), dialect: .sqlite)
            return try core.withLock { core in try core.runBatch(sql, rows: rows) }
        }

        /// Runs `body` with the connection's `sqlite3*`, under its lock (templates serialize
        /// through it). The pointer must not escape `body`, and `body` must not end or begin
        /// transactions behind the connection's back.
        ///
        /// ```swift
        /// let image = try db.withDatabasePointer { try SQLiteImage(serializing: $0) }
        /// ```
        public func withDatabasePointer<Value: Sendable>(_ body: @Sendable (OpaquePointer) throws -> Value) throws -> Value {
            try core.withLock { core in
                guard let db = core.handle?.db else { throw SQLiteHandle.closedError(sql: nil) }
                // Region analysis cannot see that the pointer stays inside this lock.
                nonisolated(unsafe) let pointer = db
                return try body(pointer)
            }
        }

        /// How many prepared statements the connection holds (for tests of the cache).
        public var cachedStatementCount: Int { core.withLock { $0.cache.count } }
    }
}

extension SQLiteDriver.Connection.Core {
    mutating func run(_ query: SQLQuery) throws -> QueryResult {
        try withStatement(for: query, whileLost: { $0 }) { core, prepared, db in try core.run(query, prepared, db: db) }
    }

    /// Calls `body` with each row of `query`, read a batch of rows at a time.
    mutating func forEachRow(_ query: SQLQuery, _ body: (ResultRow) throws -> Void) throws {
        try withStatement(for: query, whileLost: { for row in $0.rows { try body(row) } }) { core, prepared, _ in
            try core.forEachRow(query, prepared, body)
        }
    }

    /// Runs `body` with `query`'s prepared statement, keeping the connection's transaction
    /// bookkeeping; `whileLost` makes the answer while a lost transaction refuses statements.
    private mutating func withStatement<Result>(for query: SQLQuery, whileLost: (QueryResult) throws -> Result,
                                                _ body: (inout Self, CachedStatement, OpaquePointer) throws -> Result) throws -> Result {
        guard let db else { throw SQLiteHandle.closedError(sql: query.sql) }
        if lostTransaction != nil { return try whileLost(answerWhileTransactionIsLost(query.sql, arguments: query.arguments)) }
        // Error messages are built out of line (`error(code:query:)` and the two below), so
        // the statement's text and arguments are not retained up front for them on every run.
        let prepared = try statement(for: query, db: db)
        do {
            let result = try body(&self, prepared, db)
            if prepared.controlsTransactions { inTransaction = sqlite3_get_autocommit(db) == 0 }
            return result
        } catch {
            throw noteFailure(error, controlsTransactions: prepared.controlsTransactions, db: db)
        }
    }

    /// The prepared statement for `query`'s SQL: the cached one, or one prepared now and
    /// cached (a cache of capacity 0 keeps nothing; the caller's reference keeps it for the run).
    private mutating func statement(for query: SQLQuery, db: OpaquePointer) throws -> CachedStatement {
        if let hit = cache.statement(for: query.sql) { return hit }
        let fresh = try prepare(query, db: db)
        cache.insert(fresh, for: query.sql)
        return fresh
    }

    /// Binds, steps and resets one prepared statement.
    private func run(_ query: SQLQuery, _ prepared: CachedStatement, db: OpaquePointer) throws -> QueryResult {
        let statement = prepared.statement
        defer { sqlite3_reset(statement) }
        try bindArguments(of: query, to: prepared)

        // A write's first step is its last: it returns no rows and builds no row storage.
        let first = sqlite3_step(statement)
        let rows = first == SQLITE_DONE ? [] : try readRows(of: prepared, firstStep: first, query: query)

        guard prepared.changesRows else { return QueryResult(rows: rows) }
        let changes = Int(sqlite3_changes64(db))
        let lastID = prepared.inserts && changes > 0 ? sqlite3_last_insert_rowid(db) : nil
        return QueryResult(rows: rows, rowsAffected: changes, lastInsertID: lastID)
    }

    /// Binds `query`'s arguments to its prepared statement.
    private func bindArguments(of query: SQLQuery, to prepared: CachedStatement) throws {
        guard query.arguments.count == prepared.parameterCount else {
            throw Self.parameterCountError(query, parameters: prepared.parameterCount)
        }
        let statement = prepared.statement
        // Through the array's buffer: values are bound where they are, not copied out first.
        try query.arguments.withUnsafeBufferPointer { arguments in
            for position in arguments.indices {
                let code = try bind(arguments[position], at: Int32(position + 1), to: statement, query: query)
                if code != SQLITE_OK { throw error(code: code, query: query) }
            }
        }
    }

    /// How many rows share one buffer of values: a batch ``forEachRow(_:_:_:)`` hands to its
    /// body, a chunk of the rows `readRows` returns.
    static let batchRows = 256

    /// Binds and steps one prepared statement, handing its rows to `body` in batches of
    /// ``batchRows``: each batch's values are one buffer, reused for the next batch
    /// unless `body` kept one of its rows (then the next batch gets a buffer of its own).
    private func forEachRow(_ query: SQLQuery, _ prepared: CachedStatement, _ body: (ResultRow) throws -> Void) throws {
        let statement = prepared.statement
        defer { sqlite3_reset(statement) }
        try bindArguments(of: query, to: prepared)
        var code = sqlite3_step(statement)
        guard code != SQLITE_DONE else { return }
        guard code == SQLITE_ROW else { throw error(code: code, query: query) }
        // Read after the first step, as in `readRows`: the statement may have re-prepared.
        let columns = prepared.resultColumns()
        let width = columns.count
        guard width > 0 else { return }
        let batchSize = width * Self.batchRows
        var values: [SQLValue] = []
        values.reserveCapacity(batchSize)
        while true {
            for index in 0..<Int32(width) {
                values.append(Self.read(statement, column: index))
            }
            code = sqlite3_step(statement)
            if code == SQLITE_ROW, values.count < batchSize { continue }
            // The batch's storage ends with this block: unless `body` kept a row, the buffer is
            // then referenced only by `values`, and `removeAll` keeps it for the next batch.
            do {
                let storage = ResultStorage(columns: columns, values: values)
                for offset in stride(from: 0, to: values.count, by: width) {
                    try body(ResultRow(storage: storage, offset: offset))
                }
            }
            values.removeAll(keepingCapacity: true)
            if code == SQLITE_ROW { continue }
            guard code == SQLITE_DONE else { throw error(code: code, query: query) }
            return
        }
    }

    /// The rows of a statement whose first step gave `firstStep`. Column names are read after
    /// that step: a cached statement re-prepares itself there when the schema changed, and may
    /// then have other columns.
    private func readRows(of cached: CachedStatement, firstStep: Int32, query: SQLQuery) throws -> [ResultRow] {
        let statement = cached.statement
        var code = firstStep
        guard code == SQLITE_ROW else { throw error(code: code, query: query) }
        let columns = cached.resultColumns()
        let width = columns.count
        guard width > 0 else {
            while code == SQLITE_ROW { code = sqlite3_step(statement) }
            guard code == SQLITE_DONE else { throw error(code: code, query: query) }
            return []
        }
        // The values go into chunks of `batchRows` rows, each its own small buffer shared by its
        // rows, not into one buffer for the whole result: 100k rows of six columns made a 14 MB
        // block that the allocator mapped afresh for every read, and reading such a result by
        // name took 1.37–1.91× the raw C read instead of 1.26–1.28× (Benchmarks.md).
        let chunkSize = width * Self.batchRows
        var rows: [ResultRow] = []
        rows.reserveCapacity(cached.lastResultRows)
        // No closure may capture `values`: a captured array lives in a heap box, and each
        // append then checks its buffer's uniqueness through a call (join read: Benchmarks.md).
        var values: [SQLValue] = []
        values.reserveCapacity(min(chunkSize, max(width * 16, cached.lastResultRows * width)))
        while true {
            for index in 0..<Int32(width) {
                values.append(Self.read(statement, column: index))
            }
            code = sqlite3_step(statement)
            if code == SQLITE_ROW, values.count < chunkSize { continue }
            let storage = ResultStorage(columns: columns, values: values)
            for offset in stride(from: 0, to: values.count, by: width) {
                rows.append(ResultRow(storage: storage, offset: offset))
            }
            if code == SQLITE_ROW {
                values = []
                values.reserveCapacity(chunkSize)
                continue
            }
            guard code == SQLITE_DONE else { throw error(code: code, query: query) }
            cached.lastResultRows = rows.count
            return rows
        }
    }

    mutating func runBatch(_ sql: String, rows: [ArraySlice<SQLValue?>]) throws -> [(Int, QueryError)] {
        guard let handle, let db = handle.db else { throw SQLiteHandle.closedError(sql: sql) }
        if lostTransaction != nil { _ = try answerWhileTransactionIsLost(sql, arguments: []) }
        let query = SQLQuery(sql: sql)
        let prepared = try statement(for: query, db: db)
        do {
            return try runBatch(query, prepared, rows: rows, handle: handle, inTransaction: inTransaction)
        } catch let loss as SQLiteTransactionLoss.Detected {
            inTransaction = false
            throw transactionLost(loss.error)
        }
    }

    private func runBatch(_ query: SQLQuery, _ cached: CachedStatement, rows: [ArraySlice<SQLValue?>], handle: SQLiteHandle,
                          inTransaction: Bool) throws -> [(Int, QueryError)] {
        let statement = cached.statement
        var failures: [(Int, QueryError)] = []
        let db = handle.db
        for (position, values) in rows.enumerated() {
            defer { sqlite3_reset(statement) }
            var index: Int32 = 1
            var code = SQLITE_OK
            do {
                // Bound in place: copying each value out retained and released its text.
                try values.withUnsafeBufferPointer { values in
                    for position in values.indices {
                        guard let value = values[position] else { continue }
                        code = try bind(value, at: index, to: statement, query: query)
                        if code != SQLITE_OK { break }
                        index += 1
                    }
                }
                if code == SQLITE_OK, index - 1 != cached.parameterCount { code = SQLITE_RANGE }
                if code == SQLITE_OK {
                    code = sqlite3_step(statement)
                    while code == SQLITE_ROW { code = sqlite3_step(statement) }
                    if code == SQLITE_DONE { continue }
                }
                let failure = handle.error(code: code, sql: query.sql, arguments: values.compactMap { $0 })
                // A trigger's RAISE(ROLLBACK) ends the whole transaction: no later row may run.
                if inTransaction, !cached.controlsTransactions, sqlite3_get_autocommit(db) != 0 {
                    throw SQLiteTransactionLoss.Detected(error: failure)
                }
                failures.append((position, failure))
            } catch let error as QueryError {
                failures.append((position, error))
            }
        }
        return failures
    }

    /// The error SQLite reports for `code` on this connection, for `query`. Out of line, so
    /// the hot path does not retain the query's parts for it.
    @inline(never)
    private func error(code: Int32, query: SQLQuery) -> QueryError {
        guard let handle else { return SQLiteHandle.closedError(sql: query.sql) }
        return handle.error(code: code, sql: query.sql, arguments: query.arguments)
    }

    @inline(never)
    static func parameterCountError(_ query: SQLQuery, parameters: Int) -> QueryError {
        QueryError(
            code: .range,
            message: "the statement has \(parameters) parameter\(parameters == 1 ? "" : "s") but \(query.arguments.count) argument\(query.arguments.count == 1 ? " was" : "s were") given",
            sql: query.sql, arguments: query.arguments,
            suggestion: "pass one argument per placeholder; SQLite would bind NULL to the missing ones")
    }

    @inline(never)
    private static func notANumberError(_ query: SQLQuery, argument index: Int32) -> QueryError {
        QueryError(code: .mismatch, message: "argument \(index) is NaN, which SQLite would silently store as NULL",
                   sql: query.sql, arguments: query.arguments,
                   suggestion: "bind nil for a missing value, or store NaN as text if it matters")
    }

    private func prepare(_ query: SQLQuery, db: OpaquePointer) throws -> CachedStatement {
        if query.sql.utf8.contains(0) { throw Self.textWithNULError(query.sql, arguments: query.arguments) }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        handle?.preparation.reset()
        let code = query.sql.withCString { sql in
            let result = sqlite3_prepare_v2(db, sql, -1, &statement, &tail)
            // Anything after the first statement other than whitespace and comments?
            let rest = tail.map { String(cString: $0) } ?? ""
            tail = nil
            return (result, rest)
        }
        guard code.0 == SQLITE_OK else { throw error(code: code.0, query: query) }
        guard let statement else {
            throw QueryError(code: .misuse, message: "the SQL holds no statement", sql: query.sql, arguments: query.arguments,
                             suggestion: "pass a statement, not only whitespace or comments")
        }
        if SQLTokenizer.tokenize(code.1).contains(where: \.isSignificant) {
            sqlite3_finalize(statement)
            throw QueryError(code: .misuse, message: "execute runs one statement, and this SQL has more after the first",
                             sql: query.sql, arguments: query.arguments,
                             suggestion: "use executeScript(_:) for several statements, or run them one by one")
        }
        let kind = StatementKind(sql: query.sql)
        do {
            try Self.checkTransactionControl(of: statement, kind: kind, observed: handle?.preparation.control,
                                             sql: query.sql, arguments: query.arguments)
        } catch {
            sqlite3_finalize(statement)
            throw error
        }
        return CachedStatement(statement: statement, kind: kind)
    }

    @inline(__always)
    private func bind(_ value: SQLValue, at index: Int32, to statement: OpaquePointer, query: SQLQuery) throws -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let integer):
            return sqlite3_bind_int64(statement, index, integer)
        case .real(let real):
            guard !real.isNaN else { throw Self.notANumberError(query, argument: index) }
            return sqlite3_bind_double(statement, index, real)
        case .text(var text):
            return text.withUTF8 { bytes in
                guard let base = bytes.baseAddress, bytes.count > 0 else {
                    return sqltestkit_bind_text(statement, index, "", 0)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqltestkit_bind_text(statement, index, $0, Int32(bytes.count))
                }
            }
        case .blob(let bytes):
            guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return bytes.withUnsafeBytes { sqltestkit_bind_blob(statement, index, $0.baseAddress, Int32($0.count)) }
        }
    }

    /// Reads a column through its `sqlite3_value`: one column lookup per cell instead of one
    /// per call (type, then value, then length). The value is "unprotected" (no SQLite mutex
    /// held), which is safe here: connections are opened with `SQLITE_OPEN_NOMUTEX` and every
    /// call runs under this connection's own lock, so nothing else touches the statement.
    private static func read(_ statement: OpaquePointer, column: Int32) -> SQLValue {
        guard let value = sqlite3_column_value(statement, column) else { return .null }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT:
            return .real(sqlite3_value_double(value))
        case SQLITE_TEXT:
            guard let text = sqlite3_value_text(value) else { return .text("") }
            let count = Int(sqlite3_value_bytes(value))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let pointer = sqlite3_value_blob(value)
            let count = Int(sqlite3_value_bytes(value))
            guard let pointer, count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default:
            return .null
        }
    }
}

/// A value region analysis cannot follow, used only within the call that made it: the SQLite
/// connection's `forEachRow` hands the caller's closure into its lock with it.
private struct ConfinedToThisCall<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
