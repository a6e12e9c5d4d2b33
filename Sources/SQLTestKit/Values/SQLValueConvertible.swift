/// A Swift type that converts to and from ``SQLValue``.
///
/// Conforming types can be interpolated into an ``SQLQuery`` (they become bound arguments) and
/// read out of a ``ResultRow``:
///
/// ```swift
/// struct Email: SQLValueConvertible {
///     var address: String
///     var sqlValue: SQLValue { .text(address) }
///     init?(sqlValue: SQLValue) {
///         guard case .text(let text) = sqlValue else { return nil }
///         address = text
///     }
/// }
/// let query: SQLQuery = "SELECT id FROM user WHERE email = \(Email(address: "a@b.c"))"
/// ```
public protocol SQLValueConvertible: Sendable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
    /// Reads a value back; `nil` when `sqlValue` cannot represent `Self` (wrong storage class,
    /// out of range, unparsable text). Readers turn `nil` into an error naming both types.
    init?(sqlValue: SQLValue)
}

extension SQLValue: SQLValueConvertible {
    public var sqlValue: SQLValue { self }
    public init?(sqlValue: SQLValue) { self = sqlValue }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    /// `nil` binds `NULL`.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }

    /// `NULL` reads as `nil`; anything else must convert to `Wrapped`.
    public init?(sqlValue: SQLValue) {
        if case .null = sqlValue {
            self = .none
        } else if let wrapped = Wrapped(sqlValue: sqlValue) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}

// MARK: - Integers

/// Shared reading for every fixed-width integer: an `INTEGER` in range, or a `REAL` that is
/// exactly a whole number in range (SQLite hands back `REAL` for `5.0` in a REAL column).
extension FixedWidthInteger {
    // Inlinable with the common conversions below: reading a cell by name is a handful of
    // nanoseconds, and a call across the module for the conversion was a good part of it.
    @inlinable
    init?(exactSQLValue value: SQLValue) {
        switch value {
        case .integer(let integer):
            guard let exact = Self(exactly: integer) else { return nil }
            self = exact
        case .real(let real):
            guard let exact = Self(exactly: real) else { return nil }
            self = exact
        case .text(let text) where Self.bitWidth == 64 && !Self.isSigned:
            // Unsigned 64-bit values above Int64.max are stored as decimal text (see UInt64).
            guard let exact = Self(text) else { return nil }
            self = exact
        default:
            return nil
        }
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    @inlinable
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension Int8: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension Int16: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension Int32: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    @inlinable
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension UInt8: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension UInt16: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension UInt32: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension UInt64: SQLValueConvertible {
    /// Values up to `Int64.max` are `INTEGER`s. Larger ones do not fit SQL's 64-bit signed
    /// integers; rather than wrap them silently they are stored as exact decimal `TEXT`.
    public var sqlValue: SQLValue {
        if let fits = Int64(exactly: self) { return .integer(fits) }
        return .text(String(self))
    }
    public init?(sqlValue: SQLValue) { self.init(exactSQLValue: sqlValue) }
}

extension UInt: SQLValueConvertible {
    /// Stored like ``Swift/UInt64/sqlValue``: decimal `TEXT` above `Int64.max`.
    public var sqlValue: SQLValue { UInt64(self).sqlValue }
    public init?(sqlValue: SQLValue) {
        guard let wide = UInt64(sqlValue: sqlValue), let exact = UInt(exactly: wide) else { return nil }
        self = exact
    }
}

// MARK: - Floating point, Bool, String, bytes

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    @inlinable
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let real): self = real
        case .integer(let integer): self = Double(integer)
        default: return nil
        }
    }
}

extension Float: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(Double(self)) }
    public init?(sqlValue: SQLValue) {
        guard let double = Double(sqlValue: sqlValue) else { return nil }
        self = Float(double)
    }
}

extension Bool: SQLValueConvertible {
    /// `true` is `1`, `false` is `0`.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    /// Any non-zero integer is `true`, as in SQL; `0` is `false`.
    @inlinable
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let integer): self = integer != 0
        case .real(let real): self = real != 0
        default: return nil
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    @inlinable
    public init?(sqlValue: SQLValue) {
        guard case .text(let text) = sqlValue else { return nil }
        self = text
    }
}

extension Substring: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(String(self)) }
    public init?(sqlValue: SQLValue) {
        guard case .text(let text) = sqlValue else { return nil }
        self = Substring(text)
    }
}

extension Array: SQLValueConvertible where Element == UInt8 {
    /// Bytes are a `BLOB`; `[]` is an empty blob, not `NULL`.
    public var sqlValue: SQLValue { .blob(self) }
    public init?(sqlValue: SQLValue) {
        guard case .blob(let bytes) = sqlValue else { return nil }
        self = bytes
    }
}
