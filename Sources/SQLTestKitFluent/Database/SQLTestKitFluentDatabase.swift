#if Fluent
import FluentKit
import FluentSQL
import Foundation
import Logging
import NIOCore
import SQLKit
import SQLTestKit

/// A FluentKit `Database` and SQLKit `SQLDatabase` that runs everything Fluent and SQLKit send
/// on an SQLTestKit connection: the mock, SQLite in memory or on file, PostgreSQL, a recording
/// wrapper, a routed driver, an isolated test database.
///
/// The SQL is what the dialect's Fluent driver sends for the same operation (see
/// ``FluentDialect``): on SQLite, fluent-sqlite-driver's (`?1` placeholders, dates as seconds,
/// `BEGIN TRANSACTION`); on PostgreSQL, fluent-postgres-driver's (`$1` placeholders, `UUID`,
/// `TIMESTAMPTZ` and enum types, `BEGIN`). `RETURNING "id"` is appended to creates. A test
/// transaction turns a Fluent `transaction { }` into a savepoint, so nothing escapes.
///
/// Make one with `.sqlTestKit(…)` where Fluent databases are configured.
///
/// Concurrent requests share one connection, so they take turns on it through the source's
/// gate: a plain statement holds it while it runs, a `transaction { }` or `withConnection { }`
/// for as long as its closure runs. So no statement of one request ever lands inside another
/// request's transaction. Transaction control sent as raw SQL outside those closures
/// (`sql.raw("BEGIN")`) is refused: on a shared connection it would take every other request's
/// statements into its transaction until its `COMMIT` or `ROLLBACK`.
struct SQLTestKitFluentDatabase: Database, SQLDatabase {
    let source: ConnectionSource
    let context: DatabaseContext
    /// Inside a Fluent `transaction { }`: a nested one runs in it, as FluentKit's drivers do.
    let inTransaction: Bool
    /// The turn on the source's gate this database holds (the database a transaction,
    /// `withConnection` or `withSession` closure is given): statements run without taking
    /// turns, and raw transaction control is the closure's own business.
    var turn: TransactionGate.Turn?
    var holdsGate: Bool { turn != nil }
    /// How the database's Fluent driver renders, binds and decodes.
    var fluentDialect: any FluentDialect { source.fluentDialect }

