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
        var failure = QueryError(code: code(forSQLState: state, constraint: info[.constraintName]), message: info[.message] ?? "PostgreSQL error \(state)",
                                 sql: sql, arguments: arguments, suggestion: suggestion, databaseCode: state, detail: info[.detail])
        failure.databaseCodeName = conditionName(of: state)
        return failure
    }

    /// PostgreSQL's condition name for an SQLSTATE (Appendix A of its manual): the common
    /// ones by name, any other by its class.
    static func conditionName(of state: String) -> String {
        if let name = conditionNames[state] { return name }
        return classNames[String(state.prefix(2))].map { "(class \(state.prefix(2)): \($0))" } ?? "(class \(state.prefix(2)))"
    }

    private static let conditionNames: [String: String] = [
        "08000": "connection_exception", "08003": "connection_does_not_exist", "08006": "connection_failure",
        "08001": "sqlclient_unable_to_establish_sqlconnection", "08P01": "protocol_violation",
        "0A000": "feature_not_supported", "21000": "cardinality_violation",
        "22001": "string_data_right_truncation", "22003": "numeric_value_out_of_range", "22007": "invalid_datetime_format",
        "22008": "datetime_field_overflow", "22012": "division_by_zero", "22021": "character_not_in_repertoire",
        "22P02": "invalid_text_representation", "22P05": "untranslatable_character", "22023": "invalid_parameter_value",
        "23000": "integrity_constraint_violation", "23001": "restrict_violation", "23502": "not_null_violation",
        "23503": "foreign_key_violation", "23505": "unique_violation", "23514": "check_violation", "23P01": "exclusion_violation",
        "25001": "active_sql_transaction", "25006": "read_only_sql_transaction", "25P01": "no_active_sql_transaction",
        "25P02": "in_failed_sql_transaction", "28000": "invalid_authorization_specification", "28P01": "invalid_password",
        "2BP01": "dependent_objects_still_exist", "2D000": "invalid_transaction_termination", "3B001": "invalid_savepoint_specification",
        "3D000": "invalid_catalog_name", "3F000": "invalid_schema_name", "40001": "serialization_failure", "40P01": "deadlock_detected",
        "42501": "insufficient_privilege", "42601": "syntax_error", "42602": "invalid_name", "42622": "name_too_long",
        "42703": "undefined_column", "42704": "undefined_object", "42710": "duplicate_object", "42712": "duplicate_alias",
        "42723": "duplicate_function", "42725": "ambiguous_function", "42803": "grouping_error", "42804": "datatype_mismatch",
        "42809": "wrong_object_type", "42830": "invalid_foreign_key", "42883": "undefined_function", "42P01": "undefined_table",
        "42P02": "undefined_parameter", "42P04": "duplicate_database", "42P06": "duplicate_schema", "42P07": "duplicate_table",
        "42P10": "invalid_column_reference", "42P18": "indeterminate_datatype", "53100": "disk_full", "53200": "out_of_memory",
        "53300": "too_many_connections", "55000": "object_not_in_prerequisite_state", "55006": "object_in_use",
        "55P03": "lock_not_available", "57014": "query_canceled", "57P01": "admin_shutdown", "57P02": "crash_shutdown",
        "57P03": "cannot_connect_now", "57P04": "database_dropped", "57P05": "idle_session_timeout", "58030": "io_error",
        "P0001": "raise_exception", "XX000": "internal_error",
    ]

    private static let classNames: [String: String] = [
        "08": "connection exception", "0A": "feature not supported", "22": "data exception",
        "23": "integrity constraint violation", "25": "invalid transaction state", "28": "invalid authorization specification",
        "40": "transaction rollback", "42": "syntax error or access rule violation", "53": "insufficient resources",
        "54": "program limit exceeded", "55": "object not in prerequisite state", "57": "operator intervention",
        "58": "system error", "P0": "PL/pgSQL error", "XX": "internal error",
    ]

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
