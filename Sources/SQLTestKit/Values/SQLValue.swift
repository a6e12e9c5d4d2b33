/// One value as SQL stores it: the five storage classes SQLite knows, which every dialect
/// SQLTestKit speaks can represent.
///
/// Values are what queries bind and what rows hold. Literals convert directly:
///
/// ```swift
/// let id: SQLValue = 42            // .integer(42)
/// let name: SQLValue = "Ada"       // .text("Ada")
/// let missing: SQLValue = nil      // .null
/// ```
public enum SQLValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// A 64-bit signed integer, SQLite's `INTEGER` storage class.
    case integer(Int64)
    /// A double-precision float. SQLite stores NaN as `NULL`, so the SQLite driver refuses NaN.
    case real(Double)
    /// UTF-8 text. Embedded NUL characters are kept.
    case text(String)
    /// Raw bytes. An empty blob is not `NULL`.
    case blob([UInt8])

    /// The storage class's SQL name: `NULL`, `INTEGER`, `REAL`, `TEXT` or `BLOB`.
    ///
    /// Error messages use it to say what a value was ("column `age` holds TEXT 'ten'").
    public var storageClass: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension SQLValue: CustomStringConvertible {
    /// The value as an SQLite literal (`42`, `'it''s'`, `X'CAFE'`, `NULL`), as it appears in
    /// ``SQLQuery/expandedSQL``.
    public var description: String { DatabaseDialect.sqlite.literal(self) }
}

extension SQLValue: CustomDebugStringConvertible {
    /// The value with its storage class, as diagnostics show typed arguments: `INTEGER 42`.
    public var debugDescription: String {
        switch self {
        case .null: "NULL"
        default: "\(storageClass) \(description)"
        }
    }
}

extension SQLValue {
    /// The integer, when this is one.
    package var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The text, when this is text.
    package var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}
