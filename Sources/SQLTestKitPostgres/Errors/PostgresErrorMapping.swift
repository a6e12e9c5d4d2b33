#if PostgreSQL
import PostgresNIO
import SQLTestKit

/// PostgreSQL's errors as `QueryError` values: the SQLSTATE mapped onto the codes the SQLite
/// driver and the mock use (so one `catch QueryError.Code.constraintUnique` works on all three),
/// with the server's message, detail and hint, the SQL and its arguments.
///
/// | SQLSTATE | `QueryError.Code` |
/// |---|---|
/// | `23505` unique_violation | `.constraintUnique` (`.constraintPrimaryKey` when the constraint is a primary key) |
/// | `23503` foreign_key_violation | `.constraintForeignKey` |
/// | `23502` not_null_violation | `.constraintNotNull` |
/// | `23514` check_violation | `.constraintCheck` |
/// | other `23…` (exclusion, restrict) | `.constraint` |
/// | `22001` string too long | `.tooBig` |
/// | other `22…` (bad text for a type, out of range, division by zero) | `.mismatch` |
/// | `40001`, `40P01` (serialization failure, deadlock), `55P03` lock not available | `.busy` |
/// | `57014` query cancelled | `.interrupt` |
/// | `42501` insufficient privilege | `.permission` |
/// | `25006` read-only transaction | `.readOnly` |
/// | `08…`, `57P…` (connection lost, server shutting down) | `.ioError` |
/// | `3D000` database does not exist, `28…` authentication | `.cannotOpen` |
/// | `53…` out of resources | `.full` |
/// | everything else (`42P01` no such table, `42601` syntax error, …) | `.error` |
///
/// `QueryError.databaseCode` keeps the SQLSTATE itself.
enum PostgresErrorMapping {
    static func code(forSQLState state: String, constraint: String? = nil) -> QueryError.Code {
        switch state {
        case "23505": return constraint?.hasSuffix("_pkey") == true ? .constraintPrimaryKey : .constraintUnique
        case "23503": return .constraintForeignKey
        case "23502": return .constraintNotNull
        case "23514": return .constraintCheck
        case "22001": return .tooBig
        case "40001", "40P01", "55P03": return .busy
        case "57014": return .interrupt
        case "42501": return .permission
        case "25006": return .readOnly
        case "3D000": return .cannotOpen
        default: break
        }
        switch state.prefix(2) {
        case "23": return .constraint
        case "22": return .mismatch
        case "08", "57": return .ioError
        case "28": return .cannotOpen
        case "53": return .full
        default: return .error
        }
    }

    /// The error postgres-nio threw for `query`, as a `QueryError` (without a suggestion
    /// that needs the catalog: the connection adds those).
    static func queryError(from error: any Error, sql: String, arguments: [SQLValue]) -> QueryError {
        guard let error = error as? PSQLError else {
            if let error = error as? QueryError { return error }
            return QueryError(code: .error, message: String(describing: error), sql: sql, arguments: arguments)
        }
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            let closed = error.code == .serverClosedConnection || error.code == .clientClosedConnection || error.code == .uncleanShutdown
            return QueryError(code: closed ? .ioError : .error,
                              message: closed ? "the connection to the PostgreSQL server was closed (\(error.code))" : "postgres-nio: \(error.code)",
                              sql: sql, arguments: arguments,
                              suggestion: closed ? "open a new connection with driver.connect(); check that the server is still running" : nil)
        }
        var suggestion = info[.hint]
        if state == "25P02" {
            suggestion = "an earlier statement of this transaction failed, so PostgreSQL ignores every statement until the transaction (or the savepoint around the failure) is rolled back: roll back to a savepoint, or end the transaction { } block"
        }
        return QueryError(code: code(forSQLState: state, constraint: info[.constraintName]), message: info[.message] ?? "PostgreSQL error \(state)",
                          sql: sql, arguments: arguments, suggestion: suggestion, databaseCode: state, detail: info[.detail])
    }

    /// The name PostgreSQL says does not exist (`relation "authr" does not exist`), with what
    /// kind of name it is.
    static func missingName(in error: QueryError) -> (kind: MissingName, name: String)? {
        let kind: MissingName
        switch error.databaseCode {
        case "42P01": kind = .table
        case "42703": kind = .column
        default: return nil
        }
        let message = error.message
        guard let open = message.firstIndex(of: "\""), let close = message[message.index(after: open)...].firstIndex(of: "\"") else { return nil }
        var name = String(message[message.index(after: open)..<close])
        // `column b.nmae does not exist` names the column with its table.
        if kind == .column, let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        return (kind, name)
    }

    enum MissingName { case table, column }
}
#endif
