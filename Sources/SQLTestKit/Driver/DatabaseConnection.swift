/// One connection to a database.
///
/// Callers use ``execute(_:)`` and its conveniences (``fetchAll(_:)``, ``fetchOne(_:)``,
/// ``executeScript(_:)``), and ``transaction(_:)`` for atomic work. Drivers implement the few
/// requirements: ``run(_:)`` runs one statement exactly as given, and ``transactionState``
/// is the bookkeeping SQLTestKit keeps for transactions and test transactions.
///
/// ```swift
/// let db = try await SQLiteDriver.inMemory().connect()
/// try await db.executeScript("""
///     CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL);
///     INSERT INTO book(title) VALUES ('Dune');
///     """)
/// let titles = try await db.fetchAll("SELECT title FROM book").map { try $0.decode("title", as: String.self) }
/// ```
///
/// **Concurrency.** Connections are `Sendable` and every statement runs atomically, so a
/// connection can be handed between tasks. A connection has one transaction state, though:
/// statements that several tasks interleave on one connection share its transaction. Give
/// each concurrent task its own connection (parallel tests each get their own).
public protocol DatabaseConnection: AnyObject, Sendable {
    /// What the database can do (the mock reports the capability it impersonates).
    var capability: DriverCapability { get }

    /// The transaction bookkeeping for this connection. A driver creates one
    /// `TransactionState()` per connection and returns it here; nothing else touches it.
    var transactionState: TransactionState { get }

    /// Runs one statement exactly as given, with no transaction rewriting.
    ///
    /// This is the driver's primitive. Callers use ``execute(_:)``, which also turns the
    /// code under test's own `BEGIN`/`COMMIT` into savepoints inside a test transaction.
    nonisolated(nonsending)
    func run(_ query: SQLQuery) async throws -> QueryResult

    /// Runs one statement and returns its rows, rows affected and last insert id.
    ///
    /// Inside a test transaction, transaction control sent by the code under test (`BEGIN`,
    /// `COMMIT`, `ROLLBACK`, `END`) becomes savepoint operations, so nothing escapes the test.
    ///
    /// Drivers need not implement it: the default looks at ``transactionState`` and calls
    /// ``run(_:)``. SQLTestKit's own drivers, whose work underneath is synchronous, implement
    /// it to answer in one async call instead of two; every async level a statement crosses
    /// costs about 35–50 ns, a sixth of a mock statement.
    @discardableResult
    nonisolated(nonsending)
    func execute(_ query: SQLQuery) async throws -> QueryResult

    /// The rows a statement returns: ``execute(_:)``'s rows.
    ///
    /// Drivers need not implement it; the default calls ``execute(_:)``. SQLTestKit's own
    /// drivers answer it directly, in one async call instead of two.
    nonisolated(nonsending)
    func fetchAll(_ query: SQLQuery) async throws -> [ResultRow]

    /// Runs a statement and calls `body` with each row it returns, in order, as it is read.
    ///
    /// ```swift
    /// var total = 0.0
    /// try await db.forEachRow("SELECT price FROM book") { row in
    ///     total += try row.decode("price", as: Double.self)
    /// }
    /// ```
    ///
    /// The SQLite driver reads 256 rows, hands them to `body`, and reuses their memory for the
    /// next ones, so a large result is never held whole next to what `body` makes of it; it
    /// takes about the time of ``fetchAll(_:)`` and a loop (see the Performance article). A row
    /// that `body` keeps stays valid. `body` runs while the connection is busy with the
    /// statement; it is synchronous, so it cannot run statements itself, and it must not call
    /// the connection's synchronous members either (the SQLite connection's lock is held, and
    /// it would wait for itself). An error it throws ends the statement and is rethrown as it
    /// is; the rows SQLite gave before a failing step have been handed to `body` by then.
    ///
    /// Drivers need not implement it: the default calls ``fetchAll(_:)`` and walks the rows.
    nonisolated(nonsending)
    func forEachRow(_ query: SQLQuery, _ body: (ResultRow) throws -> Void) async throws

    nonisolated(nonsending)
    func executeScript(_ sql: String) async throws

    /// Closes the connection. Further use throws. Closing twice does nothing.
    nonisolated(nonsending)
    func close() async
}

// MARK: - Default implementations

extension DatabaseConnection {
    /// The default script runner: split with the shared tokenizer so every driver agrees on
    /// where statements end (strings, comments and trigger bodies included).
    nonisolated(nonsending)
    public func executeScript(_ sql: String) async throws {
        try await executeStatements(of: sql)
    }

