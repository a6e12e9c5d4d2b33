#if PostgreSQL
import Foundation
import PostgresNIO
import SQLTestKit

extension PostgresDriver.Connection: CatalogProviding, BatchRunning {
    /// PostgreSQL's catalog, for fixtures, `check`, `dump` and the assertions.
    package var catalog: any DatabaseCatalog { PostgresCatalog() }

    /// Rows per multi-row `INSERT` of a fixture load (fewer when the table is wide: a
    /// statement binds at most 65,535 values).
    static let rowsPerInsert = 1000

    /// A fixture load's rows: many rows per `INSERT … VALUES (…), (…)` (one round trip per
    /// thousand rows instead of one per row), every value untyped so the column decides its
    /// type. A chunk the server refuses is rolled back to a savepoint and run row by row, each
    /// row in a savepoint of its own, so every refused row is found and the others go in.
    nonisolated(nonsending)
    package func runBatch(_ sql: String, rows: [ArraySlice<SQLValue?>]) async throws -> [(Int, QueryError)] {
        guard !rows.isEmpty else { return [] }
        let width = rows[0].count { $0 != nil }
        let perInsert = width == 0 ? 1 : max(1, min(Self.rowsPerInsert, Int(UInt16.max) / width))
        var failures: [(Int, QueryError)] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perInsert)
            let chunk = rows[start..<end]
            if let statement = Self.multiRowInsert(sql, rows: chunk.count, width: width), chunk.count > 1 {
                _ = try await send(SQLQuery(sql: "SAVEPOINT sqltestkit_batch"))
                do {
                    _ = try await send(SQLQuery(sql: statement), bindings: PostgresArgument.untypedBindings(for: chunk.flatMap { $0.compactMap { $0 } }))
                    _ = try await send(SQLQuery(sql: "RELEASE SAVEPOINT sqltestkit_batch"))
                    start = end
                    continue
                } catch is QueryError {
                    _ = try await send(SQLQuery(sql: "ROLLBACK TO SAVEPOINT sqltestkit_batch"))
                    _ = try await send(SQLQuery(sql: "RELEASE SAVEPOINT sqltestkit_batch"))
                }
            }
            for index in start..<end {
                _ = try await send(SQLQuery(sql: "SAVEPOINT sqltestkit_batch"))
                do {
                    _ = try await send(SQLQuery(sql: sql), bindings: PostgresArgument.untypedBindings(for: rows[index].compactMap { $0 }))
                } catch let error as QueryError {
                    failures.append((index, error))
                    _ = try await send(SQLQuery(sql: "ROLLBACK TO SAVEPOINT sqltestkit_batch"))
                }
                _ = try await send(SQLQuery(sql: "RELEASE SAVEPOINT sqltestkit_batch"))
            }
            start = end
        }
        return failures
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), …` from the loader's one-row
    /// `INSERT INTO t (a, b) VALUES (?, ?)`; `nil` for any other statement.
    static func multiRowInsert(_ sql: String, rows: Int, width: Int) -> String? {
        guard width > 0, let values = sql.range(of: " VALUES (", options: .backwards), sql.hasSuffix(")") else { return nil }
        var statement = String(sql[..<values.lowerBound]) + " VALUES "
        statement.reserveCapacity(statement.utf8.count + rows * width * 7)
        var number = 0
        for row in 0..<rows {
            statement += row == 0 ? "(" : ", ("
            for column in 0..<width {
                number += 1
                statement += column == 0 ? "$\(number)" : ", $\(number)"
            }
            statement += ")"
        }
        return statement
    }
}
#endif
