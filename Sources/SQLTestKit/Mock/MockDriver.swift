import Synchronization

/// A driver that runs no SQL: it records every statement its connections receive and answers
/// from a script, so tests assert exactly what the code under test sent.
///
/// Toql-style — script answers, run the code, take the SQL:
///
/// ```swift
/// let mock = MockDriver(dialect: .sqlite)
/// mock.script("SELECT id, name FROM user WHERE id = 5", rows: [["id": 5, "name": "Joe"]])
/// let user = try await UserStore(driver: mock).find(id: 5)
/// #expect(mock.takeSQLs() == ["SELECT id, name FROM user WHERE id = 5"])
/// ```
///
/// go-sqlmock-style — expectations, then `verify()`:
///
/// ```swift
/// let mock = MockDriver(dialect: .postgres, strict: true)
/// mock.expectInOrder {
///     MockExpectation("BEGIN")
///     MockExpectation("UPDATE account SET balance = balance - $1 WHERE id = $2", arguments: [100, 1])
///     MockExpectation("COMMIT")
/// }
/// try await transfer(on: mock)
/// try mock.verify()
/// ```
///
/// **Lenient by default.** A statement nothing scripts gets an empty answer (an INSERT gets
/// the next key of a per-table counter). **Strict mode** refuses it instead: it throws
/// ``MockMismatch`` *and* remembers it, so ``verify()`` fails even if the code under test
/// swallowed the error. Transaction control and settings (`BEGIN`, `PRAGMA`, `SET`) are
/// never refused, and never consume a script unless one names them.
///
/// Thread-safe: connections from many tasks share one script and one log.
public final class MockDriver: DatabaseDriver {
    /// The dialect impersonated: placeholders, identifier quoting and literals in the log.
    public let dialect: DatabaseDialect
    /// Whether unscripted statements are refused.
    public let isStrict: Bool
    /// What the mock reports its database can do.
    public let capability: DriverCapability
    /// Every statement every connection received.
    public let log: StatementLog
    private let core: MockCore
    /// Whether ``log`` is the mock's own, its entries kept in `core` under the script's lock,
    /// rather than a log passed in (and maybe shared), which takes its own lock.
    private let ownsLog: Bool

    /// The schema check, when the mock was made with a schema or a checker.
    let schemaCheck: MockSchemaCheck?

    /// A mock of `dialect`'s database; `strict` refuses unscripted statements. Pass `log` to
    /// write into a log shared with other drivers; by default the mock keeps its own.
    public convenience init(dialect: DatabaseDialect = .sqlite, strict: Bool = false, capability: DriverCapability? = nil, log: StatementLog? = nil) {
        self.init(dialect: dialect, strict: strict, capability: capability, log: log, checker: nil)
    }

    /// A mock that checks every statement against `schema` before answering it, so it cannot
    /// accept what the database would refuse:
    ///
    /// ```swift
    /// let mock = try MockDriver(dialect: .sqlite, schema: "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
    /// mock.script("SELECT id, title FROM book", rows: [["id": 1, "title": "Dune"]])
    /// try await db.fetchAll("SELECT id, titel FROM book")
    /// // throws QueryError SQLITE_ERROR: no such column: titel — did you mean `title`?
    /// ```
    ///
    /// - A statement the database would refuse (an unknown table or column, a syntax error, a
    ///   wrong number of arguments) throws the ``QueryError`` the real driver throws, and is
    ///   remembered, so ``verify()`` fails even when the code swallowed the error.
    /// - Scripted rows must have the columns the statement returns (in any order: they are
    ///   given back in the statement's), and values the declared column types allow.
    /// - Constraints are not simulated: the mock holds no data.
    ///
    /// For `.sqlite` the schema is loaded into a private in-memory SQLite, and statements are
    /// prepared there (never run). Other dialects need a checker of their own: with the
    /// `PostgreSQL` trait, `MockDriver.postgres(schema:)`; made here, such a mock checks
    /// nothing and prints a one-line notice saying so. Throws when the schema does not load.
    public convenience init(dialect: DatabaseDialect = .sqlite, schema: MockSchema, strict: Bool = false, capability: DriverCapability? = nil,
                            log: StatementLog? = nil) throws {
        let checker: any StatementChecker = switch dialect {
        case .sqlite: try SQLiteStatementChecker(schema: schema)
        case .postgres: UncheckedStatements(dialect: dialect, reason: """
            MockDriver(dialect: .postgres, schema:) does not check statements: that needs a PostgreSQL server; \
            use MockDriver.postgres(schema:) from SQLTestKitPostgres (the PostgreSQL trait)
            """)
        default: UncheckedStatements(dialect: dialect, reason: "MockDriver(dialect: .\(dialect.rawValue), schema:) does not check statements: SQLTestKit has no checker for \(dialect.rawValue)")
        }
        self.init(dialect: dialect, strict: strict, capability: capability, log: log, checker: checker)
    }

