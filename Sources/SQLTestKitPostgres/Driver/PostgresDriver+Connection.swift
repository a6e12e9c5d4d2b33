#if PostgreSQL
import Logging
import NIOCore
import PostgresNIO
import SQLTestKit
import Synchronization

extension PostgresDriver {
    /// One connection to the server. Statements on it run one after another (postgres-nio
    /// queues them); share it between tasks only as you would share a database session.
    ///
    /// ```swift
    /// let db = try await PostgresDriver(url: url).open()
    /// let result = try await db.execute("UPDATE author SET name = \("Ann") WHERE id = \(1)")
    /// result.rowsAffected   // 1, from the server's command tag
    /// await db.close()
    /// ```
    public final class Connection: DatabaseConnection, FailedStatementRecovering {
        /// postgres-nio's connection, for what SQLTestKit does not wrap (`COPY`, `LISTEN`).
        /// Statements sent on it directly bypass test-transaction interception and recording.
        public let underlying: PostgresConnection
        /// The driver that opened this connection.
        public let driver: PostgresDriver
        public let capability = DriverCapability.postgres
        public let transactionState = TransactionState()
        private let closed = ClosedFlag()
        /// What a failed statement at the top of a test transaction is rolled back to.
        private let mark = Mutex(RecoveryMark.changed)

        init(connection: PostgresConnection, driver: PostgresDriver) {
            self.underlying = connection
            self.driver = driver
        }

        deinit {
            guard !closed.isSet else { return }
            // postgres-nio requires a connection to be closed before it is released.
            let connection = underlying
            Task { try? await connection.close() }
        }

        nonisolated(nonsending)
        public func run(_ query: SQLQuery) async throws -> QueryResult {
            guard !closed.isSet else {
                throw QueryError(code: .misuse, message: "the connection is closed", sql: query.sql, arguments: query.arguments,
                                 suggestion: "open a new connection with driver.connect()")
            }
            if transactionState.isAtTestTransactionTop { return try await runKeepingTestTransaction(query) }
            mark.withLock { $0 = .changed }
            do {
                return try await send(query)
            } catch let error as QueryError {
                // Outside a transaction the failure ended nothing, so the catalog can still be read.
                throw transactionState.depth == 0 ? await suggesting(error) : error
            }
        }

        nonisolated(nonsending)
        public func close() async {
            guard !closed.isSet else { return }
            closed.set()
            try? await underlying.close()
        }

        // MARK: - Sending

        /// Sends one statement as it is and maps the server's answer.
        nonisolated(nonsending)
        func send(_ query: SQLQuery) async throws -> QueryResult {
            try await send(query, bindings: PostgresArgument.bindings(for: query.arguments))
        }

        nonisolated(nonsending)
        func send(_ query: SQLQuery, bindings: PostgresBindings) async throws -> QueryResult {
            let statement = PostgresQuery(unsafeSQL: query.sql(for: .postgres), binds: bindings)
            let answer: PostgresQueryResult
            do {
                let future: EventLoopFuture<PostgresQueryResult> = underlying.query(statement, logger: PostgresDriver.logger)
                answer = try await future.get()
            } catch {
                throw PostgresErrorMapping.queryError(from: error, sql: query.sql, arguments: query.arguments)
            }
            return Self.result(of: answer)
        }

        static func result(of answer: PostgresQueryResult) -> QueryResult {
            var affected = 0
            switch answer.metadata.command {
            case "INSERT", "UPDATE", "DELETE", "COPY": affected = answer.metadata.rows ?? 0
            case let tag where tag.hasPrefix("MERGE "): affected = Int(tag.dropFirst(6)) ?? 0
            default: break
            }
            guard let first = answer.rows.first else { return QueryResult(rows: [], rowsAffected: affected) }
            let columns = ResultColumns(first.map(\.columnName))
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count * answer.rows.count)
            for row in answer.rows {
                for cell in row { values.append(PostgresCellDecoder.value(of: cell)) }
            }
            // PostgreSQL never reports a last insert id; `RETURNING` gives keys.
            return QueryResult(rows: ResultRow.rows(columns: columns, values: values), rowsAffected: affected)
        }

        // MARK: - Test transactions

        /// How the connection undoes a failed statement at the top of a test transaction.
        enum RecoveryMark {
            /// Nothing happened since the test transaction's BEGIN: roll back and begin again.
            case start
            /// The savepoint `sqltestkit_statement` marks the current state.
            case saved
            /// Something changed since the last mark: take a savepoint before the next statement.
            case changed
        }

        static let statementSavepoint = "sqltestkit_statement"

        /// Runs a statement of the code under test where, in production, it would run on its
        /// own: a failure rolls back that statement alone, so the test transaction survives it.
        nonisolated(nonsending)
        package func runKeepingTestTransaction(_ query: SQLQuery) async throws -> QueryResult {
            let kind = StatementKind(sql: query.sql)
            if case .transaction = kind {
                let result = try await send(query)
                mark.withLock { $0 = kind == .transaction(.begin) ? .start : .changed }
                return result
            }
            if mark.withLock({ $0 }) == .changed {
                // Savepoints of the same name stack; ROLLBACK TO goes to the latest one.
                _ = try await send(SQLQuery(sql: "SAVEPOINT \(Self.statementSavepoint)"))
                mark.withLock { $0 = .saved }
            }
            do {
                let result = try await send(query)
                if kind != .select { mark.withLock { $0 = .changed } }
                return result
            } catch let error as QueryError {
                try await recover(after: error)
                throw await suggesting(error)
            }
        }

        /// Undoes the failed statement so the test transaction goes on.
        nonisolated(nonsending)
        private func recover(after failure: QueryError) async throws {
            do {
                switch mark.withLock({ $0 }) {
                case .saved:
                    _ = try await send(SQLQuery(sql: "ROLLBACK TO SAVEPOINT \(Self.statementSavepoint)"))
                case .start:
                    // Nothing happened since BEGIN: a new transaction is the same state.
                    _ = try await send(SQLQuery(sql: "ROLLBACK"))
                    _ = try await send(SQLQuery(sql: capability.beginTransactionSQL))
                case .changed:
                    throw QueryError(code: .internal, message: "no savepoint marks the state before the failed statement")
                }
            } catch {
                transactionState.markBroken("the test transaction could not be kept after a failed statement (\(error)); the statement's failure was: \(failure)")
                throw failure
            }
        }

        // MARK: - Suggestions

        /// Adds "did you mean" for a missing table or column, reading the catalog.
        nonisolated(nonsending)
        private func suggesting(_ error: QueryError) async -> QueryError {
            guard error.suggestion == nil, let (kind, name) = PostgresErrorMapping.missingName(in: error) else { return error }
            var candidates: [String] = []
            switch kind {
            case .table:
                candidates = (try? await send(SQLQuery(sql: PostgresCatalog.visibleTablesSQL)))?.rows.compactMap { $0[0].textValue } ?? []
            case .column:
                let tables = SQLTokenizer.tableReferences(in: error.sql ?? "").map(\.name)
                guard !tables.isEmpty else { return error }
                candidates = (try? await send(PostgresCatalog.columnNamesQuery(tables: tables)))?.rows.compactMap { $0[0].textValue } ?? []
            }
            guard let near = Suggestions.closest(to: name, in: candidates) else { return error }
            var suggested = error
            suggested.suggestion = "did you mean `\(near)`?"
            return suggested
        }
    }
}
#endif
