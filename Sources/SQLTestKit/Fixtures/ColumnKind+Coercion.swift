import Foundation

extension ColumnKind {
    /// Why a value could not be coerced, and what to write instead.
    struct CoercionFailure: Error {
        var message: String
        var suggestion: String
    }

    /// `value` as this kind of column stores it; a value that does not fit is a failure, never
    /// a silent string.
    ///
    /// - Booleans: `true`/`false`, `yes`/`no`, `on`/`off`, `t`/`f`, `1`/`0` (any case) → 1 or 0.
    /// - Dates and times: ISO 8601 (`2024-05-01`, `2024-05-01T09:30:00Z`, offsets, fractions) →
    ///   `yyyy-MM-dd` for a date without a time, else `yyyy-MM-dd HH:mm:ss.SSS` in UTC, the text
    ///   `Date` values are bound as; `HH:mm[:ss]` for `TIME`.
    /// - JSON: nested lists and maps → JSON text; text must already be valid JSON.
    /// - Blobs: YAML `!!binary`, or base64 text.
    /// - Plain `null`, `~`, an empty plain scalar and JSON `null` → NULL in every kind.
    /// - Arrays (PostgreSQL): a list, or a JSON array as text (the form the driver reads arrays
    ///   in), → the array literal `{1,2,"x y"}`; text already in that form is kept.
    /// - An exact value (``FixtureValue/exact(_:)``, as dumps write) is stored as it is (in an
    ///   array column, a JSON array is written as the array literal).
    func coerce(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        if case .exact(let exact) = value {
            if self == .array, case .text(let text) = exact { return array(.quoted(text)) }
            return .success(exact)
        }
        if value.isNull { return .success(.null) }
        switch self {
        case .integer: return integer(value)
        case .real: return real(value)
        case .numeric:
            if case .success(let integer) = integer(value) { return .success(integer) }
            return real(value)
        case .text: return text(value)
        case .boolean: return boolean(value)
        case .date, .dateTime: return date(value)
        case .time: return time(value)
        case .json: return json(value)
        case .array: return array(value)
        case .uuid: return uuid(value)
        case .blob: return blob(value)
        case .any: return inferred(value)
        }
    }

    /// The same result as ``coerce(_:)`` for the cells that fill most fixture files — a plain
    /// or quoted scalar in a text column, a plain whole number in an integer column, a plain
    /// number in a real column — without building a `Result`; `nil` for everything else.
    @inline(__always)
    func coerceCommonCase(_ value: FixtureValue) -> SQLValue? {
        switch (self, value) {
        case (.text, .quoted(let text)):
            return .text(text)
        case (.text, .plain(let text)):
            return value.isNull ? nil : .text(text)
        case (.integer, .plain(let text)):
            return Int64(text).map(SQLValue.integer)
        case (.real, .plain(let text)):
            guard let real = ColumnKind.simpleDecimal(text) ?? Double(text), real.isFinite else { return nil }
            return .real(real)
        default:
            return nil
        }
    }