    /// A mock of `checker`'s dialect that checks every statement with it (see
    /// ``init(dialect:schema:strict:capability:log:)``).
    public convenience init(checker: any StatementChecker, strict: Bool = false, capability: DriverCapability? = nil, log: StatementLog? = nil) {
        self.init(dialect: checker.dialect, strict: strict, capability: capability, log: log, checker: checker)
    }

    private init(dialect: DatabaseDialect, strict: Bool, capability: DriverCapability?, log: StatementLog?, checker: (any StatementChecker)?) {
        self.dialect = dialect
        self.isStrict = strict
        self.capability = capability ?? .default(for: dialect)
        let core = MockCore()
        self.core = core
        self.log = log ?? StatementLog(storage: core)
        self.ownsLog = log == nil
        self.schemaCheck = checker.map(MockSchemaCheck.init)
    }

    /// Why the mock's statements are not checked against its schema, once a statement found
    /// out (no PostgreSQL server, a dialect with no checker); `nil` while they are, or when the
    /// mock has no schema. The same line is printed once to standard error.
    public var schemaNotice: String? { schemaCheck?.notice.withLock { $0 } }

    /// Whether the mock checks statements against a schema.
    public var checksSchema: Bool { schemaCheck != nil }

    /// Makes the mock answer from `cassette` (see ``init(replaying:order:capability:log:)``).
    func loadCassette(_ cassette: Cassette, order: Cassette.ReplayOrder) {
        withEngine { $0.player = CassettePlayer(cassette, order: order) }
    }

    /// Runs `body` with the script, under its lock. `body` must not use ``log`` (whose
    /// entries may sit behind the same lock).
    private func withEngine<R>(_ body: (inout MockEngine) throws -> R) rethrows -> R {
        try core.shared.withLock { try body(&$0.engine) }
    }

    public var url: String { "mock:\(dialect.rawValue)" }
    public var maxConnections: Int { 1_000 }

    public func connect() async throws -> any DatabaseConnection {
        connectionsOpened.add(1, ordering: .relaxed)
        return Connection(driver: self, id: log.newConnectionID())
    }

    /// How many connections were ever opened on this mock.
    private let connectionsOpened = Atomic<Int>(0)

    /// Whether anything ever connected to the mock. A mock nobody connected to usually sits
    /// where the code under test never looks — for Fluent, under a database ID the app does
    /// not use — and ``verify()`` and `assertSQL` say so.
    public var wasConnected: Bool { connectionsOpened.load(ordering: .relaxed) > 0 }

