#if Fluent && PostgreSQL
import FluentKit
import FluentSQL
import PostgresKit
import SQLKit
import SQLTestKit

/// Fluent on PostgreSQL as fluent-postgres-driver 2.14 does it: postgres-kit's
/// `PostgresDialect` (`$1` placeholders, `RETURNING`), its column types (`UUID`, `TIMESTAMPTZ`,
/// `JSONB`, arrays, real enum types), `BEGIN`/`COMMIT`/`ROLLBACK`, and values as postgres-kit
/// binds and decodes them (see ``PostgresBindEncoder`` and ``PostgresValueDecoder``).
struct PostgresFluentDialect: FluentDialect {
    var driverName: String { "fluent-postgres-driver" }
    var sql: any SQLDialect { PostgresDialect() }
    var converter: any SQLConverterDelegate { PostgresConverterDelegate() }
    var begin: String { "BEGIN" }
    var commit: String { "COMMIT" }
    var rollback: String { "ROLLBACK" }

    func argument(for bind: any Encodable) throws -> SQLValue {
        try PostgresBindEncoder.argument(for: bind)
    }

    func decode<Value: Decodable>(_ type: Value.Type, from value: SQLValue, column: String) throws -> Value {
        try PostgresValueDecoder.decode(Value.self, from: value, column: column)
    }

    /// PostgreSQL's ALTER TABLE does everything Fluent asks; the schema goes as it is.
    func adjusted(_ schema: DatabaseSchema) throws -> DatabaseSchema? { schema }

    /// Enums are types of their own, made, extended and dropped as fluent-postgres-driver
    /// does: `CREATE TYPE … AS ENUM`, one `ALTER TYPE … ADD VALUE` per new case, `DROP TYPE`.
    /// PostgreSQL cannot remove a case; removed cases are left, as there.
    func statements(for databaseEnum: DatabaseEnum, on db: any SQLDatabase) -> [any SQLExpression] {
        switch databaseEnum.action {
        case .create:
            return [databaseEnum.createCases.reduce(db.create(enum: databaseEnum.name)) { $0.value($1) }.query]
        case .update:
            return databaseEnum.createCases.map { db.alter(enum: databaseEnum.name).add(value: $0).query }
        case .delete:
            return [db.drop(enum: databaseEnum.name).query]
        }
    }
}

/// The column types fluent-postgres-driver gives Fluent's schema types (its own delegate is
/// internal to it), so migrations make the same tables. The parity tests compare the DDL.
struct PostgresConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .uuid: SQLRaw("UUID")
        case .bool: SQLRaw("BOOL")
        case .data: SQLRaw("BYTEA")
        case .date: SQLRaw("DATE")
        case .datetime: SQLRaw("TIMESTAMPTZ")
        case .double: SQLRaw("DOUBLE PRECISION")
        case .dictionary: SQLRaw("JSONB")
        case .array(of: let element):
            // An array of a type with a PostgreSQL name is that type's array; anything else is JSON.
            element.flatMap { customDataType($0) }.map { SQLArrayOf(element: $0) } ?? SQLRaw("JSONB")
        case .enum(let databaseEnum): SQLIdentifier(databaseEnum.name)
        case .int8, .uint8: SQLIdentifier("char")
        case .int16, .uint16: SQLRaw("SMALLINT")
        case .int32, .uint32: SQLRaw("INT")
        case .int64, .uint64: SQLRaw("BIGINT")
        case .string: SQLRaw("TEXT")
        case .time: SQLRaw("TIME")
        case .float: SQLRaw("FLOAT")
        case .custom: nil
        }
    }
}

/// `element[]`: a PostgreSQL array column type.
private struct SQLArrayOf: SQLExpression {
    let element: any SQLExpression

    func serialize(to serializer: inout SQLSerializer) {
        element.serialize(to: &serializer)
        serializer.write("[]")
    }
}
#endif
