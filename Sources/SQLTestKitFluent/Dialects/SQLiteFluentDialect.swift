#if Fluent
import FluentKit
import FluentSQL
import SQLKit
import SQLTestKit
import SQLiteKit
import SQLiteNIO
import NIOCore

/// Fluent on SQLite as fluent-sqlite-driver does it: sqlite-kit's `SQLiteDialect` (`?1`
/// placeholders), its `SQLiteDataEncoder`/`SQLiteDataDecoder` (dates as seconds since 1970),
/// `BEGIN TRANSACTION`/`COMMIT TRANSACTION`, enums as text columns.
struct SQLiteFluentDialect: FluentDialect {
    let encoder = SQLiteDataEncoder()
    let decoder = SQLiteDataDecoder()

    var driverName: String { "fluent-sqlite-driver" }
    var sql: any SQLDialect { SQLiteDialect() }
    var converter: any SQLConverterDelegate { SQLiteConverterDelegate() }
    var begin: String { "BEGIN TRANSACTION" }
    var commit: String { "COMMIT TRANSACTION" }
    var rollback: String { "ROLLBACK TRANSACTION" }

    func argument(for bind: any Encodable) throws -> SQLValue {
        try SQLValue(encoder.encode(bind))
    }

    func decode<Value: Decodable>(_ type: Value.Type, from value: SQLValue, column: String) throws -> Value {
        try decoder.decode(Value.self, from: value.sqliteData)
    }

    func adjusted(_ schema: DatabaseSchema) throws -> DatabaseSchema? {
        guard schema.action == .update else { return schema }
        var schema = schema
        // What SQLite's ALTER TABLE can do; fluent-sqlite-driver drops enum updates the same way.
        schema.updateFields = schema.updateFields.filter {
            if case .dataType(_, .enum) = $0 { return false }
            return true
        }
        guard schema.createConstraints.isEmpty, schema.updateFields.isEmpty, schema.deleteConstraints.isEmpty else {
            throw FluentUnsupportedError(
                feature: "changing a column's type or a constraint of an existing table",
                reason: "SQLite's ALTER TABLE cannot do it (fluent-sqlite-driver refuses it too)")
        }
        return schema.createFields.isEmpty && schema.deleteFields.isEmpty ? nil : schema
    }

    /// SQLite has no enum types: Fluent's enums are text columns, as with fluent-sqlite-driver.
    func statements(for databaseEnum: DatabaseEnum, on db: any SQLDatabase) -> [any SQLExpression] { [] }
}

/// The column types fluent-sqlite-driver gives Fluent's schema types on SQLite (its own
/// converter delegate is internal to it): the same DDL, so migrations build the same tables.
struct SQLiteConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .string: SQLRaw("TEXT")
        case .datetime: SQLRaw("REAL")
        case .int64: SQLRaw("INTEGER")
        case .enum: SQLRaw("TEXT")
        default: nil
        }
    }
}

extension SQLValue {
    /// The value as sqlite-nio carries it, for `SQLiteDataDecoder`.
    var sqliteData: SQLiteData {
        switch self {
        case .null: .null
        case .integer(let value): .integer(Int(value))
        case .real(let value): .float(value)
        case .text(let value): .text(value)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        }
    }

    /// A value as `SQLiteDataEncoder` encodes it.
    init(_ data: SQLiteData) {
        switch data {
        case .null: self = .null
        case .integer(let value): self = .integer(Int64(value))
        case .float(let value): self = .real(value)
        case .text(let value): self = .text(value)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        }
    }
}
#endif
