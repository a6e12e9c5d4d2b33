import Foundation

extension Data: SQLValueConvertible {
    /// Data is a `BLOB`; empty data is an empty blob, not `NULL`.
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
    public init?(sqlValue: SQLValue) {
        guard case .blob(let bytes) = sqlValue else { return nil }
        self = Data(bytes)
    }
}

extension Date: SQLValueConvertible {
    /// Dates are stored as UTC text, `2024-05-01 09:30:00.000`, which sorts correctly and
    /// works with SQLite's date functions.
    public var sqlValue: SQLValue { .text(SQLDateFormat.string(from: self)) }

    /// Reads ISO-8601 text (date only, `T` or space separator, optional fraction and zone) or
    /// a number of seconds since 1970.
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .text(let text):
            guard let date = SQLDateFormat.date(from: text) else { return nil }
            self = date
        case .integer(let seconds):
            self = Date(timeIntervalSince1970: TimeInterval(seconds))
        case .real(let seconds):
            self = Date(timeIntervalSince1970: seconds)
        default:
            return nil
        }
    }
}

extension UUID: SQLValueConvertible {
    /// UUIDs are stored as their canonical uppercase text.
    public var sqlValue: SQLValue { .text(uuidString) }

    /// Reads text in any case, or a 16-byte blob.
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .text(let text):
            guard let uuid = UUID(uuidString: text) else { return nil }
            self = uuid
        case .blob(let bytes) where bytes.count == 16:
            self = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        default:
            return nil
        }
    }
}
