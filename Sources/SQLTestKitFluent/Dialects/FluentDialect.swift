#if Fluent
import FluentKit
import FluentSQL
import SQLKit
import SQLTestKit

/// What differs between the databases Fluent runs on, done as each one's Fluent driver does
/// it: how SQL is rendered, which column types a schema gets, how binds become arguments and
/// values become Swift values, which statements start and end a transaction, and what enums
/// are. The adapter's database holds one and never asks which database it is on.
protocol FluentDialect: Sendable {
    /// The Fluent driver whose SQL this reproduces, for messages (`fluent-sqlite-driver`).
    var driverName: String { get }
    /// SQLKit's dialect: placeholders, quoting, `RETURNING`, upserts, enum syntax.
    var sql: any SQLDialect { get }
    /// Column types for Fluent's schema types.
    var converter: any SQLConverterDelegate { get }
    /// The statements around a Fluent `transaction { }`.
    var begin: String { get }
    var commit: String { get }
    var rollback: String { get }

    /// One SQLKit bind as the argument the real driver would send.
    func argument(for bind: any Encodable) throws -> SQLValue
    /// A column's value as the real driver would decode it into `type`.
    func decode<Value: Decodable>(_ type: Value.Type, from value: SQLValue, column: String) throws -> Value
    /// The schema change to send for `schema`, `nil` when there is nothing to send, or an
    /// error naming what the database cannot do.
    func adjusted(_ schema: DatabaseSchema) throws -> DatabaseSchema?
    /// The statements that make, change or drop a Fluent enum (none where enums are text).
    func statements(for databaseEnum: DatabaseEnum, on db: any SQLDatabase) -> [any SQLExpression]
}

extension DatabaseDialect {
    /// The Fluent dialect for this SQLTestKit dialect, or the reason there is none.
    var fluentDialect: Result<any FluentDialect, FluentUnsupportedError> {
        switch self {
        case .sqlite:
            return .success(SQLiteFluentDialect())
        case .postgres:
            #if PostgreSQL
            return .success(PostgresFluentDialect())
            #else
            return .failure(FluentUnsupportedError(
                feature: "queries on a postgres database",
                reason: "rendering what fluent-postgres-driver sends needs postgres-kit, which comes with the package's `PostgreSQL` trait: add it next to `Fluent` (`traits: [\"Fluent\", \"PostgreSQL\"]`)"))
            #endif
        case .mysql:
            return .failure(FluentUnsupportedError(
                feature: "queries on a mysql database",
                reason: "the adapter sends what fluent-sqlite-driver or fluent-postgres-driver sends; use a mock or database in the `.sqlite` or `.postgres` dialect"))
        }
    }
}
#endif
