extension MockDriver {
    /// A connection to the mock. Every statement is logged with this connection's number and
    /// its transaction depth, and answered from the driver's shared script.
    public final class Connection: DatabaseConnection {
        /// The mock this connection answers from.
        public let driver: MockDriver
        /// This connection's number in the log.
        public let id: Int
        public let transactionState = TransactionState()
        private let closed = ClosedFlag()

        init(driver: MockDriver, id: Int) {
            self.driver = driver
            self.id = id
        }

        public var capability: DriverCapability { driver.capability }

        nonisolated(nonsending)
        public func run(_ query: SQLQuery) async throws -> QueryResult {
            try answer(query)
        }

        /// Runs one statement (see ``DatabaseConnection/execute(_:)``); outside a test
        /// transaction it is answered at once, with no second async call.
        @discardableResult
        nonisolated(nonsending)
        public func execute(_ query: SQLQuery) async throws -> QueryResult {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query) }
            return try answer(query)
        }

        /// The rows of one statement, answered like ``execute(_:)`` in one async call.
        nonisolated(nonsending)
        public func fetchAll(_ query: SQLQuery) async throws -> [ResultRow] {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query).rows }
            return try answer(query).rows
        }

        /// The first row of one statement, answered like ``execute(_:)`` in one async call.
        nonisolated(nonsending)
        public func fetchOne(_ query: SQLQuery) async throws -> ResultRow? {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query).rows.first }
            return try answer(query, firstRowOnly: true).firstRow
        }

        private func answer(_ query: SQLQuery) throws -> QueryResult {
            try answer(query, firstRowOnly: false).result
        }

        private func answer(_ query: SQLQuery, firstRowOnly: Bool) throws -> MockEngine.Reply {
            if closed.isSet { throw QueryError(code: .misuse, message: "the connection is closed", sql: query.sql, arguments: query.arguments,
                                               suggestion: "open a new connection with driver.connect()") }
            return try driver.answer(query, connectionID: id, depth: transactionState.depth, firstRowOnly: firstRowOnly)
        }

        nonisolated(nonsending)
        public func close() async {
            closed.set()
        }
    }
}