    // MARK: Fluent

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(query: query, onOutput: onOutput) }
    }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) async throws {
        let expression = Self.adjust(query, SQLQueryConverter(delegate: fluentDialect.converter).convert(query))
        let rows = try await run(expression)
        // Fluent waits for a create's key; a create answered without it would fail later with
        // FluentKit's bare `noDatabaseOutput`.
        if case .create = query.action, rows.isEmpty, query.customIDKey != .some(.string("")) {
            throw FluentMissingRowError(sql: serialize(expression).sql, model: query.schema)
        }
        for row in rows { onOutput(RowOutput(row: row, schema: nil)) }
    }

    /// As fluent-sqlite-driver does: creates return their generated key (unless the query's
    /// custom id key is the empty string, Fluent's signal for composite keys).
    static func adjust(_ query: DatabaseQuery, _ converted: any SQLExpression) -> any SQLExpression {
        guard case .create = query.action, query.customIDKey != .some(.string("")) else { return converted }
        return SQLKit.SQLList([converted, SQLReturning(.init((query.customIDKey ?? .id).description))], separator: SQLRaw(" "))
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        let dialect = fluentDialect
        let adjusted: DatabaseSchema?
        do { adjusted = try dialect.adjusted(schema) } catch { return eventLoop.makeFailedFuture(error) }
        guard let adjusted else { return eventLoop.makeSucceededFuture(()) }
        let converted = SQLSchemaConverter(delegate: dialect.converter).convert(adjusted)
        return eventLoop.makeFutureWithTask { try await self.execute(sql: converted) { _ in } }
    }

    /// Enums as the dialect's Fluent driver makes them: types of their own on PostgreSQL,
    /// nothing on SQLite (text columns). The statements run in order.
    func execute(enum databaseEnum: DatabaseEnum) -> EventLoopFuture<Void> {
        let statements = fluentDialect.statements(for: databaseEnum, on: self)
        return eventLoop.makeFutureWithTask {
            for statement in statements { try await self.execute(sql: statement) { _ in } }
        }
    }

    /// The closure gets the connection to itself until its future completes: what it sends,
    /// raw `BEGIN … COMMIT` included, runs with no other request's statement in between.
    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        takingTurn(as: self) { db in db.runningForTurn { closure(db) }.map { UncheckedResult(value: $0) } }
    }

    /// SQLKit's session: like `withConnection`, the closure has the connection to itself.
    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await takingTurn(as: self) { db in try await closure(db) }
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard !inTransaction else { return closure(self) }
        // Fluent's `transaction { }` (async or not) arrives here. Its results need not be
        // Sendable: they travel boxed from one future to the next on the database's event
        // loop, as FluentKit's drivers pass them.
        return takingTurn(as: SQLTestKitFluentDatabase(source: source, context: context, inTransaction: true)) { db in
            db.raw(SQLQueryString(db.fluentDialect.begin)).run()
                .flatMap { db.runningForTurn { closure(db) }.map { UncheckedResult(value: $0) } }
                .flatMap { result in db.raw(SQLQueryString(db.fluentDialect.commit)).run().map { result } }
                .flatMapError { error in
                    // Rolled back before the turn ends; the closure's error is what the caller gets.
                    db.raw(SQLQueryString(db.fluentDialect.rollback)).run().recover { _ in }.flatMapThrowing { throw error }
                }
        }
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard !inTransaction else { return try await closure(self) }
        return try await takingTurn(as: SQLTestKitFluentDatabase(source: source, context: context, inTransaction: true)) { db in
            do {
                try await db.raw(SQLQueryString(db.fluentDialect.begin)).run()
                let result = try await closure(db)
                try await db.raw(SQLQueryString(db.fluentDialect.commit)).run()
                return result
            } catch {
                try? await db.raw(SQLQueryString(db.fluentDialect.rollback)).run()
                throw error
            }
        }
    }

    // MARK: Taking turns on the shared connection

    /// Runs `body` with `db` holding the source's gate: taken first unless this database holds
    /// it already (a transaction or session inside another), released when `body` ends.
    ///
    /// Throws ``FluentDeadlockError`` when the code asking runs for the turn that holds the
    /// gate (it was given the closure's database, and asks through the outer one): it would
    /// wait for itself. `sql` is the statement that asked, or nil for a transaction or session.
    private func takingTurn<Result>(as db: SQLTestKitFluentDatabase, sql: String? = nil,
                                    _ body: (SQLTestKitFluentDatabase) async throws -> Result) async throws -> Result {
        var holder = db
        guard let turn = self.turn else {
            let turn = TransactionGate.Turn()
            try await source.gate.acquire(for: turn, sql: sql)
            defer { source.gate.release() }
            holder.turn = turn
            return try await TransactionGate.Turn.$current.withValue(turn) { try await body(holder) }
        }
        holder.turn = turn
        return try await body(holder)
    }

    /// ``takingTurn(as:sql:_:)`` for futures: the gate is released when `body`'s future
    /// completes. `body` is called with the task-local turn set, so the tasks it starts
    /// (FluentKit runs an async closure in one) run for the turn too.
    private func takingTurn<T>(as db: SQLTestKitFluentDatabase,
                               _ body: @escaping @Sendable (SQLTestKitFluentDatabase) -> EventLoopFuture<UncheckedResult<T>>) -> EventLoopFuture<T> {
        var holder = db
        if let turn = self.turn {
            holder.turn = turn
            return body(holder).map(\.value)
        }
        let gate = source.gate
        let turn = TransactionGate.Turn()
        holder.turn = turn
        let promise = eventLoop.makePromise(of: T.self)
        let acquired = eventLoop.makeFutureWithTask { try await gate.acquire(for: turn, sql: nil) }
        acquired.whenFailure { promise.fail($0) }
        acquired.whenSuccess { [holder] in
            let finished = holder.runningForTurn { body(holder) }
            finished.whenComplete { outcome in
                gate.release()
                switch outcome {
                // On the promise's own event loop: the future chain above runs there.
                case .success(let result): promise.assumeIsolated().succeed(result.value)
                case .failure(let error): promise.fail(error)
                }
            }
        }
        return promise.futureResult
    }

    /// Calls `body` with the task-local turn set to this database's, so the tasks it starts
    /// (FluentKit runs an async closure in one) are known to run for the turn.
    func runningForTurn<Result>(_ body: () -> Result) -> Result {
        TransactionGate.Turn.$current.withValue(turn) { body() }
    }

    // MARK: SQLKit

    var dialect: any SQLDialect { fluentDialect.sql }
    var logger: Logger { context.logger }
    var eventLoop: any EventLoop { context.eventLoop }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        for row in try await run(query) { onRow(row) }
    }

    /// Renders `query` as the dialect's Fluent driver does and runs it on the SQLTestKit connection.
    private func run(_ query: any SQLExpression) async throws -> [FluentRow] {
        let dialect = try source.supportedFluentDialect()
        let (sql, binds) = serialize(query)
        // Logged as fluent-sqlite-driver and fluent-postgres-driver log it (debug level).
        logger.debug("Executing query", metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        let arguments = try binds.map { try dialect.argument(for: $0) }
        let connection = try await source.connection()
        let statement = SQLQuery(sql: sql, arguments: arguments)
        if !holdsGate, case .transaction(let control) = StatementKind(sql: sql, dialect: connection.capability.dialect) {
            throw FluentRawTransactionError(sql: sql, control: control)
        }
        // Outside a transaction or session, a statement takes its turn: it never runs while
        // another request's transaction is open, so it cannot land inside it.
        let result = try await takingTurn(as: self, sql: sql) { _ in try await connection.execute(statement) }
        return result.rows.map { FluentRow(row: $0, dialect: dialect) }
    }
}

