/// Every statement a test sent to a real database, with its arguments and the database's
/// answer, in the order sent: recorded once, then replayed by a ``MockDriver`` with no
/// database at all (``MockDriver/init(replaying:order:capability:log:)``).
///
/// ```swift
/// let recorder = CassetteRecordingDriver(wrapping: SQLiteDriver.inMemory())
/// try await runTheCode(on: recorder)
/// try recorder.cassette.write(to: "Tests/__SQLCassettes__/BookTests/lists.cassette")
/// // later, and on a machine with no database:
/// let mock = MockDriver(replaying: try Cassette(contentsOf: "Tests/__SQLCassettes__/BookTests/lists.cassette"))
/// try await runTheCode(on: mock)
/// ```
///
/// The file is text made for review: one block per statement, its SQL as sent, then its
/// arguments and its rows (each value with its storage class: `5`, `5.0`, `"five"`,
/// `x'05'`, `NULL`), or its error. It holds nothing that changes from one recording to the
/// next, so re-recording an unchanged test leaves it byte for byte the same.
public struct Cassette: Sendable, Hashable {
    /// One statement and how the database answered it.
    public struct Entry: Sendable, Hashable {
        /// The SQL as the database received it (placeholders in the dialect's style).
        public var sql: String
        /// The arguments bound to it.
        public var arguments: [SQLValue]
        /// The database's answer.
        public var outcome: Outcome

        /// A statement and its answer.
        public init(sql: String, arguments: [SQLValue], outcome: Outcome) {
            self.sql = sql
            self.arguments = arguments
            self.outcome = outcome
        }
    }

    /// Whether a replay expects the statements in the order they were recorded.
    public enum ReplayOrder: Sendable, Hashable {
        /// In the recorded order (the default): a statement sent earlier or later than
        /// recorded fails, as a changed query does.
        case recorded
        /// In any order, each recorded statement answering once: for code whose concurrent
        /// tasks interleave their statements differently on each run.
        case any
    }

    /// How the database answered a statement.
    public enum Outcome: Sendable, Hashable {
        /// Rows (their column names, then each row's values), rows affected and the last
        /// insert id the driver reported.
        case result(columns: [String], rows: [[SQLValue]], rowsAffected: Int, lastInsertID: Int64?)
        /// An error, as the driver threw it (its statement and arguments are the entry's).
        case error(QueryError)

        /// The outcome of a result.
        public init(_ result: QueryResult) {
            let columns = result.rows.first?.columnNames ?? []
            self = .result(columns: columns, rows: result.rows.map(\.values), rowsAffected: result.rowsAffected, lastInsertID: result.lastInsertID)
        }
    }

    /// What the database it was recorded on can do, which the replaying mock reports: its
    /// dialect, and the statement that begins its transactions (`BEGIN IMMEDIATE` on SQLite
    /// connections), so code sends on the mock what it sent on the database.
    public var capability: DriverCapability
    /// The dialect of the database it was recorded on.
    public var dialect: DatabaseDialect { capability.dialect }
    /// The statements, in the order they were sent.
    public var entries: [Entry]
    /// Where the cassette was read from, for messages; `nil` when made in memory.
    public var path: String?
    /// The line each entry starts on in the file it was read from (empty when not read).
    var lines: [Int] = []

    /// A cassette of `entries` recorded on a database of `dialect` that can do what the
    /// dialect usually can.
    public init(dialect: DatabaseDialect, entries: [Entry] = [], path: String? = nil) {
        self.init(capability: .default(for: dialect), entries: entries, path: path)
    }

    /// A cassette of `entries` recorded on a database with `capability`.
    public init(capability: DriverCapability, entries: [Entry] = [], path: String? = nil) {
        self.capability = capability
        self.entries = entries
        self.path = path
    }

    public static func == (lhs: Cassette, rhs: Cassette) -> Bool {
        lhs.capability == rhs.capability && lhs.entries == rhs.entries
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(capability)
        hasher.combine(entries)
    }

    /// Where entry `index` is, for messages: `file:line`, or `entry N` for a cassette in memory.
    func location(of index: Int) -> String {
        if let path, index < lines.count { return "\(path):\(lines[index])" }
        return "entry \(index + 1)"
    }
}
