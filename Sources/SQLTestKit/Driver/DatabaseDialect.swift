/// The SQL dialect a driver speaks: how it marks parameters, quotes identifiers and writes
/// literals. The mock impersonates one, so its log reads like the real database's.
///
/// ```swift
/// let query: SQLQuery = "SELECT * FROM \(identifier: "order") WHERE id = \(7)"
/// query.sql(for: .postgres)           // SELECT * FROM "order" WHERE id = $1
/// query.sql(for: .mysql)              // SELECT * FROM `order` WHERE id = ?
/// query.expandedSQL(for: .postgres)   // SELECT * FROM "order" WHERE id = 7
/// ```
public enum DatabaseDialect: String, Sendable, Hashable, CaseIterable {
    case sqlite
    case postgres
    case mysql

    /// How bound parameters are written in this dialect's SQL.
    /// Whether the database reports the key of the row an `INSERT` made
    /// (``QueryResult/lastInsertID``): SQLite and MySQL do; PostgreSQL never does, and gives
    /// keys only through `RETURNING`.
    public var reportsLastInsertID: Bool { self != .postgres }

    public var placeholderStyle: PlaceholderStyle {
        switch self {
        case .sqlite, .mysql: .questionMark
        case .postgres: .dollarNumbered
        }
    }

    /// Quotes an identifier, doubling any quote character inside it.
    public func quoteIdentifier(_ name: String) -> String {
        switch self {
        case .sqlite, .postgres:
            "\"" + name.replacing("\"", with: "\"\"") + "\""
        case .mysql:
            "`" + name.replacing("`", with: "``") + "`"
        }
    }

    /// A value written as a literal of this dialect, for display and assertions only.
    ///
    /// Text doubles its single quotes; blobs are `X'…'` (SQLite, MySQL) or `'\x…'::bytea`
    /// (PostgreSQL); reals use the shortest text that reads back as the same `Double`, and
    /// infinities use the spelling the dialect accepts.
    public func literal(_ value: SQLValue) -> String {
        switch value {
        case .null:
            return "NULL"
        case .integer(let integer):
            return String(integer)
        case .real(let real):
            return realLiteral(real)
        case .text(let text):
            if self != .mysql, text.utf8.contains(0) { return textLiteralWithNUL(text) }
            let escaped = "'" + text.replacing("'", with: "''") + "'"
            if self == .mysql && (text.contains("\\") || text.utf8.contains(0)) {
                return escaped.replacing("\\", with: "\\\\").replacing("\u{0}", with: "\\0")
            }
            return escaped
        case .blob(let bytes):
            let hex = bytes.hexString
            return self == .postgres ? "'\\x\(hex)'::bytea" : "X'\(hex)'"
        }
    }

    private func realLiteral(_ real: Double) -> String {
        if real.isNaN {
            return self == .postgres ? "'NaN'::float8" : "NULL"
        }
        if real.isInfinite {
            switch self {
            case .postgres: return real < 0 ? "'-Infinity'::float8" : "'Infinity'::float8"
            case .sqlite, .mysql: return real < 0 ? "-9e999" : "9e999"
            }
        }
        // Swift's description is the shortest text that round-trips; it always has a `.`
        // or an exponent, so the literal stays a REAL when read back.
        return real.description
    }
}

/// How a dialect marks bound parameters.
public enum PlaceholderStyle: String, Sendable, Hashable {
    /// `?` for every parameter (SQLite, MySQL).
    case questionMark
    /// `$1`, `$2`, … (PostgreSQL).
    case dollarNumbered
}

extension [UInt8] {
    /// Uppercase hexadecimal, two digits a byte.
    var hexString: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var result = [UInt8]()
        result.reserveCapacity(count * 2)
        for byte in self {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension DatabaseDialect {
    /// Text holding NUL characters as an expression the database runs to the same text:
    /// `'a' || char(0) || 'b'` (a literal cannot hold NUL: SQLite would end the text there).
    fileprivate func textLiteralWithNUL(_ text: String) -> String {
        let nul = self == .postgres ? "chr(0)" : "char(0)"
        var parts: [String] = []
        for (index, piece) in text.split(separator: "\u{0}", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { parts.append(nul) }
            if !piece.isEmpty { parts.append("'" + piece.replacing("'", with: "''") + "'") }
        }
        return parts.joined(separator: " || ")
    }
}
