import SQLTestKitSQLite
import Synchronization

/// Checks statements against a schema in a private in-memory SQLite: each is prepared, never
/// run, so an unknown table or column, a syntax error or a wrong number of arguments fails
/// with the error ``SQLiteDriver`` would throw, "did you mean …?" included. A
/// ``MockDriver`` made with a schema for `.sqlite` uses one.
///
/// ```swift
/// let checker = try SQLiteStatementChecker(schema: "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT)")
/// let shape = try checker.shape(of: "SELECT id, title FROM book")
/// shape.columns?.map(\.name)   // ["id", "title"]
/// ```
public final class SQLiteStatementChecker: StatementChecker {
    public var dialect: DatabaseDialect { .sqlite }
    /// The schema statements are checked against.
    public let schema: MockSchema
    /// The database holding the schema, only touched under the lock.
    private let handle: Mutex<SQLiteHandle>

    /// A checker for `schema`; throws the ``QueryError`` of the schema statement that fails.
    public init(schema: MockSchema) throws {
        let handle = try SQLiteHandle.open(":memory:", configuration: SQLiteDriver.Configuration())
        do {
            try handle.execute(schema.sql)
        } catch var error as QueryError {
            error.suggestion = "\(schema.source) does not load into SQLite" + (error.suggestion.map { "; \($0)" } ?? "")
            throw error
        }
        self.schema = schema
        self.handle = Mutex(handle)
    }

    /// Prepares `query` (its first statement; more than one is refused, as the driver does)
    /// and reads its parameter count and columns.
    public func shape(of query: SQLQuery) throws -> StatementShape {
        if query.sql.utf8.contains(0) { throw SQLiteDriver.Connection.Core.textWithNULError(query.sql, arguments: query.arguments) }
        return try handle.withLock { handle in
            guard let db = handle.db else { throw SQLiteHandle.closedError(sql: query.sql) }
            var statement: OpaquePointer?
            var rest = ""
            let code = query.sql.withCString { sql in
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(db, sql, -1, &statement, &tail)
                rest = tail.map { String(cString: $0) } ?? ""
                return code
            }
            defer { sqlite3_finalize(statement) }
            guard code == SQLITE_OK else { throw handle.error(code: code, sql: query.sql, arguments: query.arguments) }
            guard let statement else {
                throw QueryError(code: .misuse, message: "the SQL holds no statement", sql: query.sql, arguments: query.arguments,
                                 suggestion: "pass a statement, not only whitespace or comments")
            }
            if SQLTokenizer.tokenize(rest).contains(where: \.isSignificant) {
                throw QueryError(code: .misuse, message: "execute runs one statement, and this SQL has more after the first",
                                 sql: query.sql, arguments: query.arguments,
                                 suggestion: "use executeScript(_:) for several statements, or run them one by one")
            }
            var columns: [StatementShape.Column] = []
            for index in 0..<sqlite3_column_count(statement) {
                let name = sqlite3_column_name(statement, index).map { String(cString: $0) } ?? ""
                let declared = sqlite3_column_decltype(statement, index).map { String(cString: $0) }
                columns.append(StatementShape.Column(name: name, declaredType: declared,
                                                     storageClasses: declared.flatMap(Self.storageClasses(declaredType:))))
            }
            return StatementShape(parameterCount: Int(sqlite3_bind_parameter_count(statement)), columns: columns)
        }
    }

    public func argumentCountError(_ query: SQLQuery, parameters: Int) -> QueryError {
        SQLiteDriver.Connection.Core.parameterCountError(query, parameters: parameters)
    }

    /// What a column of this declared type can return: an INTEGER or REAL affinity column turns
    /// every number-like value into a number, so text there could only be text that never looks
    /// like one — scripted, it is almost always a mistake; a TEXT column turns numbers into
    /// text. Other affinities keep whatever is stored.
    static func storageClasses(declaredType: String) -> Set<String>? {
        switch ColumnKind(declaredType: declaredType) {
        case .integer, .real: ["INTEGER", "REAL"]
        case .text: ["TEXT", "BLOB"]
        default: nil
        }
    }
}