    /// A mock has no data to wipe: resetting forgets the per-table key counters only.
    public func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        withEngine { $0.resetKeys() }
    }

    // MARK: - Scripting (Toql-style)

    /// Answers statements matching `matcher` (and `arguments`, when given) with `rows`,
    /// any number of times; ``verify()`` fails if none ran.
    @discardableResult
    public func script(_ matcher: StatementMatcher, arguments: [ArgumentMatcher]? = nil, rows: [KeyValuePairs<String, SQLValue>],
                       count: MockCount = .atLeastOnce,
                       fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) -> MockExpectation {
        script(matcher, arguments: arguments, answers: [.rows(rows)], count: count, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Answers statements matching `matcher` with `answer`.
    @discardableResult
    public func script(_ matcher: StatementMatcher, arguments: [ArgumentMatcher]? = nil, answer: MockAnswer,
                       count: MockCount = .atLeastOnce,
                       fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) -> MockExpectation {
        script(matcher, arguments: arguments, answers: [answer], count: count, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Answers statements matching `matcher` with `answers` in turn (the last repeats):
    /// `answers: [.rows(…), .error(.busy)]` is "rows, then an error".
    @discardableResult
    public func script(_ matcher: StatementMatcher, arguments: [ArgumentMatcher]? = nil, answers: [MockAnswer],
                       count: MockCount = .atLeastOnce,
                       fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) -> MockExpectation {
        let expectation = MockExpectation(matcher, arguments: arguments, answers: answers, count: count,
                                          fileID: fileID, filePath: filePath, line: line, column: column)
        withEngine { $0.add(expectation, dialect: dialect) }
        return expectation
    }

    /// The oldest statement not yet taken, expanded (see ``StatementLog/takeSQL(_:)``).
    public func takeSQL(_ filter: StatementFilter = .all) -> String? { log.takeSQL(filter) }

    /// Every statement not yet taken, expanded, oldest first.
    public func takeSQLs(_ filter: StatementFilter = .all) -> [String] { log.takeSQLs(filter) }

    // MARK: - Expectations (go-sqlmock-style)

    /// Expects a statement, by default exactly once, answered with `answer`.
    @discardableResult
    public func expect(_ matcher: StatementMatcher, arguments: [ArgumentMatcher]? = nil, answer: MockAnswer = .empty,
                       count: MockCount = .once,
                       fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) -> MockExpectation {
        script(matcher, arguments: arguments, answers: [answer], count: count, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Adds an expectation built beforehand.
    public func expect(_ expectation: MockExpectation) {
        withEngine { $0.add(expectation, dialect: dialect) }
    }

    /// Expects these statements in this order: a statement matching a later one before the
    /// earlier ones have run is refused and reported. The builder may throw, so a `.regex`
    /// matcher (which throws for a pattern that does not compile) can be written inside it:
    ///
    /// ```swift
    /// try mock.expectInOrder {
    ///     MockExpectation("BEGIN")
    ///     MockExpectation(try .regex("^UPDATE account SET balance"))
    ///     MockExpectation("COMMIT")
    /// }
    /// ```
    public func expectInOrder(@MockExpectationBuilder _ expectations: () throws -> [MockExpectation]) rethrows {
        let list = try expectations()
        withEngine { engine in
            let group = engine.newGroup()
            for expectation in list { engine.add(expectation, group: group, dialect: dialect) }
        }
    }

    /// Expects these statements in any order (the builder may throw, as for ``expectInOrder(_:)``).
    public func expectInAnyOrder(@MockExpectationBuilder _ expectations: () throws -> [MockExpectation]) rethrows {
        let list = try expectations()
        withEngine { engine in
            for expectation in list { engine.add(expectation, dialect: dialect) }
        }
    }

    /// Every problem so far: refused statements, out-of-order and extra runs, and scripted
    /// statements that have not run as often as required.
    public var problems: [MockProblem] {
        // The statements first: when the mock made its log, they sit behind the same lock.
        let ran = log.statements(.excludingNoise)
        return withEngine { $0.verificationProblems(ran: ran) }
    }

    /// Throws ``MockVerificationError`` listing **every** problem, each with the file and line
    /// where its expectation was declared; returns quietly when there is none.
    public func verify() throws {
        let problems = self.problems
        if !problems.isEmpty { throw MockVerificationError(problems: problems, neverConnected: !wasConnected) }
    }

    /// Forgets every script, expectation, problem and logged statement.
    public func reset() {
        withEngine { $0.removeAll() }
        log.clear()
    }

    // MARK: - Answering

    /// Logs and answers one statement; `firstRowOnly` for `fetchOne` (see ``MockEngine/Reply``).
    func answer(_ query: SQLQuery, connectionID: Int, depth: Int, firstRowOnly: Bool, shape: StatementShape? = nil) throws -> MockEngine.Reply {
        try core.shared.withLock { shared in
            if ownsLog {
                // One lock for deciding and logging: the log's entries are right here.
                return try shared.engine.respond(to: query, dialect: dialect, connectionID: connectionID, depth: depth, strict: isStrict,
                                                 log: &shared.log, firstRowOnly: firstRowOnly, shape: shape)
            }
            var log = self.log
            return try shared.engine.respond(to: query, dialect: dialect, connectionID: connectionID, depth: depth, strict: isStrict,
                                             log: &log, firstRowOnly: firstRowOnly, shape: shape)
        }
    }

    /// Logs `query` as refused by the schema check and remembers the problem; returns the
    /// error to throw.
    func refuse(_ query: SQLQuery, error: QueryError, connectionID: Int, depth: Int) -> QueryError {
        core.shared.withLock { shared in
            if ownsLog {
                shared.engine.refuse(query, error: error, dialect: dialect, connectionID: connectionID, depth: depth, log: &shared.log)
            } else {
                var log = self.log
                shared.engine.refuse(query, error: error, dialect: dialect, connectionID: connectionID, depth: depth, log: &log)
            }
        }
        return error
    }
}

/// The mock's script and, when the mock made its log, that log's entries, behind one mutex.
final class MockCore: StatementLogStorage {
    struct Shared: Sendable {
        var engine = MockEngine()
        var log = StatementLog.State()
    }

    let shared = Mutex(Shared())

    func withState<R>(_ body: (inout StatementLog.State) throws -> R) rethrows -> R {
        try shared.withLock { try body(&$0.log) }
    }
}
