import Synchronization

/// The transaction bookkeeping of one connection: which transactions and savepoints are open,
/// who opened them, whether a test transaction is in force, and the after-commit callbacks.
///
/// Drivers create one per connection (`TransactionState()`) and return it from
/// ``DatabaseConnection/transactionState``; ``DatabaseConnection/transaction(_:)``,
/// ``DatabaseConnection/testTransaction(_:)`` and ``DatabaseConnection/execute(_:)`` use it.
/// It is thread-safe.
public final class TransactionState: Sendable {
    /// Who opened a level.
    enum Origin: Sendable, Equatable {
        /// A test transaction: never committed.
        case test
        /// `transaction { }`.
        case code
        /// A raw `BEGIN` sent by the code under test inside a test transaction.
        case raw
        /// A raw `SAVEPOINT name` sent by the code under test inside a test transaction.
        case rawSavepoint
    }

    struct Level: Sendable {
        var origin: Origin
        /// `nil` for a real `BEGIN … COMMIT`, otherwise the savepoint's name (SQLTestKit's own,
        /// or the code's for ``Origin/rawSavepoint``).
        var savepoint: String?
        var afterCommit: [@Sendable () async -> Void] = []
    }

    struct State: Sendable {
        var levels: [Level] = []
        var counter = 0
        var brokenReason: String?

        var testLevel: Int? { levels.firstIndex { $0.origin == .test } }

        mutating func nextSavepointName(_ prefix: String) -> String {
            counter += 1
            return "sqltestkit_\(prefix)_\(counter)"
        }
    }

    /// What ``DatabaseConnection/execute(_:)`` should do with a statement.
    enum Interception {
        /// Run it as it is.
        case run
        /// Run these statements instead, then these callbacks; if running them fails, put the
        /// levels back as they were (`previousLevels`), since the database did not change either.
        case rewrite([SQLQuery], callbacks: [@Sendable () async -> Void], previousLevels: [Level])
    }

    private let state = Mutex(State())
    /// Whether `execute` must look at a statement: a test transaction is open or the connection
    /// is broken. Read without the lock, so the common case costs one atomic load.
    private let needsInterception = Atomic<Bool>(false)
    /// The number of open levels, readable without the lock (every logged statement reads it).
    private let openLevels = Atomic<Int>(0)

    /// Bookkeeping with nothing open.
    public init() {}

    /// Reads or changes the state under the lock, keeping ``needsInterception`` in step.
    func withState<R>(_ body: (inout State) throws -> R) rethrows -> R {
        try state.withLock { state in
            let result = try body(&state)
            needsInterception.store(state.testLevel != nil || state.brokenReason != nil, ordering: .releasing)
            openLevels.store(state.levels.count, ordering: .releasing)
            return result
        }
    }

    /// Whether ``DatabaseConnection/execute(_:)`` runs any statement as it is: no test
    /// transaction is open and the connection is not broken. One atomic load.
    var runsStatementsUnchanged: Bool { !needsInterception.load(ordering: .acquiring) }

    /// How many transactions and savepoints SQLTestKit has open on this connection.
    public var depth: Int { openLevels.load(ordering: .acquiring) }

    /// Whether a test transaction is in force: nothing on the connection will be committed.
    public var isInTestTransaction: Bool { state.withLock { $0.testLevel != nil } }

    /// Whether a test transaction is open with nothing the code opened above it: where,
    /// outside a test, the code's statements would run on their own (autocommit). A driver
    /// whose database aborts a transaction on the first failed statement (PostgreSQL) keeps
    /// such statements independent there, as they are in production.
    package var isAtTestTransactionTop: Bool {
        // Outside a test transaction (most statements) this is one atomic read, no lock.
        guard !runsStatementsUnchanged else { return false }
        return state.withLock { $0.levels.last?.origin == .test }
    }

    /// Puts the levels back as they were before an interception whose statements failed.
    func restore(_ levels: [Level]) {
        withState { $0.levels = levels }
    }

    /// Marks the connection unusable; every later statement throws with `reason`.
    package func markBroken(_ reason: String) {
        withState { $0.brokenReason = reason }
    }

    /// Decides what `execute` does with `query`, read by the lexical rules of `dialect` (the
    /// connection's: where a comment ends decides whether a statement is a `COMMIT`). Outside
    /// a test transaction this is one atomic load; inside one, transaction control is turned
    /// into savepoint operations.
    func intercept(_ query: SQLQuery, dialect: DatabaseDialect) throws -> Interception {
        guard !runsStatementsUnchanged else { return .run }
        let (broken, inTest) = state.withLock { ($0.brokenReason, $0.testLevel != nil) }
        if let broken {
            throw QueryError(code: .misuse, message: "this connection cannot be used any more: \(broken)",
                             sql: query.sql, arguments: query.arguments,
                             suggestion: "close it and open a new connection")
        }
        guard inTest else { return .run }
        return try interceptInTestTransaction(query, dialect: dialect)
    }