    /// Runs each statement of a script through ``execute(_:)`` (so transaction control in it is
    /// rewritten inside a test transaction).
    nonisolated(nonsending)
    func executeStatements(of script: String) async throws {
        for statement in SQLTokenizer.statements(in: script, dialect: capability.dialect) {
            _ = try await execute(SQLQuery(sql: statement))
        }
    }

    /// Runs one statement and returns its rows, rows affected and last insert id; see the
    /// requirement's documentation.
    @discardableResult
    nonisolated(nonsending)
    public func execute(_ query: SQLQuery) async throws -> QueryResult {
        try await executeIntercepting(query)
    }

    /// ``execute(_:)`` through ``transactionState``: the statement as it is, or the savepoint
    /// operations that stand for it inside a test transaction. Drivers that implement
    /// `execute` hand it every statement when ``TransactionState/runsStatementsUnchanged`` is
    /// false.
    nonisolated(nonsending)
    func executeIntercepting(_ query: SQLQuery) async throws -> QueryResult {
        switch try transactionState.intercept(query, dialect: capability.dialect) {
        case .run:
            return try await run(query)
        case .rewrite(let statements, let callbacksToRun, let previousLevels):
            var result = QueryResult()
            do {
                for statement in statements {
                    result = try await run(statement)
                }
            } catch {
                transactionState.restore(previousLevels)
                throw error
            }
            for callback in callbacksToRun { await callback() }
            return result
        }
    }

    /// The rows a statement returns; see the requirement's documentation.
    nonisolated(nonsending)
    public func fetchAll(_ query: SQLQuery) async throws -> [ResultRow] {
        try await execute(query).rows
    }

    /// Calls `body` with each row ``fetchAll(_:)`` returns; see the requirement's documentation.
    nonisolated(nonsending)
    public func forEachRow(_ query: SQLQuery, _ body: (ResultRow) throws -> Void) async throws {
        for row in try await fetchAll(query) { try body(row) }
    }

    /// The first row a statement returns, or `nil` when it returns none; see the
    /// requirement's documentation.
    nonisolated(nonsending)
    public func fetchOne(_ query: SQLQuery) async throws -> ResultRow? {
        try await execute(query).rows.first
    }

    /// The rows a statement returns, each decoded into `type`.
    ///
    /// ```swift
    /// let books = try await db.fetchAll(Book.self, "SELECT * FROM book ORDER BY id")
    /// ```
    nonisolated(nonsending)
    public func fetchAll<Value: Decodable>(_ type: Value.Type, _ query: SQLQuery) async throws -> [Value] {
        try await fetchAll(query).map { try $0.decode(type) }
    }

    /// The first row a statement returns decoded into `type`, or `nil` when it returns none.
    nonisolated(nonsending)
    public func fetchOne<Value: Decodable>(_ type: Value.Type, _ query: SQLQuery) async throws -> Value? {
        try await fetchOne(query).map { try $0.decode(type) }
    }
}

/// A connection that can run one statement for many rows of arguments faster than one
/// `execute` each (the SQLite connection: one lock, no argument arrays). Fixture loads use it
/// when the connection has it, and `execute` per row otherwise.
package protocol BatchRunning: DatabaseConnection {
    /// Runs `sql` once per row of values (`nil` entries left out), going on after a failing
    /// row; returns the failures by row position.
    nonisolated(nonsending)
    func runBatch(_ sql: String, rows: [ArraySlice<SQLValue?>]) async throws -> [(Int, QueryError)]

    /// How many rows a batch should hold at most: a connection whose batches cost a round
    /// trip each (PostgreSQL's COPY) wants larger ones than one that runs in process.
    var preferredBatchSize: Int { get }
}

extension BatchRunning {
    package var preferredBatchSize: Int { 1000 }
}

/// A connection whose database aborts a transaction at the first failed statement
/// (PostgreSQL), and that can keep a statement independent where, outside the test, it would
/// run on its own. A wrapper that keeps the test transaction's bookkeeping itself (the routed
/// connection) runs such statements through here.
package protocol FailedStatementRecovering: DatabaseConnection {
    /// Runs `query` so that its failure rolls back only itself.
    nonisolated(nonsending)
    func runKeepingTestTransaction(_ query: SQLQuery) async throws -> QueryResult
}

extension DatabaseConnection {
    /// Runs `body` with this connection, then closes it, whether `body` returns or throws.
    @discardableResult
    nonisolated(nonsending)
    package func closing<Result>(after body: (Self) async throws -> Result) async throws -> Result {
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await close()
            throw error
        }
        await close()
        return result
    }
}
