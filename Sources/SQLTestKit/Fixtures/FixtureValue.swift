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
