import Synchronization

extension RoutedDriver {
    /// A connection that opens one connection per named database as statements need them.
    /// `Sendable`: its routing state sits behind a mutex; give each concurrent task its own
    /// connection, as with any connection.
    public final class Connection: DatabaseConnection {
        let driver: RoutedDriver
        public let transactionState = TransactionState()
        public var capability: DriverCapability { driver.capability }

        struct State {
            var connections: [String: any DatabaseConnection] = [:]
            /// The database the open transaction is on.
            var pinned: String?
            /// Transaction control waiting for the first statement that says where it goes.
            var pending: [SQLQuery] = []
            /// How many transaction levels (BEGIN, SAVEPOINT) are open.
            var depth = 0
        }

        private let state = Mutex(State())
        private let closed = ClosedFlag()

        init(driver: RoutedDriver) { self.driver = driver }

        /// The databases this connection has sent statements to, by name.
        public var openedDatabases: [String] { state.withLock { $0.connections.keys.sorted() } }

        nonisolated(nonsending)
        public func run(_ query: SQLQuery) async throws -> QueryResult {
            if closed.isSet {
                throw QueryError(code: .misuse, message: "the connection is closed", sql: query.sql, arguments: query.arguments,
                                 suggestion: "open a new connection with driver.connect()")
            }
            let kind = StatementKind(sql: query.sql, dialect: capability.dialect)
            if case .transaction(let control) = kind { return try await runTransactionControl(query, control) }
            let context = RoutingContext.current
            let (target, rewritten) = try route(query, kind: kind, context: context)
            let (connection, pending) = try await prepare(target, query: query)
            for statement in pending { try await connection.execute(statement) }
            // At the top of this connection's test transaction, the database behind it may need
            // to keep a failed statement from ending the test (PostgreSQL).
            if transactionState.isAtTestTransactionTop, let keeping = connection as? any FailedStatementRecovering {
                return try await keeping.runKeepingTestTransaction(rewritten)
            }
            return try await connection.execute(rewritten)
        }

        nonisolated(nonsending)
        public func close() async {
            closed.set()
            let connections = state.withLock { state in
                defer { state.connections = [:] }
                return Array(state.connections.values)
            }
            for connection in connections { await connection.close() }
        }

        // MARK: - Routing

        /// The database for `query` and the query with its tables schema-qualified.
        private func route(_ query: SQLQuery, kind: StatementKind, context: RoutingContext) throws -> (String, SQLQuery) {
            let decisions = RoutingDecisions(router: driver.router)
            let references = SQLTokenizer.tableReferences(in: query.sql)
            let (pinned, inTransaction) = state.withLock { ($0.pinned, $0.depth > 0) }
            // Inside a transaction every table is placed as if written: a transaction belongs on
            // the database its writes go to (and a replica's reads would not see them).
            let placed = references.map { reference in
                (reference, reference.isWritten || inTransaction ? decisions.writing(reference.name, context) : decisions.reading(reference.name, context))
            }
            let writes = placed.filter { $0.0.isWritten }
            var target = writes.first?.1 ?? placed.first?.1 ?? pinned ?? RoutedDriver.defaultDatabase
            // Every table must be allowed next to the statement's first one.
            if let (anchor, anchorDatabase) = writes.first ?? placed.first {
                for (reference, database) in placed where reference.name != anchor.name || database != anchorDatabase {
                    guard decisions.allowsRelation(anchor.name, anchorDatabase, reference.name, database) else {
                        throw RoutingError(
                            message: "the statement relates `\(anchor.name)` (on \(anchorDatabase)) and `\(reference.name)` (on \(database)), and the router does not allow a relation across those databases",
                            sql: query.expandedSQL,
                            suggestion: "query the two tables separately, route them to one database, or allow the relation in the router's allowsRelation")
                    }
                }
            }
            if let pinned, pinned != target {
                if !writes.isEmpty {
                    throw RoutingError(
                        message: "a transaction is open on \(pinned), but the router sends writes to `\(writes[0].0.name)` to \(target); a transaction stays on one database",
                        sql: query.expandedSQL,
                        suggestion: "commit first, or route the tables this transaction writes to one database")
                }
                target = pinned   // reads inside a transaction see its writes
            }
            guard driver.databases[target] != nil else {
                throw RoutingError(
                    message: "the router sent the statement to `\(target)`, but this routed driver has no such database (it has \(driver.databases.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")))",
                    sql: query.expandedSQL,
                    suggestion: Suggestions.closest(to: target, in: driver.databases.keys.sorted()).map { "did you mean `\($0)`?" } ?? "add the database to RoutedDriver(databases:)")
            }
            return (target, qualify(query, references, context))
        }

        /// Rewrites unqualified table references the router gives a schema as `schema.table`.
        private func qualify(_ query: SQLQuery, _ references: [TableReference], _ context: RoutingContext) -> SQLQuery {
            let rewrites = references.compactMap { reference -> (Range<Int>, String)? in
                guard reference.schema == nil, let schema = driver.router.schema(for: reference.name, context: context) else { return nil }
                let quote = DatabaseDialect.sqlite.quoteIdentifier
                return (reference.range, quote(schema) + "." + quote(reference.name))
            }
            guard !rewrites.isEmpty else { return query }
            var bytes = Array(query.sql.utf8)
            for (range, replacement) in rewrites.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
                bytes.replaceSubrange(range, with: Array(replacement.utf8))
            }
            return SQLQuery(sql: String(decoding: bytes, as: UTF8.self), arguments: query.arguments)
        }

        /// The connection to `name` (opened on first use) and the transaction control to send
        /// it first; pins an opening transaction to it.
        nonisolated(nonsending)
        private func prepare(_ name: String, query: SQLQuery) async throws -> (any DatabaseConnection, [SQLQuery]) {
            let existing = state.withLock { $0.connections[name] }
            let connection: any DatabaseConnection
            if let existing {
                connection = existing
            } else {
                let fresh = try await driver.databases[name]!.connect()
                connection = state.withLock { state in
                    if let raced = state.connections[name] { return raced }
                    state.connections[name] = fresh
                    return fresh
                }
            }
            let pending = state.withLock { state in
                defer { state.pending = [] }
                if !state.pending.isEmpty { state.pinned = name }
                return state.pending
            }
            return (connection, pending)
        }

        // MARK: - Transactions

        nonisolated(nonsending)
        private func runTransactionControl(_ query: SQLQuery, _ control: TransactionControl) async throws -> QueryResult {
            enum Step { case queue, forward(String), drop }
            let step: Step = state.withLock { state in
                switch control {
                case .begin, .savepoint: state.depth += 1
                case .release: state.depth = max(0, state.depth - 1)
                case .commit, .rollback, .prepare: state.depth = 0
                case .rollbackToSavepoint, .commitPrepared, .rollbackPrepared: break
                }
                if let pinned = state.pinned {
                    if state.depth == 0 { state.pinned = nil }
                    return .forward(pinned)
                }
                if state.depth == 0 {
                    // A transaction that ran nothing: nothing was sent, nothing to end.
                    state.pending = []
                    return .drop
                }
                state.pending.append(query)
                return .queue
            }
            switch step {
            case .forward(let name):
                let connection = state.withLock { $0.connections[name] }!
                return try await connection.execute(query)
            case .queue, .drop:
                return QueryResult()
            }
        }
    }
}
