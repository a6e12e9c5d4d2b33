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
        /// postgres-nio's connection under this one.
        let session: PostgresConnection

        /// postgres-nio's connection, for what SQLTestKit does not wrap (`COPY`, `LISTEN`).
        /// Statements sent on it directly bypass test-transaction interception and recording.
        ///
        /// Refused inside a test transaction: postgres-nio's `withTransaction` there would send
        /// its own `BEGIN` and `COMMIT`, and end the test's transaction (the commit guard then
        /// fails the test, and the database is retired). Code written on postgres-nio gets a
        /// database of its own instead: ``PostgresTemplate/withDatabase(_:)``.
        ///
        /// - Throws: ``PostgresRawConnectionError`` inside a test transaction.
        public var underlying: PostgresConnection {
            get throws {
                guard !transactionState.isInTestTransaction else { throw PostgresRawConnectionError(database: driver.configuration.database) }
                return session
            }
        }
        /// The driver that opened this connection.
        public let driver: PostgresDriver
        public let capability = DriverCapability.postgres
        public let transactionState = TransactionState()
        private let closed = ClosedFlag()
        /// What a failed statement at the top of a test transaction is rolled back to.
        private let mark = Mutex(RecoveryMark.changed)
        /// Set when a statement ended the transaction SQLTestKit had open without SQLTestKit
        /// reading it as transaction control (see ``testTransactionLoss``).
        private let loss = Mutex<QueryError?>(nil)
        /// Told once when a statement ends a test transaction behind SQLTestKit's back (the
        /// template replaces the database the loss may have written to).
        private let onTestTransactionLoss: (@Sendable (QueryError) -> Void)?

        /// Where this session arms the commit guard, once found or made.
        private let guardTarget = Mutex<PostgresCommitGuard.Target?>(nil)

        /// Why the session is over, once the server ended it: nothing is sent after that.
        private let gone = Mutex<QueryError?>(nil)
        /// Statements waiting for the server's answer, failed together if the connection closes
        /// under them (postgres-nio's own answer may never come then).
        private let inFlight = Mutex(InFlight())

        struct InFlight {
            var next = 0
            var promises: [Int: EventLoopPromise<PostgresQueryResult>] = [:]
            var closed = false
        }

        init(connection: PostgresConnection, driver: PostgresDriver, onTestTransactionLoss: (@Sendable (QueryError) -> Void)? = nil) {
            self.session = connection
            self.driver = driver
            self.onTestTransactionLoss = onTestTransactionLoss
            connection.closeFuture.whenComplete { [weak self] _ in self?.failStatementsInFlight() }
        }

        /// Fails every statement still waiting for an answer: the connection closed.
        private func failStatementsInFlight() {
            let waiting = inFlight.withLock { state in
                state.closed = true
                defer { state.promises = [:] }
                return Array(state.promises.values)
            }
            for promise in waiting { promise.fail(Self.closedUnderStatement) }
        }

        /// The error of the statement that ended this connection's test transaction (or a
        /// transaction SQLTestKit opened) without reading as transaction control, if one did:
        /// what ran before it may have been committed. The connection refuses every statement
        /// after it, and closing an isolated database throws it, so the test fails even when
        /// the code under test swallowed the error.
        public var testTransactionLoss: QueryError? { loss.withLock { $0 } }

        /// Whether nothing more can be sent: closed, ended by the server, or its test
        /// transaction lost.
        var isUnusable: Bool { closed.isSet || gone.withLock({ $0 }) != nil || testTransactionLoss != nil }

        deinit {
            guard !closed.isSet else { return }
            // postgres-nio requires a connection to be closed before it is released.
            let connection = session
            Task { try? await connection.close() }
        }

        nonisolated(nonsending)
        public func run(_ query: SQLQuery) async throws -> QueryResult {
            guard !closed.isSet else {
                throw QueryError(code: .misuse, message: "the connection is closed", sql: query.sql, arguments: query.arguments,
                                 suggestion: "open a new connection with driver.connect()")
            }
            if let gone = gone.withLock({ $0 }) { throw Self.refusal(afterGone: gone, query) }
            if let loss = testTransactionLoss, !Self.isFinalRollback(query) { throw Self.refusal(after: loss, query) }
            if transactionState.isAtTestTransactionTop { return try await runKeepingTestTransaction(query) }
            mark.withLock { $0 = .changed }
            do {
                return try await send(query)
            } catch let error as QueryError {
                // Outside a transaction the failure ended nothing, so the catalog can still be read.
                throw transactionState.depth == 0 && !Self.connectionIsGone(error) ? await suggesting(error) : error
            }
        }

        nonisolated(nonsending)
        public func close() async {
            guard !closed.isSet else { return }
            closed.set()
            try? await session.close()
        }

        // MARK: - Sending

        /// Sends one statement as it is and maps the server's answer.
        nonisolated(nonsending)
        func send(_ query: SQLQuery, checkingTransactionEnd: Bool = true) async throws -> QueryResult {
            try await send(query, bindings: PostgresArgument.bindings(for: query.arguments), checkingTransactionEnd: checkingTransactionEnd)
        }

        /// Sends one statement with its bindings and maps the server's answer. After every
        /// statement the server's command tag says whether it ended the transaction (`COMMIT`,
        /// `ROLLBACK`, `PREPARE TRANSACTION`); one that did so while SQLTestKit holds a test
        /// transaction, or without reading as that transaction control, is a loss: see
        /// ``testTransactionLoss``.
        nonisolated(nonsending)
        func send(_ query: SQLQuery, bindings: PostgresBindings, checkingTransactionEnd: Bool = true) async throws -> QueryResult {
            let statement = PostgresQuery(unsafeSQL: query.sql(for: .postgres), binds: bindings)
            let answer: PostgresQueryResult
            do {
                answer = try await answerOrClose(session.query(statement, logger: PostgresDriver.logger)).get()
            } catch {
                var failure = PostgresErrorMapping.queryError(from: error, sql: query.sql, arguments: query.arguments)
                if failure.sql == nil { (failure.sql, failure.arguments) = (query.sql, query.arguments) }
                if PostgresCommitGuard.refused(failure) {
                    throw noteCommitRefused(failure, query: query)
                }
                if Self.connectionIsGone(failure) {
                    // The server ended the session (pg_terminate_backend, a restart, a lost
                    // network): nothing more can run on it, and no rollback is needed there.
                    gone.withLock { $0 = $0 ?? failure }
                    transactionState.markBroken("the server ended the connection: \(failure.message)")
                }
                throw failure
            }
            if checkingTransactionEnd, let ended = Self.transactionEnd(tag: answer.metadata.command) {
                try noteTransactionEnd(ended, tag: answer.metadata.command, query: query)
            }
            return Self.result(of: answer)
        }

        /// The answer to a statement, or a failure as soon as the connection closes while it
        /// waits: a server that ends the session does not always answer what was sent.
        private func answerOrClose(_ answer: EventLoopFuture<PostgresQueryResult>) -> EventLoopFuture<PostgresQueryResult> {
            let promise = answer.eventLoop.makePromise(of: PostgresQueryResult.self)
            let id: Int? = inFlight.withLock { state in
                guard !state.closed else { return nil }
                state.next += 1
                state.promises[state.next] = promise
                return state.next
            }
            guard let id else {
                promise.fail(Self.closedUnderStatement)
                return promise.futureResult
            }
            answer.whenComplete { result in
                // Whoever takes the promise out completes it: the answer, or the close above.
                guard let promise = self.inFlight.withLock({ $0.promises.removeValue(forKey: id) }) else { return }
                promise.completeWith(result)
            }
            return promise.futureResult
        }

        /// What a statement gets when the connection closes while it waits.
        static let closedUnderStatement = QueryError(
            code: .ioError, message: "the connection to the PostgreSQL server was closed while the statement waited for its answer",
            suggestion: "open a new connection with driver.connect(); check that the server is still running")

        /// Whether `error` says the session is over (SQLSTATE class 08 or 57P, or the
        /// connection closed under postgres-nio).
        static func connectionIsGone(_ error: QueryError) -> Bool {
            guard let state = error.databaseCode else { return error.code == .ioError }
            return state.hasPrefix("08") || state.hasPrefix("57P")
        }

        // MARK: - Transactions ended behind SQLTestKit's back

        /// What a command tag says about the transaction: `COMMIT`, `ROLLBACK` (also the tag of
        /// `ROLLBACK TO SAVEPOINT`, and of a `COMMIT` of a failed transaction) or `PREPARE
        /// TRANSACTION`; `nil` for every other statement.
        static func transactionEnd(tag: String) -> TransactionControl? {
            switch tag {
            case "COMMIT": .commit
            case "ROLLBACK": .rollback
            case "PREPARE TRANSACTION": .prepare("")
            default: nil
            }
        }

        /// Records a loss when the statement the server reports as ending a transaction did so
        /// while a test transaction is in force, or when its text does not read as that
        /// transaction control; throws it.
        private func noteTransactionEnd(_ ended: TransactionControl, tag: String, query: SQLQuery) throws {
            let kind = StatementKind(sql: query.sql, dialect: .postgres)
            let readAs: TransactionControl? = if case .transaction(let control) = kind { control } else { nil }
            let expected: Bool = switch (ended, readAs) {
            case (.commit, .commit?), (.prepare, .prepare?): true
            case (.rollback, .rollback?), (.rollback, .rollbackToSavepoint?), (.rollback, .commit?): true
            default: false
            }
            // A savepoint rollback ends nothing; anything else ends the whole transaction, which
            // must never happen while the test transaction is in force (SQLTestKit's own final
            // ROLLBACK runs after the test level is gone).
            let endsTestTransaction: Bool = if case .rollbackToSavepoint? = readAs { false } else { transactionState.isInTestTransaction }
            if expected, !endsTestTransaction, ended == .rollback, readAs == .commit {
                // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, and no error.
                throw QueryError(code: .abort, message: "COMMIT rolled the transaction back: an earlier statement of it failed, so PostgreSQL committed nothing",
                                 sql: query.sql, arguments: query.arguments,
                                 suggestion: "find the statement that failed inside the transaction (its error was caught and ignored); roll back to a savepoint after a failure you mean to survive")
            }
            guard !expected || endsTestTransaction else { return }
            let database = driver.configuration.database
            let what = ended == .prepare("") ? "prepared (PREPARE TRANSACTION) and left" : tag == "COMMIT" ? "committed" : "rolled back"
            let error = QueryError(
                code: .abort,
                message: "this statement ended the \(endsTestTransaction ? "test transaction" : "transaction SQLTestKit had open"): PostgreSQL reported `\(tag)` for it, so the transaction was \(what) and what the test did before it \(tag == "COMMIT" ? "was committed to" : "is no longer held in") database `\(database)`",
                sql: query.sql, arguments: query.arguments,
                suggestion: readAs == nil
                    ? "its text does not read as transaction control by PostgreSQL's lexical rules as SQLTestKit applies them (a report of this statement is welcome); send COMMIT, ROLLBACK and BEGIN as statements of their own, or use transaction { }. This connection refuses every further statement"
                    : "inside a test transaction, send transaction control through execute (it becomes savepoints) or use transaction { }; `run` sends statements unchanged. This connection refuses every further statement")
            loss.withLock { $0 = $0 ?? error }
            transactionState.markBroken("a statement ended the transaction behind SQLTestKit's back: \(error.message)")
            if endsTestTransaction { onTestTransactionLoss?(error) }
            throw error
        }

        /// Finds or makes this session's commit guard, once, before its first test transaction
        /// begins (outside any transaction; see ``PostgresCommitGuard``).
        nonisolated(nonsending)
        private func prepareCommitGuard() async throws {
            guard guardTarget.withLock({ $0 }) == nil else { return }
            let target: PostgresCommitGuard.Target
            switch try await send(SQLQuery(sql: PostgresCommitGuard.prepareSessionSQL)).rows.first?[0].textValue {
            case "installed": target = .installed
            case "temporary": target = .temporary
            default:
                do {
                    _ = try await send(SQLQuery(sql: PostgresCommitGuard.makeTemporarySQL))
                    target = .temporary
                } catch let error as QueryError where !Self.connectionIsGone(error) {
                    target = .unavailable
                }
            }
            guardTarget.withLock { $0 = target }
        }

        /// Makes the server refuse to commit the test transaction just begun.
        nonisolated(nonsending)
        private func armCommitGuard() async throws {
            guard let sql = guardTarget.withLock({ $0 })?.armSQL else { return }
            _ = try await send(SQLQuery(sql: sql), checkingTransactionEnd: false)
        }

        /// Records the loss when the commit guard made the server refuse a statement: nothing
        /// was committed, but the test transaction is over (or aborted), so the connection
        /// refuses what follows and closing the isolated database fails the test.
        private func noteCommitRefused(_ failure: QueryError, query: SQLQuery) -> QueryError {
            let error = QueryError(
                code: .abort,
                message: "this statement would have committed the test transaction: SQLTestKit's commit guard made PostgreSQL refuse it, so nothing the test did was committed, and the test transaction can run nothing more",
                sql: query.sql, arguments: query.arguments,
                suggestion: "inside a test transaction, send COMMIT, END and PREPARE TRANSACTION through execute (they become savepoint releases) or use transaction { }; `run` sends statements unchanged (and `underlying` is refused). `SET CONSTRAINTS ALL IMMEDIATE` fires the guard too: name the constraints instead. This connection refuses every further statement",
                databaseCode: failure.databaseCode)
            loss.withLock { $0 = $0 ?? error }
            transactionState.markBroken("the commit guard refused a statement: \(error.message)")
            return error
        }

        /// The rollback that ends a test transaction or a `transaction { }` still goes through
        /// after a loss (it is harmless, and the bookkeeping expects it).
        private static func isFinalRollback(_ query: SQLQuery) -> Bool {
            query.sql == "ROLLBACK" || query.sql.hasPrefix("ROLLBACK TO sqltestkit_") || query.sql.hasPrefix("RELEASE sqltestkit_")
        }

        private static func refusal(afterGone gone: QueryError, _ query: SQLQuery) -> QueryError {
            var error = gone
            error.message = "the server ended this connection earlier: \(gone.message)"
            error.sql = query.sql
            error.arguments = query.arguments
            error.suggestion = "open a new connection; nothing was sent"
            return error
        }

        private static func refusal(after loss: QueryError, _ query: SQLQuery) -> QueryError {
            QueryError(code: .misuse, message: "this connection cannot be used any more: an earlier statement ended its transaction behind SQLTestKit's back (\(loss.sql ?? ""))",
                       sql: query.sql, arguments: query.arguments, suggestion: "close it and open a new connection; see the earlier error for what happened")
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
            let kind = StatementKind(sql: query.sql, dialect: .postgres)
            if case .transaction = kind {
                if kind == .transaction(.begin) { try await prepareCommitGuard() }
                let result = try await send(query)
                if kind == .transaction(.begin) { try await armCommitGuard() }
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
                guard !Self.connectionIsGone(error), testTransactionLoss == nil else { throw error }
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
                    _ = try await send(SQLQuery(sql: "ROLLBACK"), checkingTransactionEnd: false)
                    _ = try await send(SQLQuery(sql: capability.beginTransactionSQL))
                    try await armCommitGuard()
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
                let tables = SQLTokenizer.tableReferences(in: error.sql ?? "", dialect: .postgres).map(\.name)
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