    /// Powers of ten a `Double` holds exactly.
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { product, _ in product * 10 }
    }

    /// `-12.25`-style text with at most 15 digits, converted without `strtod` (which cost more
    /// than the rest of a real cell's load); `nil` for anything else, which `Double(_:)` reads.
    /// Exact: the digits fit a `Double` without rounding, so does the power of ten, and one
    /// IEEE division rounds correctly (Clinger's fast path).
    static func simpleDecimal(_ text: String) -> Double? {
        // The string's own bytes (small strings included) scan faster than `utf8`.
        var text = text
        return text.withUTF8(simpleDecimal)
    }

    private static func simpleDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var digits: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var seenDot = false
        var negative = false
        var first = true
        for byte in bytes {
            defer { first = false }
            if byte >= 0x30 && byte <= 0x39 {
                digits = digits * 10 + UInt64(byte - 0x30)
                digitCount += 1
                if seenDot { fractionDigits += 1 }
                if digitCount > 15 { return nil }
            } else if byte == 0x2E, !seenDot {
                seenDot = true
            } else if byte == 0x2D, first {
                negative = true
            } else {
                return nil
            }
        }
        guard digitCount > 0 else { return nil }
        let value = Double(digits) / exactPowersOfTen[fractionDigits]
        return negative ? -value : value
    }

    private func failure(_ value: FixtureValue, _ suggestion: String) -> Result<SQLValue, CoercionFailure> {
        .failure(CoercionFailure(message: "`\(value.excerpt)` is not \(displayName)", suggestion: suggestion))
    }

    private func scalarText(_ value: FixtureValue) -> String? {
        switch value {
        case .plain(let text), .quoted(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    private func integer(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        if case .bool(let flag) = value { return .success(.integer(flag ? 1 : 0)) }
        // A flag kept in an INTEGER column (`published: true`, as Rails fixtures write it):
        // SQLite stores TRUE and FALSE as 1 and 0 too. Only the plain words, not quoted text.
        if case .plain(let text) = value {
            switch text.asciiLowercased {
            case "true": return .success(.integer(1))
            case "false": return .success(.integer(0))
            default: break
            }
        }
        if let text = scalarText(value) {
            if let number = Int64(text) { return .success(.integer(number)) }
            // `1.0` and `1e3` are integers when they are whole.
            if let real = Double(text), real.isFinite, real == real.rounded(), abs(real) < 9.2e18 { return .success(.integer(Int64(real))) }
        }
        // YAML 1.1 booleans (`yes`, `no`, `on`, `off`) that YAML 1.2 reads as words: the
        // writer meant a flag, so say how to write one rather than ask for a number.
        if case .plain(let text) = value, ["yes", "no", "on", "off", "y", "n"].contains(text.asciiLowercased) {
            let meant = ["yes", "on", "y"].contains(text.asciiLowercased)
            return failure(value, "write the flag as `\(meant)` (stored as \(meant ? 1 : 0) in an INTEGER column), or declare the column BOOLEAN, where `\(text)` is read as \(meant)")
        }
        return failure(value, "write a whole number such as `42`")
    }

    private func real(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        if case .bool = value { return failure(value, "write a number such as `9.99`") }
        if let text = scalarText(value), let real = Double(text), real.isFinite { return .success(.real(real)) }
        // A date in a REAL column is stored as seconds since 1970: how Fluent stores `Date`
        // on SQLite (its `.datetime` columns are REAL), so fixtures can write ISO dates there.
        if let text = scalarText(value), text.utf8.count >= 10, let date = SQLDateFormat.date(from: text) {
            return .success(.real(date.timeIntervalSince1970))
        }
        return failure(value, "write a number such as `9.99`, or an ISO 8601 date such as `2024-05-01T09:30:00Z` (stored as seconds since 1970)")
    }

    private func text(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        if let text = scalarText(value) { return .success(.text(text)) }
        switch value {
        case .list, .map:
            return .failure(CoercionFailure(message: "a nested \(value.isList ? "list" : "map") cannot go in a text column",
                                            suggestion: "declare the column as JSON, or write the value as one quoted string"))
        default:
            return failure(value, "write the text, quoted if it could be read as something else")
        }
    }

    private func boolean(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        if case .bool(let flag) = value { return .success(.integer(flag ? 1 : 0)) }
        if let text = scalarText(value) {
            switch text.asciiLowercased {
            case "true", "yes", "on", "t", "y", "1": return .success(.integer(1))
            case "false", "no", "off", "f", "n", "0": return .success(.integer(0))
            default: break
            }
        }
        return failure(value, "write `true` or `false`")
    }

    private func date(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        guard let text = scalarText(value), let date = SQLDateFormat.date(from: text) else {
            return failure(value, self == .date ? "write an ISO 8601 date such as `2024-05-01`"
                                                 : "write an ISO 8601 date and time such as `2024-05-01T09:30:00Z`")
        }
        // Text already in the stored form is kept as it is (the common case, and 10× cheaper).
        let length = text.utf8.count
        if length == 10 && self == .date { return .success(.text(text)) }
        if length == 23 {
            let bytes = Array(text.utf8)
            if bytes[10] == UInt8(ascii: " "), bytes[19] == UInt8(ascii: "."), bytes[20...].allSatisfy({ (48...57).contains($0) }) {
                return .success(.text(text))
            }
        }
        let formatted = SQLDateFormat.string(from: date)
        if self == .date, formatted.hasSuffix(" 00:00:00.000") { return .success(.text(String(formatted.prefix(10)))) }
        return .success(.text(formatted))
    }

    private func time(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        guard let text = scalarText(value), let date = SQLDateFormat.date(from: "2000-01-01T" + text) else {
            return failure(value, "write a time such as `09:30` or `09:30:15`")
        }
        let formatted = SQLDateFormat.string(from: date)
        return .success(.text(String(formatted.dropFirst(11).prefix(formatted.hasSuffix(".000") ? 8 : 12))))
    }

    /// A UUID in any case, stored as Swift's `uuidString` writes it (upper case): the text
    /// Fluent binds for a `UUID`, so `WHERE id = ?` finds fixture rows.
    private func uuid(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        switch value {
        case .null: return .success(.null)
        case .plain where value.isNull: return .success(.null)
        case .plain(let text), .quoted(let text):
            if let uuid = UUID(uuidString: text) { return .success(.text(uuid.uuidString)) }
            return .failure(CoercionFailure(message: "`\(value.excerpt)` is not a UUID",
                                            suggestion: "write a UUID such as `E621E1F8-C36C-495A-93FC-0C247A3E6E5F`, or reference the row by its label"))
        default:
            return .failure(CoercionFailure(message: "`\(value.excerpt)` is not a UUID", suggestion: "write a UUID as text"))
        }
    }

    private func json(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        switch value {
        case .list, .map, .number, .bool: return .success(.text(value.jsonText))
        case .plain(let text) where Int64(text) != nil || Double(text) != nil || text == "true" || text == "false":
            return .success(.text(text))
        case .plain(let text), .quoted(let text):
            if (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil {
                return .success(.text(text))
            }
            return .failure(CoercionFailure(message: "`\(value.excerpt)` is not valid JSON",
                                            suggestion: "write nested YAML or JSON lists and maps, or valid JSON text (a JSON string needs its own double quotes)"))
        default:
            return failure(value, "write a list, a map or JSON text")
        }
    }

    /// A list, or JSON array text, as PostgreSQL's array literal; literal text as it is.
    private func array(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        let text: String
        switch value {
        case .list: text = value.jsonText
        case .plain(let written), .quoted(let written): text = written
        default: return failure(value, "write a list, or an array as JSON (`[1, 2]`) or as PostgreSQL writes it (`{1,2}`)")
        }
        if text.hasPrefix("{") { return .success(.text(text)) }
        guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
            return .failure(CoercionFailure(message: "`\(value.excerpt)` is not an array",
                                            suggestion: "write a list, or an array as JSON (`[1, 2]`) or as PostgreSQL writes it (`{1,2}`)"))
        }
        return .success(.text(Self.arrayLiteral(list)))
    }

    /// PostgreSQL's array input form of a JSON array: nested arrays in braces, NULL, numbers
    /// and booleans as written, strings (and objects, as JSON text) double-quoted.
    static func arrayLiteral(_ elements: [Any]) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
        let parts = elements.map { element -> String in
            switch element {
            case let nested as [Any]: return arrayLiteral(nested)
            case is NSNull: return "NULL"
            case let text as String: return quoted(text)
            case let number as NSNumber: return number.description
            default:
                let data = (try? JSONSerialization.data(withJSONObject: element, options: [.sortedKeys])) ?? Data()
                return quoted(String(decoding: data, as: UTF8.self))
            }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private func blob(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        switch value {
        case .binary(let bytes): return .success(.blob(bytes))
        case .plain(let text), .quoted(let text):
            if let data = Data(base64Encoded: text.filter { !$0.isWhitespace }) { return .success(.blob(Array(data))) }
            return .failure(CoercionFailure(message: "`\(value.excerpt)` is not base64",
                                            suggestion: "write the bytes as base64 text, or in YAML as `!!binary` data"))
        default:
            return failure(value, "write the bytes as base64 text, or in YAML as `!!binary` data")
        }
    }

    /// No declared type: plain numbers are numbers, everything else keeps its written form.
    private func inferred(_ value: FixtureValue) -> Result<SQLValue, CoercionFailure> {
        switch value {
        case .plain(let text), .number(let text):
            if let integer = Int64(text) { return .success(.integer(integer)) }
            if let real = Double(text), real.isFinite, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                return .success(.real(real))
            }
            return .success(.text(text))
        case .quoted(let text): return .success(.text(text))
        case .bool(let flag): return .success(.integer(flag ? 1 : 0))
        case .binary(let bytes): return .success(.blob(bytes))
        case .list, .map: return .success(.text(value.jsonText))
        case .null: return .success(.null)
        case .exact(let exact): return .success(exact)
        }
    }
}

extension FixtureValue {
    var isList: Bool {
        if case .list = self { return true }
        return false
    }

    /// The value as compact JSON text, keys in written order. Plain scalars inside lists and
    /// maps are numbers, booleans or null when they read as one, else strings.
    var jsonText: String {
        var output = ""
        writeJSON(to: &output)
        return output
    }

    private func writeJSON(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .quoted(let text): JSONString.write(text, to: &output)
        case .binary(let bytes): JSONString.write(Data(bytes).base64EncodedString(), to: &output)
        case .exact(let value):
            switch value {
            case .null: output += "null"
            case .integer(let integer): output += String(integer)
            case .real(let real): output += DatabaseDialect.sqlite.literal(.real(real))
            case .text(let text): JSONString.write(text, to: &output)
            case .blob(let bytes): JSONString.write(Data(bytes).base64EncodedString(), to: &output)
            }
        case .plain(let text):
            if isNull { output += "null" }
            else if text == "true" || text == "false" { output += text }
            else if Int64(text) != nil { output += text }
            else if let real = Double(text), real.isFinite, text.first != "+", text.first != "." { output += text }
            else { JSONString.write(text, to: &output) }
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.writeJSON(to: &output)
            }
            output += "]"
        case .map(let entries):
            output += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { output += "," }
                JSONString.write(entry.key, to: &output)
                output += ":"
                entry.value.writeJSON(to: &output)
            }
            output += "}"
        }
    }
}
