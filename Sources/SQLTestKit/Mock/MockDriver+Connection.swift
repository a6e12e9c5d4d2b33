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
            guard driver.schemaCheck == nil else { return try await answerChecked(query, firstRowOnly: false).result }
            return try answer(query)
        }

        /// Runs one statement (see ``DatabaseConnection/execute(_:)``); outside a test
        /// transaction it is answered at once, with no second async call.
        @discardableResult
        nonisolated(nonsending)
        public func execute(_ query: SQLQuery) async throws -> QueryResult {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query) }
            guard driver.schemaCheck == nil else { return try await answerChecked(query, firstRowOnly: false).result }
            return try answer(query)
        }

        /// The rows of one statement, answered like ``execute(_:)`` in one async call.
        nonisolated(nonsending)
        public func fetchAll(_ query: SQLQuery) async throws -> [ResultRow] {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query).rows }
            guard driver.schemaCheck == nil else { return try await answerChecked(query, firstRowOnly: false).result.rows }
            return try answer(query).rows
        }

        /// The first row of one statement, answered like ``execute(_:)`` in one async call.
        nonisolated(nonsending)
        public func fetchOne(_ query: SQLQuery) async throws -> ResultRow? {
            guard transactionState.runsStatementsUnchanged else { return try await executeIntercepting(query).rows.first }
            guard driver.schemaCheck == nil else { return try await answerChecked(query, firstRowOnly: true).firstRow }
            return try answer(query, firstRowOnly: true).firstRow
        }

        private func answer(_ query: SQLQuery) throws -> QueryResult {
            try answer(query, firstRowOnly: false).result
        }

        private func answer(_ query: SQLQuery, firstRowOnly: Bool) throws -> MockEngine.Reply {
            if closed.isSet { throw Self.closedError(query) }
            return try driver.answer(query, connectionID: id, depth: transactionState.depth, firstRowOnly: firstRowOnly)
        }

        /// Checks `query` against the mock's schema, then answers it: a statement the database
        /// would refuse throws that error (and is remembered); scripted rows are fitted to it.
        nonisolated(nonsending)
        private func answerChecked(_ query: SQLQuery, firstRowOnly: Bool) async throws -> MockEngine.Reply {
            if closed.isSet { throw Self.closedError(query) }
            guard let check = driver.schemaCheck else { return try answer(query, firstRowOnly: firstRowOnly) }
            switch await check.shape(of: query, dialect: driver.dialect) {
            case .success(let shape):
                return try driver.answer(query, connectionID: id, depth: transactionState.depth, firstRowOnly: firstRowOnly, shape: shape)
            case .failure(let error):
                throw driver.refuse(query, error: error, connectionID: id, depth: transactionState.depth)
            }
        }

        private static func closedError(_ query: SQLQuery) -> QueryError {
            QueryError(code: .misuse, message: "the connection is closed", sql: query.sql, arguments: query.arguments,
                       suggestion: "open a new connection with driver.connect()")
        }

        nonisolated(nonsending)
        public func close() async {
            closed.set()
        }
    }
}
