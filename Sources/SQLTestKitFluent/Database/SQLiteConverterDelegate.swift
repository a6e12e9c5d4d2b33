#if Fluent
import FluentKit
import FluentSQL
import SQLKit

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
#endif
