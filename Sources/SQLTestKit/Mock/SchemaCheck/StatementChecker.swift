/// Prepares statements against a real database's schema without running them, so a
/// ``MockDriver`` refuses what that database would refuse.
///
/// SQLTestKit ships two: ``SQLiteStatementChecker`` (an in-memory SQLite holding the schema,
/// which a mock of `.sqlite` made with a schema uses by itself) and, with the `PostgreSQL`
/// trait, `PostgresStatementChecker` (a scratch database on the PostgreSQL test server).
///
/// ```swift
/// let mock = try MockDriver(dialect: .sqlite, schema: "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT)")
/// // or, for another database, a checker of its own:
/// let checked = MockDriver(checker: try SQLiteStatementChecker(schema: "CREATE TABLE t(x)"))
/// ```
///
/// The mock asks once per SQL text and keeps the answer. Transaction control, settings and
/// schema changes are answered without being checked (the mock's schema stays as given).
public protocol StatementChecker: Sendable {
    /// The dialect of the statements checked.
    var dialect: DatabaseDialect { get }

    /// What `query` returns when it runs, or — thrown — the ``QueryError`` the real driver
    /// throws for it, with the same ``QueryError/code`` and, where it can tell, a suggestion.
    /// ``StatementShape/unchecked(_:)`` when the checker cannot check (no server to ask).
    func shape(of query: SQLQuery) async throws -> StatementShape

    /// The error the real driver throws for `query` when it has a different number of
    /// arguments than the statement's `parameters`.
    func argumentCountError(_ query: SQLQuery, parameters: Int) -> QueryError
}

/// What a statement returns, as a schema check learns it by preparing the statement.
public struct StatementShape: Sendable, Hashable {
    /// One column the statement returns.
    public struct Column: Sendable, Hashable {
        /// The column's name as the database reports it.
        public var name: String
        /// The column's declared type, when it reads a table column (`INTEGER`, `text`).
        public var declaredType: String?
        /// The storage classes (``SQLValue/storageClass``: `"INTEGER"`, `"REAL"`, `"TEXT"`,
        /// `"BLOB"`) the real driver can return for this column, besides NULL; `nil` when any.
        public var storageClasses: Set<String>?

        /// A column; `storageClasses` `nil` accepts any value.
        public init(name: String, declaredType: String? = nil, storageClasses: Set<String>? = nil) {
            self.name = name
            self.declaredType = declaredType
            self.storageClasses = storageClasses
        }
    }

    /// How many parameters the statement has; `nil` when not known.
    public var parameterCount: Int?
    /// The columns it returns, in order (empty for a statement that returns none); `nil` when
    /// not known, and scripted rows are then not checked.
    public var columns: [Column]?
    /// Why the statement was not checked (no database to check it on), for a one-line notice.
    public var notice: String?

    /// A shape with a parameter count and columns.
    public init(parameterCount: Int?, columns: [Column]?) {
        self.parameterCount = parameterCount
        self.columns = columns
    }

    /// Nothing is known: the statement could not be checked, for the reason given.
    public static func unchecked(_ notice: String) -> StatementShape {
        var shape = StatementShape(parameterCount: nil, columns: nil)
        shape.notice = notice
        return shape
    }
}
