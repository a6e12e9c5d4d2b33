#if GRDB
import Foundation
import GRDB
import SQLTestKit
import SQLTestKitSQLite
import Synchronization

extension Configuration {
    /// Records every statement of every connection opened with this configuration into `log`
    /// (a `DatabasePool`'s readers included).
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
    /// arguments (read back from the SQL with its arguments written in), the connection and
    /// the transaction depth.
    ///
    /// The recording is SQLite's statement trace on GRDB's connection, set directly
    /// (`sqlite3_trace_v2`): GRDB's own `trace(options:)` builds both texts of every statement
    /// through Foundation's trimming, which cost more than all of the recording. So it replaces
    /// any trace set with GRDB's `trace(options:)`, and a later `trace(options:)` replaces it.
    ///
    /// ```swift
    /// try await queue.writeWithoutTransaction { db in db.recordStatements(into: log) }
    /// ```
    public func recordStatements(into log: StatementLog) {
        guard let handle = sqliteConnection else { return }
        // The recorder lives until SQLite reports that the connection closed.
        let context = Unmanaged.passRetained(GRDBStatementRecorder(log: log)).toOpaque()
        sqlite3_trace_v2(handle, UInt32(SQLITE_TRACE_STMT | SQLITE_TRACE_CLOSE), { mask, context, statement, _ in
            guard let context else { return 0 }
            let recorder = Unmanaged<GRDBStatementRecorder>.fromOpaque(context)
            if mask == UInt32(SQLITE_TRACE_CLOSE) {
                recorder.release()
                return 0
            }
            guard let statement else { return 0 }
            recorder.takeUnretainedValue().record(OpaquePointer(statement))
            return 0
        }, context)
    }
}

/// Turns SQLite's statement trace for one GRDB connection into ``StatementLog`` entries.
final class GRDBStatementRecorder: Sendable {
    let log: StatementLog
    let connectionID: Int

    /// What the recorder keeps between statements: the open savepoints and whether a
    /// transaction is (the depth of the next statement), and the last SQL text with what was
    /// worked out from it once (GRDB runs one text many times: an insert per record).
    private struct State {
        var inTransaction = false
        var savepoints: [String] = []
        var lastSQL = ""
        var lastPattern = SQLArgumentPattern(sql: "")
        var lastKind = StatementKind.other("")
        var lastIsGRDBs = false
    }

    private let state = Mutex(State())

    init(log: StatementLog) {
        self.log = log
        connectionID = log.newConnectionID()
    }

    /// Records a statement as it starts to run.
    func record(_ statement: OpaquePointer) {
        guard let text = sqlite3_sql(statement) else { return }
        // A trigger's program is reported as a `-- TRIGGER name` comment: not a statement of the app.
        if text[0] == 0x2D, text[1] == 0x2D { return }
        // `sqlite3_deserialize` runs this itself (a copy reset to its template): SQLite's, not the app's.
        if strcmp(text, "ATTACH x AS 'main'") == 0 { return }
        let autocommit = sqlite3_get_autocommit(sqlite3_db_handle(statement)) != 0
        guard let expandedText = sqlite3_expanded_sql(statement) else { return }
        defer { sqlite3_free(expandedText) }
        // Read where SQLite wrote it; a string is made of it only when its arguments cannot be read.
        let expanded = UnsafeBufferPointer(start: UnsafeRawPointer(expandedText).assumingMemoryBound(to: UInt8.self), count: strlen(expandedText))
        let entry: (SQLQuery, Int, StatementKind)? = state.withLock { state in
            if strcmp(text, state.lastSQL) != 0 {
                let sql = String(cString: text)
                state.lastSQL = sql
                state.lastPattern = SQLArgumentPattern(sql: sql)
                state.lastKind = StatementKind(sql: sql)
                // GRDB's own tables (`grdb_migrations`, the probe table a pool creates and drops
                // when it opens): GRDB's bookkeeping, not the app's statements.
                state.lastIsGRDBs = Self.touchesOnlyGRDBTables(sql)
            }
            if state.lastIsGRDBs { return nil }
            let query = state.lastPattern.arguments(expandedUTF8: expanded)
                .map { SQLQuery(sql: state.lastSQL, arguments: $0) } ?? SQLQuery(sql: String(decoding: expanded, as: UTF8.self))
            return (query, Self.depth(of: state.lastKind, autocommit: autocommit, state: &state), state.lastKind)
        }
        guard let (query, depth, kind) = entry else { return }
        log.record(query, dialect: .sqlite, connectionID: connectionID, transactionDepth: depth, kind: kind)
    }

    /// The depth a statement of `kind` runs at, and the bookkeeping after it. `autocommit` is
    /// SQLite's state before it runs, which corrects the bookkeeping after SQLite ended a
    /// transaction by itself.
    private static func depth(of kind: StatementKind, autocommit: Bool, state: inout State) -> Int {
        if autocommit { (state.inTransaction, state.savepoints) = (false, []) }
        let before = (state.inTransaction ? 1 : 0) + state.savepoints.count
        switch kind {
        case .transaction(.begin):
            (state.inTransaction, state.savepoints) = (true, [])
            return 1
        case .transaction(.savepoint(let name)):
            state.savepoints.append(name.lowercased())
            return before + 1
        case .transaction(.release(let name)):
            if let index = state.savepoints.lastIndex(of: name.lowercased()) { state.savepoints.removeSubrange(index...) }
            return before
        case .transaction(.commit), .transaction(.rollback):
            (state.inTransaction, state.savepoints) = (false, [])
            return before
        default:
            return before
        }
    }

    static func touchesOnlyGRDBTables(_ sql: String) -> Bool {
        let tables = SQLTokenizer.tableReferences(in: sql)
        return !tables.isEmpty && tables.allSatisfy { $0.name.lowercased().hasPrefix("grdb_") }
    }
}
#endif
