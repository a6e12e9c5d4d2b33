/// A row could not be read into the Swift type asked for.
///
/// The message names the column, the value with its storage class, and the wanted type,
/// or — for a missing column — the row's columns and the nearest name:
///
/// ```text
/// column `year` holds TEXT '1965?', which cannot be read as Int
/// no column `titel` in row [id, title, year]; did you mean `title`?
/// ```
public struct RowDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The column involved, if one is.
    public var column: String?
    /// The value that did not convert, if any.
    public var value: SQLValue?
    /// The Swift type asked for.
    public var wantedType: String
    /// The row's column names.
    public var availableColumns: [String]
    /// The whole message.
    public var description: String

    static func missingColumn(_ name: String, in row: ResultRow, wanted: String = "") -> RowDecodingError {
        var message = "no column `\(name)` in row [\(row.columnNames.joined(separator: ", "))]"
        if let suggestion = Suggestions.closest(to: name, in: row.columnNames) {
            message += "; did you mean `\(suggestion)`?"
        }
        return RowDecodingError(column: name, value: nil, wantedType: wanted, availableColumns: row.columnNames, description: message)
    }

    static func mismatch(column: String, value: SQLValue, wanted: Any.Type, in row: ResultRow, detail: String? = nil) -> RowDecodingError {
        let shown = value.isNull ? "NULL" : "\(value.storageClass) \(value)"
        var message = "column `\(column)` holds \(shown), which cannot be read as \(wanted)"
        if value.isNull { message += "; declare the property optional (\(wanted)?) if the column may be NULL" }
        if let detail { message += " (\(detail))" }
        return RowDecodingError(column: column, value: value, wantedType: "\(wanted)", availableColumns: row.columnNames, description: message)
    }

    static func other(_ message: String, wanted: Any.Type, in row: ResultRow) -> RowDecodingError {
        RowDecodingError(column: nil, value: nil, wantedType: "\(wanted)", availableColumns: row.columnNames, description: message)
    }
}
