import Foundation

/// One value as a fixture file wrote it, before it is coerced to the column's declared type.
///
/// Formats differ in what they can say: YAML and CSV distinguish a plain scalar (`42`, `true`,
/// `~`, an empty CSV field) from a quoted one (`'42'`, `"42"`), JSON has typed numbers and
/// booleans, and YAML can tag binary data. The loader keeps that difference so a quoted `"null"`
/// stays text while a plain `null` is NULL.
enum FixtureValue: Sendable, Hashable {
    /// An unquoted scalar whose type comes from the column (`42`, `yes`, `2024-05-01`, `~`).
    case plain(String)
    /// A quoted scalar, or a JSON string: text unless the column's type says otherwise.
    case quoted(String)
    /// A JSON number, kept as written.
    case number(String)
    /// A JSON boolean.
    case bool(Bool)
    /// A JSON `null`.
    case null
    /// YAML `!!binary` data.
    case binary([UInt8])
    /// A nested list, written to JSON columns as JSON text.
    case list([FixtureValue])
    /// A nested map in its written order, written to JSON columns as JSON text.
    case map([Entry])
    /// A value to store exactly as it is, whatever the column's declared type: what `dump`
    /// writes (`!text '…'` in YAML, `{"$text": "…"}` in JSON, `!text:…` in CSV) where reading
    /// the value by the column's type would store something else.
    case exact(SQLValue)

    struct Entry: Sendable, Hashable {
        var key: String
        var value: FixtureValue
    }

    /// The value as a short, quoted excerpt for error messages.
    var excerpt: String {
        let text: String
        switch self {
        case .plain(let value), .number(let value): text = value
        case .quoted(let value): text = "\"\(value)\""
        case .bool(let value): text = String(value)
        case .null: text = "null"
        case .binary(let bytes): text = "<\(bytes.count) bytes>"
        case .list, .map: text = jsonText
        case .exact(let value): text = value.description
        }
        return text.count > 40 ? String(text.prefix(37)) + "…" : text
    }

    /// Whether this is a null: JSON `null`, or a plain `null`, `NULL`, `~` or empty scalar.
    var isNull: Bool {
        switch self {
        case .null: true
        case .plain(let text):
            switch text.utf8.count {
            case 0: true
            case 1: text == "~"
            case 4: text == "null" || text == "NULL" || text == "Null"
            default: false
            }
        default: false
        }
    }
}

extension FixtureValue {
    /// The storage classes an exact value names: `text`, `integer`, `real`, `blob`, and
    /// `base64text` — text given as the base64 of its UTF-8, for text a YAML parser would not
    /// keep as it is (Yams drops every U+FEFF, even an escaped one).
    static let exactClasses = ["text", "integer", "real", "blob", "base64text"]

    /// The exact value a dump wrote as `class` and `text` (`integer`, `"42"`), or `nil` when
    /// `text` is not a value of that class (a blob is base64).
    static func exact(class storageClass: String, text: String) -> SQLValue? {
        switch storageClass {
        case "text": return .text(text)
        case "integer": return Int64(text).map(SQLValue.integer)
        // NaN too: PostgreSQL keeps it (SQLite's driver refuses it with its own error).
        case "real": return Double(text).map(SQLValue.real)
        case "blob": return Data(base64Encoded: text).map { .blob(Array($0)) }
        case "base64text": return Data(base64Encoded: text).flatMap { String(validating: Array($0), as: UTF8.self) }.map(SQLValue.text)
        default: return nil
        }
    }

    /// The class and text that ``exact(class:text:)`` reads back as `value` (`nil` for NULL,
    /// which every format writes plainly).
    static func exactParts(of value: SQLValue) -> (storageClass: String, text: String)? {
        switch value {
        case .null: nil
        case .integer(let integer): ("integer", String(integer))
        case .real(let real): ("real", FixtureWriter.realText(real))
        case .text(let text): ("text", text)
        case .blob(let bytes): ("blob", Data(bytes).base64EncodedString())
        }
    }

    /// A CSV field `!integer:42` (what CSV dumps write for an exact value), or `nil`.
    static func exactCSVField(_ field: String) -> SQLValue? {
        guard field.utf8.first == UInt8(ascii: "!"), let colon = field.firstIndex(of: ":") else { return nil }
        let storageClass = String(field[field.index(after: field.startIndex)..<colon])
        guard exactClasses.contains(storageClass) else { return nil }
        return exact(class: storageClass, text: String(field[field.index(after: colon)...]))
    }
}
