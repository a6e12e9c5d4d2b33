/// One statement as a connection ran it, in the form tests assert on.
///
/// ```swift
/// let entry = mock.log.statements.last!
/// entry.sql            // "SELECT * FROM book WHERE id = $1"   (the dialect's own form)
/// entry.arguments      // [.integer(7)]
/// entry.expandedSQL    // "SELECT * FROM book WHERE id = 7"
/// entry.kind           // .select
/// ```
public struct LoggedStatement: Sendable, Hashable {
    /// Position in the log, from 1.
    public var sequence: Int
    /// The query as the code under test sent it.
    public var query: SQLQuery
    /// The dialect it was rendered for.
    public var dialect: DatabaseDialect
    /// Which connection ran it (numbered from 1 per driver or log).
    public var connectionID: Int
    /// How many transactions and savepoints were open on the connection when it ran (a
    /// `BEGIN` or `SAVEPOINT` counts the level it opens): the deeper of what the connection's
    /// transaction bookkeeping says and what the statements logged for it have opened.
    public var transactionDepth: Int
    /// What the statement does (classified once, when it is logged).
    public var kind: StatementKind

    /// An entry for `query` as run on a connection of `dialect`, its kind read from its text.
    public init(sequence: Int, query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int) {
        self.init(sequence: sequence, query: query, dialect: dialect, connectionID: connectionID, transactionDepth: transactionDepth,
                  kind: StatementKind(sql: query.sql, dialect: dialect))
    }

    /// An entry whose kind is already known (the mock takes it from the script that matched).
    init(sequence: Int, query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, transactionDepth: Int, kind: StatementKind) {
        self.sequence = sequence
        self.query = query
        self.dialect = dialect
        self.connectionID = connectionID
        self.transactionDepth = transactionDepth
        self.kind = kind
    }

    /// The SQL text in the dialect's form, placeholders unexpanded.
    public var sql: String { query.sql(for: dialect) }
    /// The bound arguments, typed.
    public var arguments: [SQLValue] { query.arguments }
    /// The SQL with its arguments written in as literals of the dialect.
    public var expandedSQL: String { query.expandedSQL(for: dialect) }
    /// The statement with its values replaced by `?` (see ``SQLTokenizer/shape(_:)``).
    public var shape: String { SQLTokenizer.shape(query.sql) }

    /// Whether it is framework noise rather than data access: transaction control, a setting
    /// (`PRAGMA`, `SET`, `SHOW`), or a read of the database's catalog
    /// (``SQLTokenizer/readsOnlyCatalog(_:)``: what ORMs read to learn the schema).
    public var isNoise: Bool {
        switch kind {
        case .transaction, .setting: true
        case .select: SQLTokenizer.readsOnlyCatalog(query.sql)
        default: false
        }
    }
}

extension LoggedStatement: CustomStringConvertible {
    /// `#3 [connection 1, depth 1] INSERT INTO book(title) VALUES ('Dune')`
    public var description: String {
        "#\(sequence) [connection \(connectionID), depth \(transactionDepth)] \(expandedSQL)"
    }
}

/// Which logged statements a query of the log considers.
public enum StatementFilter: Sendable, Hashable {
    /// Every statement.
    case all
    /// Every statement but `BEGIN`/`COMMIT`/`ROLLBACK`/`SAVEPOINT`/`RELEASE`.
    case excludingTransactionControl
    /// Every statement but transaction control, settings (`PRAGMA`, `SET`, `SHOW`) and reads
    /// of the catalog (`sqlite_schema`, `information_schema`).
    case excludingNoise
    /// Every statement but settings and reads of the catalog: transaction control stays, so a
    /// snapshot of code that runs in a transaction shows its `BEGIN` and `COMMIT`.
    case excludingSettingsAndCatalogReads

    /// Whether the filter keeps `statement`.
    public func includes(_ statement: LoggedStatement) -> Bool {
        switch self {
        case .all: true
        case .excludingTransactionControl: !statement.kind.isTransactionControl
        case .excludingNoise: !statement.isNoise
        case .excludingSettingsAndCatalogReads: !statement.isNoise || statement.kind.isTransactionControl
        }
    }
}
