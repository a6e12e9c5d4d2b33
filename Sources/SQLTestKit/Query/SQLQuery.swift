/// SQL text and the arguments bound to its `?` placeholders.
///
/// Build queries by string interpolation: every interpolated value becomes a bound argument,
/// never text, so a query is injection-safe by construction.
///
/// ```swift
/// let id = 42
/// let query: SQLQuery = "SELECT id, title FROM book WHERE author_id = \(id) AND title LIKE \("%Swift%")"
/// query.sql           // "SELECT id, title FROM book WHERE author_id = ? AND title LIKE ?"
/// query.arguments     // [.integer(42), .text("%Swift%")]
/// query.expandedSQL   // "SELECT id, title FROM book WHERE author_id = 42 AND title LIKE '%Swift%'"
/// ```
///
/// The other interpolations are labelled so none can slip a value into the text:
/// `\(identifier: name)` quotes a table or column name for the dialect, `\(list: ids)` binds
/// one argument per element (`?, ?, ?`), and `\(sql: fragment)` splices another `SQLQuery`
/// with its arguments.
public struct SQLQuery: Sendable, Hashable {
    /// The SQL text in SQLite form: `?` placeholders, identifiers in double quotes.
    /// ``sql(for:)`` renders it for another dialect.
    public private(set) var sql: String
    /// The values bound to the placeholders, in order.
    public private(set) var arguments: [SQLValue]
    /// UTF-8 ranges of identifiers quoted by `\(identifier:)`, quotes included, so a dialect
    /// with other quote characters can requote exactly those and nothing the author wrote.
    @usableFromInline var identifierSpans: [Range<Int>]

    @usableFromInline
    init(sql: String, arguments: [SQLValue], identifierSpans: [Range<Int>]) {
        self.sql = sql
        self.arguments = arguments
        self.identifierSpans = identifierSpans
    }

    /// A query from SQL text the caller wrote and its arguments, bound in order to the
    /// placeholders in `sql` (any style SQLite understands: `?`, `?NNN`, `:name`, `$name`).
    ///
    /// Nothing is escaped: only pass text you wrote, never user input.
    ///
    /// ```swift
    /// let query = SQLQuery(sql: "SELECT * FROM book WHERE id = ?", arguments: [7])
    /// ```
    public init(sql: String, arguments: [SQLValue] = []) {
        self.sql = sql
        self.arguments = arguments
        self.identifierSpans = []
    }

    /// Appends another query's text and arguments.
    ///
    /// ```swift
    /// var query: SQLQuery = "SELECT * FROM book WHERE 1"
    /// query.append(" AND year > \(2000)")
    /// ```
    public mutating func append(_ other: SQLQuery) {
        let shift = sql.utf8.count
        sql += other.sql
        arguments += other.arguments
        identifierSpans += other.identifierSpans.map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
    }

    /// This query followed by `other`.
    public static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        var result = lhs
        result.append(rhs)
        return result
    }
}

extension SQLQuery: CustomStringConvertible {
    /// The expanded SQL, for logs and failure messages.
    public var description: String { expandedSQL }
}