/// A value carried between futures of one event loop (see ``SQLTestKitFluentDatabase/transaction(_:)``).
struct UncheckedResult<Value>: @unchecked Sendable {
    let value: Value
}

/// A Fluent create got no row back for its `RETURNING` clause, so the new model has no key:
/// usually a mock script that answered the INSERT without rows.
public struct FluentMissingRowError: Error, Sendable, CustomStringConvertible {
    /// The INSERT that returned nothing.
    public var sql: String
    /// The model's table.
    public var model: String

    public var description: String {
        "creating a `\(model)` returned no row, so Fluent has no key for it: \(sql)\n  suggestion: answer the INSERT with its key (`.rows([[\"id\": 1]])`) or leave it unscripted: the mock then returns a generated key"
    }
}

/// Transaction control sent as raw SQL on the shared database, outside `transaction { }` and
/// `withConnection { }`: concurrent requests share the connection, so everything they sent
/// until the `COMMIT` or `ROLLBACK` would land in this transaction (and a `ROLLBACK` would
/// undo their writes). Refused before anything is sent.
public struct FluentRawTransactionError: Error, Sendable, CustomStringConvertible {
    /// The statement that was refused.
    public var sql: String
    /// What it is.
    public var control: TransactionControl

    public var description: String {
        """
        refused `\(sql)`: transaction control sent as raw SQL outside db.transaction { } would take every \
        concurrent request's statements into its transaction on the shared connection
          suggestion: use `try await db.transaction { db in … }`, or send the raw statements inside \
        SQLKit's `sql.withSession { sql in … }` or Fluent's `db.withConnection { db in … }`, which get the \
        connection to themselves until they return
        """
    }
}

/// A Fluent feature the SQLTestKit database cannot serve, named.
public struct FluentUnsupportedError: Error, Sendable, CustomStringConvertible {
    /// What was asked for.
    public var feature: String
    /// Why it cannot be done.
    public var reason: String

    public var description: String { "SQLTestKit cannot run \(feature) for Fluent: \(reason)" }
}

/// A Fluent model's view of a row: field keys prefixed with the schema Fluent aliased them
/// with (`book_title`), as fluent-sqlite-driver reads them.
struct RowOutput: DatabaseOutput {
    let row: any SQLRow
    let schema: String?

    var description: String { String(describing: row.allColumns) }

    private func column(_ key: FieldKey) -> String {
        (schema.map { .prefix(.prefix(.string($0), "_"), key) } ?? key).description
    }

    func schema(_ schema: String) -> any DatabaseOutput { RowOutput(row: row, schema: schema) }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: column(key), as: T.self) }
}
#endif
