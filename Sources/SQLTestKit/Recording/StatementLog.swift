import Synchronization

/// An ordered, thread-safe record of statements, shared by the connections that write to it
/// (the mock's, or recording wrappers around real ones).
///
/// ``takeSQL(_:)`` and ``takeSQLs(_:)`` hand back expanded SQL and consume it, so a test can
/// assert on "what ran since I last looked"; ``statements`` keeps everything.
///
/// ```swift
/// try await repository.rename(book: 1, to: "Dune")
/// #expect(log.takeSQLs(.excludingNoise) == ["UPDATE book SET title = 'Dune' WHERE id = 1"])
/// ```
public final class StatementLog: Sendable {
    private struct State {
        var statements: [LoggedStatement] = []
        var taken = 0
        var nextConnectionID = 1
    }

    private let state = Mutex(State())

    public init() {}

    /// Appends a statement and returns its entry.
    @discardableResult
    public func record(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int) -> LoggedStatement {
        // Classify outside the lock; only numbering and appending need it.
        var entry = LoggedStatement(sequence: 0, query: query, dialect: dialect, connectionID: connectionID, transactionDepth: transactionDepth)
        return state.withLock { state in
            entry.sequence = state.statements.count + 1
            state.statements.append(entry)
            return entry
        }
    }

    /// A new connection number for a connection that writes to this log.
    public func newConnectionID() -> Int {
        state.withLock { state in
            defer { state.nextConnectionID += 1 }
            return state.nextConnectionID
        }
    }

    /// Every statement logged, oldest first (taking does not remove anything from here).
    public var statements: [LoggedStatement] { state.withLock { $0.statements } }

    /// The statements `filter` keeps, oldest first.
    public func statements(_ filter: StatementFilter) -> [LoggedStatement] {
        statements.filter(filter.includes)
    }

    /// The oldest statement not yet taken that `filter` keeps, expanded; `nil` when there is
    /// none. Statements the filter skips are taken too.
    public func takeSQL(_ filter: StatementFilter = .all) -> String? {
        state.withLock { state in
            while state.taken < state.statements.count {
                let entry = state.statements[state.taken]
                state.taken += 1
                if filter.includes(entry) { return entry.expandedSQL }
            }
            return nil
        }
    }

    /// Every statement not yet taken that `filter` keeps, expanded, oldest first; all of them
    /// are taken.
    public func takeSQLs(_ filter: StatementFilter = .all) -> [String] {
        takeStatements(filter).map(\.expandedSQL)
    }

    /// Every statement not yet taken that `filter` keeps, oldest first; all are taken.
    public func takeStatements(_ filter: StatementFilter = .all) -> [LoggedStatement] {
        state.withLock { state in
            let untaken = state.statements[state.taken...]
            state.taken = state.statements.count
            return untaken.filter(filter.includes)
        }
    }

    /// Forgets every statement.
    public func clear() {
        state.withLock { state in
            state.statements.removeAll()
            state.taken = 0
        }
    }

    /// Statements grouped by shape (values stripped), most frequent first, ties in order of
    /// first appearance: the quick way to spot an N+1 pattern.
    ///
    /// ```swift
    /// log.shapes(.excludingNoise).first   // (shape: "SELECT * FROM author WHERE id = ?", count: 20)
    /// ```
    public func shapes(_ filter: StatementFilter = .excludingNoise) -> [(shape: String, count: Int)] {
        StatementLog.shapes(of: statements(filter))
    }

    /// `statements` grouped by shape, most frequent first, ties in order of first appearance.
    public static func shapes(of statements: [LoggedStatement]) -> [(shape: String, count: Int)] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for entry in statements {
            let shape = entry.shape
            if counts[shape] == nil { order.append(shape) }
            counts[shape, default: 0] += 1
        }
        return order.enumerated()
            .sorted { counts[$0.element]! != counts[$1.element]! ? counts[$0.element]! > counts[$1.element]! : $0.offset < $1.offset }
            .map { ($0.element, counts[$0.element]!) }
    }
}
