import GRDB
import SQLTestKit
import SQLTestKitSQLite
import Synchronization

extension Configuration {
    /// Records every statement of every connection opened with this configuration into `log`
    /// (a `DatabasePool`'s readers included), through GRDB's trace.
    ///
    /// ```swift
    /// let log = StatementLog()
    /// var configuration = Configuration()
    /// configuration.recordStatements(into: log)
    /// let pool = try DatabasePool(path: path, configuration: configuration)
    /// ```
    public mutating func recordStatements(into log: StatementLog) {
        prepareDatabase { db in db.recordStatements(into: log) }
    }
}

extension Database {
    /// Records every statement this connection runs from now on into `log`: its SQL, its
    /// arguments (read back from the expanded SQL GRDB's trace gives), the connection and the
    /// transaction depth. Replaces any trace set on the connection before.
    ///
    /// ```swift
    /// try await queue.writeWithoutTransaction { db in db.recordStatements(into: log) }
    /// ```
    public func recordStatements(into log: StatementLog) {
        let recorder = GRDBStatementRecorder(log: log)
        let handle = sqliteConnection
        trace(options: .statement) { event in
            guard case .statement(let statement) = event else { return }
            recorder.record(sql: statement.sql, expanded: statement.expandedSQL,
                            autocommit: handle.map { sqlite3_get_autocommit($0) != 0 } ?? true)
        }
    }
}

/// Turns GRDB's trace events for one connection into ``StatementLog`` entries.
final class GRDBStatementRecorder: Sendable {
    let log: StatementLog
    let connectionID: Int
    /// The names of the savepoints open, and whether a transaction is: the depth of the next statement.
    private let levels = Mutex<(inTransaction: Bool, savepoints: [String])>((false, []))
    /// The last SQL text recorded and its significant tokens.
    private let lastPattern = Mutex<(sql: String, tokens: [SQLToken])>(("", []))

    init(log: StatementLog) {
        self.log = log
        connectionID = log.newConnectionID()
    }

    /// Records one statement as it starts. `autocommit` is SQLite's state before it runs,
    /// which corrects the bookkeeping after SQLite ended a transaction by itself.
    func record(sql: String, expanded: String, autocommit: Bool) {
        // A trigger's program is reported as a `-- TRIGGER name` comment: not a statement of the app.
        if sql.hasPrefix("--") { return }
        // GRDB's own tables (`grdb_migrations`, the probe table a pool creates and drops when
        // it opens): GRDB's bookkeeping, not the app's statements.
        if sql.contains("grdb_"), Self.touchesOnlyGRDBTables(sql) { return }
        // GRDB runs one SQL text many times (an insert per record): tokenized once.
        let pattern = lastPattern.withLock { last in
            if last.sql != sql { last = (sql, SQLTokenizer.tokenize(sql).filter(\.isSignificant)) }
            return last.tokens
        }
        let query = SQLTokenizer.arguments(ofPattern: pattern, expandedAs: expanded).map { SQLQuery(sql: sql, arguments: $0) }
            ?? SQLQuery(sql: expanded)
        let depth = levels.withLock { levels in
            if autocommit { levels = (false, []) }
            let before = (levels.inTransaction ? 1 : 0) + levels.savepoints.count
            switch StatementKind(sql: sql) {
            case .transaction(.begin):
                levels = (true, [])
                return 1
            case .transaction(.savepoint(let name)):
                levels.savepoints.append(name.lowercased())
                return before + 1
            case .transaction(.release(let name)):
                if let index = levels.savepoints.lastIndex(of: name.lowercased()) { levels.savepoints.removeSubrange(index...) }
                return before
            case .transaction(.commit), .transaction(.rollback):
                levels = (false, [])
                return before
            default:
                return before
            }
        }
        log.record(query, dialect: .sqlite, connectionID: connectionID, transactionDepth: depth)
    }

    static func touchesOnlyGRDBTables(_ sql: String) -> Bool {
        let tables = SQLTokenizer.tableReferences(in: sql)
        return !tables.isEmpty && tables.allSatisfy { $0.name.lowercased().hasPrefix("grdb_") }
    }
}
