/// What a column's declared type asks values to be: SQLite's type affinity, refined by the
/// names people use for booleans, dates, times and JSON (which SQLite stores as numbers or text).
package enum ColumnKind: String, Sendable, Hashable {
    case integer, real, numeric, text, blob, any, boolean, date, dateTime, time, json, uuid
    /// A PostgreSQL array column (SQLite has none): its values are read as JSON arrays.
    case array

    /// The kind for a declared type, following SQLite's affinity rules (§3.1 of "Datatypes In
    /// SQLite": `INT` → integer; `CHAR`, `CLOB`, `TEXT` → text; `BLOB` → blob; `REAL`, `FLOA`,
    /// `DOUB` → real; otherwise numeric; no type → any) after checking for `BOOL`, `DATE`,
    /// `DATETIME`, `TIMESTAMP`, `TIME`, `JSON` and `UUID` (what Fluent's `.uuid` and
    /// PostgreSQL call the type; SQLite gives it numeric affinity and keeps UUID text as text).
    package init(declaredType: String) {
        let type = declaredType.asciiUppercased
        let base = String(type.prefix { $0 != "(" && $0 != " " })
        if type.contains("BOOL") { self = .boolean }
        else if base == "DATE" { self = .date }
        else if type.contains("DATETIME") || type.contains("TIMESTAMP") { self = .dateTime }
        else if base == "TIME" { self = .time }
        else if type.contains("JSON") { self = .json }
        else if base == "UUID" { self = .uuid }
        else if type.contains("INT") { self = .integer }
        else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { self = .text }
        else if type.contains("BLOB") { self = .blob }
        else if type.isEmpty { self = .any }
        else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { self = .real }
        else { self = .numeric }
    }

    /// How the kind is named in messages.
    var displayName: String {
        switch self {
        case .integer: "an integer"
        case .real: "a real number"
        case .numeric: "a number"
        case .text: "text"
        case .blob: "a blob"
        case .any: "any value"
        case .boolean: "a boolean"
        case .date: "a date"
        case .dateTime: "a date and time"
        case .time: "a time"
        case .json: "JSON"
        case .uuid: "a UUID"
        case .array: "an array"
        }
    }
}
