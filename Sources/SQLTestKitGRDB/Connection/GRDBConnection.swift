#if GRDB
import Foundation
import GRDB
import SQLTestKit

/// A `DatabaseConnection` over a GRDB writer, so everything written for SQLTestKit — the
/// state assertions (`assertTableRows`, `assertQueryRows`, `assertChanges`), `fixtures.changes`,
/// plain queries — works on a GRDB database.
///
/// ```swift
/// let db = GRDBConnection(queue)
/// try await assertTableRows("player", in: db, [["id": 1, "name": "Arthur"]])
/// ```
///
/// Each statement runs in a GRDB access of its own, so transaction control is refused (a
/// transaction cannot stay open between two GRDB accesses): write transactions with GRDB's
/// `writer.write { db in … }`. `grdb_migrations` is bookkeeping, left out of `changes`.
public final class GRDBConnection: DatabaseConnection {
    /// The writer the statements run on.
    public let writer: any DatabaseWriter
    /// SQLite's; `grdb_migrations` is among its bookkeeping tables, left out of `changes`.
    public let capability = DriverCapability.sqlite
    public let transactionState = TransactionState()

    /// A connection over `writer` (a `DatabaseQueue` or a `DatabasePool`).
    public init(_ writer: any DatabaseWriter) {
        self.writer = writer
    }

    nonisolated(nonsending)
    public func run(_ query: SQLQuery) async throws -> QueryResult {
        let kind = StatementKind(sql: query.sql)
        if kind.isTransactionControl {
            throw QueryError(code: .misuse, message: "GRDBConnection runs every statement in its own GRDB access, so it cannot run transaction control",
                             sql: query.sql, arguments: query.arguments,
                             suggestion: "write the transaction with GRDB: try await writer.write { db in … }")
        }
        let sql = query.sql
        let arguments = StatementArguments(query.arguments.map(\.databaseValue))
        do {
            return try await writer.writeWithoutTransaction { db in
                let statement = try db.makeStatement(sql: sql)
                try statement.setArguments(arguments)
                let columns = ResultColumns(statement.columnNames)
                var values: [SQLValue] = []
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    values += row.databaseValues.map(SQLValue.init)
                }
                let rows = columns.isEmpty ? [] : stride(from: 0, to: values.count, by: columns.count).map {
                    ResultRow(columns: columns, values: Array(values[$0..<$0 + columns.count]))
                }
                guard kind.isWrite else { return QueryResult(rows: rows) }
                return QueryResult(rows: rows, rowsAffected: db.changesCount, lastInsertID: kind == .insert ? db.lastInsertedRowID : nil)
            }
        } catch let error as DatabaseError {
            throw QueryError(code: QueryError.Code(rawValue: error.extendedResultCode.rawValue), message: error.message ?? "\(error)",
                             sql: query.sql, arguments: query.arguments)
        }
    }

    /// Does nothing: the writer belongs to the code that made it.
    nonisolated(nonsending)
    public func close() async {}
}

extension SQLValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }

    /// The value GRDB read.
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(Array(data))
        }
    }
}
#endif
