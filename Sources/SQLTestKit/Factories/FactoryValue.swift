/// A value given to a ``RowFactory`` for one column: a literal, a ``SQLValue``, or a fixture
/// label for a foreign key (`["author": .label("ada")]`).
///
/// ```swift
/// try await factory.insert("book", ["title": "Dune", "pages": 412, "author": .label("frank")])
/// ```
public enum FactoryValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    /// Text, read as the column's type reads it (a date column takes `"2024-05-01"`).
    case text(String)
    /// A whole number.
    case integer(Int64)
    /// A decimal number.
    case real(Double)
    /// A boolean.
    case bool(Bool)
    /// NULL.
    case null
    /// A value stored exactly as given.
    case value(SQLValue)
    /// The key of the row a fixture file labels so (needs the factory's `fixtures`): for a
    /// foreign key column, or for the relation named like it without `_id`.
    case label(String)

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }

    /// The value as a fixture file would give it, so it is read by the same rules.
    var fixtureValue: FixtureValue {
        switch self {
        case .text(let text): .quoted(text)
        case .integer(let integer): .number(String(integer))
        case .real(let real): .number(String(real))
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .value(let value): .exact(value)
        case .label(let label): .quoted(label)
        }
    }
}

/// Why a ``RowFactory`` could not insert a row: what, in which table and column, and what
/// to do about it.
public struct RowFactoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The table the row was for.
    public var table: String
    /// The column concerned, when one is.
    public var column: String?
    /// What to do about it.
    public var suggestion: String?

    public var description: String {
        "RowFactory: \(message)" + (suggestion.map { "\n  suggestion: \($0)" } ?? "")
    }
}
