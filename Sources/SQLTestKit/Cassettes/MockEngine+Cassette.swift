extension MockEngine {
    /// Logs `query` and answers it from the cassette: the recorded answer of the same
    /// statement with the same arguments, or a refusal naming the nearest recorded one.
    mutating func replay<Log: StatementSink>(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, depth: Int, log: inout Log,
                                             firstRowOnly: Bool) throws -> Reply {
        let sql = sqlText(of: query, dialect: dialect)
        guard let position = player!.take(sql: sql, arguments: query.arguments) else {
            let statement = log.record(query, dialect: dialect, connectionID: connectionID, transactionDepth: depth)
            let problem = MockProblem.unexpected(statement, report: player!.report(for: statement, sql: sql))
            player!.passOver(sql: sql, arguments: query.arguments)
            problems.append(problem)
            throw MockMismatch(problem: problem)
        }
        log.append(query, dialect: dialect, connectionID: connectionID, transactionDepth: depth, kind: player!.kinds[position])
        let result = try player!.answer(position, to: query, dialect: dialect)
        return firstRowOnly ? .firstRow(result.rows.first) : .result(result)
    }
}

extension MockDriver {
    /// A mock that answers from a cassette (see ``Cassette``): each statement gets the
    /// recorded answer of the same statement with the same arguments — rows, rows affected,
    /// last insert id, or the error — with no database. It reports the capability the
    /// cassette was recorded with (its dialect, its `BEGIN`).
    ///
    /// ```swift
    /// let mock = MockDriver(replaying: try Cassette(contentsOf: path))
    /// let titles = try await BookStore(driver: mock).titles()
    /// try mock.verify()   // fails if the cassette holds statements the code no longer sends
    /// ```
    ///
    /// Statements are expected in the recorded order (pass `order: .any` for code whose
    /// concurrent tasks interleave differently on each run); an `IN` list, `VALUES` rows or
    /// `SET` assignments in another order still match. A statement that is not the one
    /// expected throws ``MockMismatch`` naming the recorded one and the first token or
    /// argument that differs, and is remembered for ``verify()``.
    public convenience init(replaying cassette: Cassette, order: Cassette.ReplayOrder = .recorded, capability: DriverCapability? = nil,
                            log: StatementLog? = nil) {
        self.init(dialect: cassette.dialect, strict: true, capability: capability ?? cassette.capability, log: log)
        loadCassette(cassette, order: order)
    }
}
