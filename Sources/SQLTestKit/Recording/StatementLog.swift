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
    struct State: Sendable {
        /// The statements in fixed-size chunks: a long log grows without copying what it
        /// already holds (one large array would move every entry each time it doubles).
        var chunks: [[LoggedStatement]] = []
        var count = 0
        var taken = 0
        var nextConnectionID = 1
        /// The transactions and savepoints each connection's logged statements have opened
        /// and not yet closed (`nil` for a `BEGIN`), by connection: what the log knows of the
        /// depth even when the connection's own bookkeeping does not see it (a routed
        /// connection forwarding `BEGIN`, raw transaction control from the code under test).
        /// Connections with nothing open have no entry.
        var openLevels: [Int: [String?]] = [:]

        static let chunkSize = 4096

        /// Sets `entry`'s depth to the deeper of the depth it was recorded with and the levels
        /// its connection's logged statements hold open, counting the entry itself.
        mutating func settleDepth(of entry: inout LoggedStatement) {
            if case .transaction(let control) = entry.kind {
                var levels = openLevels[entry.connectionID] ?? []
                switch control {
                case .begin:
                    if levels.isEmpty { levels.append(nil) }
                case .savepoint(let name):
                    levels.append(name.asciiLowercased)
                case .release(let name):
                    if let index = levels.lastIndex(of: name.asciiLowercased) { levels.removeSubrange(index...) }
                case .rollbackToSavepoint(let name):
                    if let index = levels.lastIndex(of: name.asciiLowercased) { levels.removeSubrange((index + 1)...) }
                case .commit, .rollback, .prepare:
                    levels.removeAll()
                case .commitPrepared, .rollbackPrepared:
                    break
                }
                openLevels[entry.connectionID] = levels.isEmpty ? nil : levels
                entry.transactionDepth = max(entry.transactionDepth, levels.count)
            } else if !openLevels.isEmpty, let levels = openLevels[entry.connectionID] {
                entry.transactionDepth = max(entry.transactionDepth, levels.count)
            }
        }

        mutating func append(_ entry: consuming LoggedStatement) {
            if chunks.isEmpty {
                // The first chunk grows as an array does (most tests log a few statements);
                // later ones are allocated whole.
                chunks.append([])
            } else if chunks[chunks.count - 1].count == State.chunkSize {
                var chunk: [LoggedStatement] = []
                chunk.reserveCapacity(State.chunkSize)
                chunks.append(chunk)
            }
            chunks[chunks.count - 1].append(entry)
            count += 1
        }

        subscript(position: Int) -> LoggedStatement {
            chunks[position / State.chunkSize][position % State.chunkSize]
        }

        /// The statements from `start` on, oldest first.
        func statements(from start: Int) -> [LoggedStatement] {
            var result: [LoggedStatement] = []
            result.reserveCapacity(count - start)
            var position = start
            while position < count {
                let chunk = chunks[position / State.chunkSize]
                let offset = position % State.chunkSize
                result += chunk[offset...]
                position += chunk.count - offset
            }
            return result
        }
    }

    /// Where the entries live, behind which lock: a log's own mutex, or the mock's, when the
    /// mock made the log (it then logs and answers a statement under one lock, not two).
    private let storage: any StatementLogStorage

    /// An empty log.
    public init() {
        storage = LockedStatementLogState()
    }

    /// A log whose entries `storage` keeps.
    init(storage: any StatementLogStorage) {
        self.storage = storage
    }

    /// Appends a statement and returns its entry.
    @discardableResult
    public func record(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int) -> LoggedStatement {
        // Classify outside the lock; only numbering and appending need it.
        let entry = LoggedStatement(sequence: 0, query: query, dialect: dialect, connectionID: connectionID, transactionDepth: transactionDepth)
        return storage.withState { $0.append(numbering: entry) }
    }

    /// Appends a statement whose kind the caller already knows (a recorder that classified its
    /// text once for many runs), without classifying it again or handing back a copy.
    public func record(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int, kind: StatementKind) {
        append(query, dialect: dialect, connectionID: connectionID, transactionDepth: transactionDepth, kind: kind)
    }

    /// Appends a statement whose kind is known, without handing back a copy of the entry.
    func append(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int, kind: StatementKind) {
        storage.withState { $0.append(query, dialect: dialect, connectionID: connectionID, transactionDepth: transactionDepth, kind: kind) }
    }

    /// A new connection number for a connection that writes to this log.
    public func newConnectionID() -> Int {
        storage.withState { state in
            defer { state.nextConnectionID += 1 }
            return state.nextConnectionID
        }
    }

    /// Every statement logged, oldest first (taking does not remove anything from here).
    public var statements: [LoggedStatement] { storage.withState { $0.statements(from: 0) } }

    /// The statements `filter` keeps, oldest first.
    public func statements(_ filter: StatementFilter) -> [LoggedStatement] {
        statements.filter(filter.includes)
    }

    /// The oldest statement not yet taken that `filter` keeps, expanded; `nil` when there is
    /// none. Statements the filter skips are taken too.
    public func takeSQL(_ filter: StatementFilter = .all) -> String? {
        storage.withState { state in
            while state.taken < state.count {
                let entry = state[state.taken]
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
        storage.withState { state in
            let untaken = state.statements(from: state.taken)
            state.taken = state.count
            return untaken.filter(filter.includes)
        }
    }

    /// Forgets every statement.
    public func clear() {
        storage.withState { state in
            state.chunks.removeAll()
            state.count = 0
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

/// The entries of a ``StatementLog`` and the lock that guards them.
protocol StatementLogStorage: AnyObject, Sendable {
    /// Runs `body` with the entries, under the lock.
    func withState<R>(_ body: (inout StatementLog.State) throws -> R) rethrows -> R
}

/// A log's own entries behind its own mutex: every log but a mock's own.
final class LockedStatementLogState: StatementLogStorage {
    private let state = Mutex(StatementLog.State())

    func withState<R>(_ body: (inout StatementLog.State) throws -> R) rethrows -> R {
        try state.withLock { try body(&$0) }
    }
}

/// Somewhere the mock's engine writes the statements it answers: a ``StatementLog`` (which
/// takes its own lock) or, for a log the mock made, that log's entries, which the mock already
/// holds under its own lock.
protocol StatementSink {
    /// Appends a statement whose kind is known.
    mutating func append(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int, kind: StatementKind)
    /// Appends a statement and returns its entry.
    mutating func record(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int) -> LoggedStatement
}

extension StatementLog: StatementSink {}

extension StatementLog.State: StatementSink {
    mutating func append(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int, kind: StatementKind) {
        var entry = LoggedStatement(sequence: count + 1, query: query, dialect: dialect, connectionID: connectionID,
                                    transactionDepth: transactionDepth, kind: kind)
        settleDepth(of: &entry)
        append(entry)
    }

    mutating func record(_ query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int) -> LoggedStatement {
        append(numbering: LoggedStatement(sequence: 0, query: query, dialect: dialect, connectionID: connectionID, transactionDepth: transactionDepth))
    }

    /// Gives `entry` the next sequence number, appends it and returns it.
    mutating func append(numbering entry: LoggedStatement) -> LoggedStatement {
        var entry = entry
        entry.sequence = count + 1
        settleDepth(of: &entry)
        append(entry)
        return entry
    }
}