    private func interceptInTestTransaction(_ query: SQLQuery, dialect: DatabaseDialect) throws -> Interception {
        // Most statements are decided by their first word; only settings need all their tokens.
        let kind = StatementKind(sql: query.sql, dialect: dialect)
        func refuse(_ message: String, _ suggestion: String) -> QueryError {
            QueryError(code: .error, message: message, sql: query.sql, arguments: query.arguments, suggestion: suggestion)
        }
        switch kind {
        case .transaction(.begin):
            return withState { state in
                let previous = state.levels
                let name = state.nextSavepointName("begin")
                state.levels.append(Level(origin: .raw, savepoint: name))
                return .rewrite([SQLQuery(sql: "SAVEPOINT \(name)")], callbacks: [], previousLevels: previous)
            }
        case .transaction(.commit), .transaction(.rollback):
            let isCommit = kind == .transaction(.commit)
            return try withState { state in
                // The code's BEGIN, with nothing above it but savepoints the code opened after it
                // (which COMMIT and ROLLBACK end too).
                guard let index = state.levels.lastIndex(where: { $0.origin != .rawSavepoint }),
                      state.levels[index].origin == .raw, let name = state.levels[index].savepoint else {
                    let verb = isCommit ? "commit" : "rollback"
                    throw refuse(
                        "cannot \(verb) - no transaction is active",
                        "inside a test transaction, \(verb.uppercased()) must close a BEGIN sent on this connection; the test transaction itself ends when the test does")
                }
                let previous = state.levels
                let closed = state.levels[index...]
                state.levels.removeSubrange(index...)
                if isCommit {
                    let callbacks = state.finish(Level(origin: .raw, savepoint: name, afterCommit: closed.flatMap(\.afterCommit)))
                    return .rewrite([SQLQuery(sql: "RELEASE \(name)")], callbacks: callbacks, previousLevels: previous)
                }
                return .rewrite([SQLQuery(sql: "ROLLBACK TO \(name)"), SQLQuery(sql: "RELEASE \(name)")], callbacks: [], previousLevels: previous)
            }
        case .transaction(.savepoint(let name)):
            return withState { state in
                let previous = state.levels
                state.levels.append(Level(origin: .rawSavepoint, savepoint: name))
                return .rewrite([query], callbacks: [], previousLevels: previous)
            }
        case .transaction(.release(let name)), .transaction(.rollbackToSavepoint(let name)):
            let isRelease = kind == .transaction(.release(name))
            return try withState { state in
                // Only a savepoint the code opened inside the test, with nothing of SQLTestKit's
                // above it: SQLite would otherwise release (or roll back) past the test's levels.
                let lowered = name.asciiLowercased
                guard let index = state.levels.lastIndex(where: { $0.origin != .rawSavepoint && $0.origin != .raw || $0.savepoint?.asciiLowercased == lowered }),
                      state.levels[index].origin == .rawSavepoint else {
                    let verb = isRelease ? "RELEASE" : "ROLLBACK TO"
                    throw refuse(
                        "\(verb) \(name) names no savepoint that the code under test opened inside this test transaction",
                        "inside a test transaction, \(verb) may only name a savepoint opened on this connection since the test began (after any transaction { } still open); SQLite would otherwise reach past the levels that keep the test isolated")
                }
                let previous = state.levels
                if isRelease {
                    let released = state.levels[index...]
                    state.levels.removeSubrange(index...)
                    let callbacks = state.finish(Level(origin: .rawSavepoint, savepoint: name, afterCommit: released.flatMap(\.afterCommit)))
                    return .rewrite([query], callbacks: callbacks, previousLevels: previous)
                }
                state.levels.removeSubrange((index + 1)...)
                state.levels[index].afterCommit = []
                return .rewrite([query], callbacks: [], previousLevels: previous)
            }
        case .transaction(let control) where control.isTwoPhaseCommit:
            throw refuse("\(control.sqlDescription) is refused inside a test transaction",
                         Self.twoPhaseCommitSuggestion)
        case .other("VACUUM"):
            throw refuse("cannot VACUUM from within a transaction",
                         "VACUUM cannot run inside the test transaction that isolates this test; run it on a connection without one")
        case .other("ATTACH"), .other("DETACH"):
            throw refuse("cannot \(kind == .other("ATTACH") ? "ATTACH" : "DETACH") database within transaction",
                         "attach databases before the test transaction begins (for example when the connection is opened)")
        case .setting where Self.isIgnoredInsideTransaction(SQLTokenizer.leadingTokens(query.sql, limit: 3)):
            throw refuse("this PRAGMA has no effect inside a transaction, and a test transaction is open",
                         "set foreign_keys and journal_mode when the connection is opened, before the test transaction begins")
        default:
            return .run
        }
    }

    /// Why two-phase commit cannot run in a test, and what to do instead.
    package static let twoPhaseCommitSuggestion = """
        PREPARE TRANSACTION would end the test transaction and leave it prepared, holding its locks \
        after the test (the next test blocks on them), and what ran after it would be committed; \
        COMMIT PREPARED and ROLLBACK PREPARED act on transactions outside this test. Test two-phase \
        commit in PostgresTemplate's database mode, on a database of the test's own, and end every \
        prepared transaction before the test ends
        """

    /// `PRAGMA foreign_keys = …` is silently ignored inside a transaction and
    /// `PRAGMA journal_mode = …` cannot change there; refusing them beats losing them.
    private static func isIgnoredInsideTransaction(_ words: [SQLToken]) -> Bool {
        guard words.count >= 3, words[0].keyword == "PRAGMA",
              let name = words[1].keyword, name == "FOREIGN_KEYS" || name == "JOURNAL_MODE"
        else { return false }
        return words[2].text == "=" || words[2].text == "("
    }
}

extension TransactionState.State {
    /// Hands a committed level's callbacks to the level below, or returns them to run now when
    /// the commit is one the code under test would see as final: the outermost transaction,
    /// or the outermost one inside a test transaction.
    mutating func finish(_ level: TransactionState.Level) -> [@Sendable () async -> Void] {
        if let below = levels.indices.last, levels[below].origin != .test {
            levels[below].afterCommit += level.afterCommit
            return []
        }
        return level.afterCommit
    }
}
