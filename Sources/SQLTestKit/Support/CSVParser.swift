/// An RFC 4180 CSV parser over bytes: quoted fields with embedded commas, quotes (doubled)
/// and newlines, CRLF or LF line ends, and a leading UTF-8 BOM.
///
/// Written here rather than taken from a package: the CSV packages available either lack
/// Swift 6 support or Linux CI, and parsing bytes is several times faster than splitting
/// `String`s, which matters for 100k-row fixture files.
enum CSVParser {
    /// One field, with whether it was quoted (quoted fields are always text) and the line
    /// it started on.
    struct Field: Hashable {
        var text: String
        var quoted: Bool
        var line: Int

        /// Unquoted integers and decimals as numbers, unquoted empty or `NULL` as NULL,
        /// anything else as text.
        var inferredValue: SQLValue {
            if quoted { return .text(text) }
            if text.isEmpty || text == "NULL" { return .null }
            if let integer = Int64(text) { return .integer(integer) }
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let real = Double(text), real.isFinite {
                return .real(real)
            }
            return .text(text)
        }
    }

    /// A malformed CSV text, with the line where the problem is.
    struct Error: Swift.Error, Hashable, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// The records of `bytes`; blank lines are skipped.
    static func parse(_ bytes: [UInt8]) throws -> [[Field]] {
        var records: [[Field]] = []
        try parse(bytes) { records.append($0) }
        return records
    }

    /// Where a resumed parse starts: a byte offset at the beginning of a record, and its line.
    struct Position: Sendable, Hashable {
        var offset: Int
        var line: Int
        /// The start of the text.
        static let start = Position(offset: 0, line: 1)
    }

    /// Calls `onRecord` with each record of `bytes` in turn (blank lines skipped), reusing one
    /// buffer: large files are read without keeping every record's fields twice.
    static func parse(_ input: [UInt8], onRecord: ([Field]) throws -> Void) throws {
        _ = try parse(input, from: .start, limit: .max, onRecord: onRecord)
    }

    /// Calls `onRecord` with at most `limit` records, starting at `start`; returns where the
    /// next record starts, or `nil` when the text is at its end. Large files are read a chunk
    /// of records at a time this way.
    ///
    /// With `onlyTextOf`, only the field at that position gets its text; the others are
    /// counted and checked but left empty (checking a large file's shape without making a
    /// string of every field; `-1` for none).
    static func parse(_ input: [UInt8], from start: Position, limit: Int, onlyTextOf wanted: Int? = nil,
                      onRecord: ([Field]) throws -> Void) throws -> Position? {
        // Over the array's buffer: the byte loops below run without bounds checks.
        try input.withUnsafeBufferPointer { bytes in
            var record: [Field] = []
            var field: [UInt8] = []
            var index = start.offset
            var line = start.line
            var fieldLine = line
            var quoted = false
            var lineHasContent = false
            var emitted = 0
            if index == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            /// Where the current field began: a quote opens a quoted field only there.
            var fieldStart = index

            // An unquoted field is usually one run of bytes: it is kept as a range of `bytes` and
            // becomes a string in one step, without being copied into `field` first.
            var run: Range<Int>?
            func endField() {
                if let wanted, record.count != wanted {
                    record.append(Field(text: "", quoted: quoted, line: fieldLine))
                    field.removeAll(keepingCapacity: true)
                } else if let range = run, field.isEmpty {
                    record.append(Field(text: String(decoding: bytes[range], as: UTF8.self), quoted: quoted, line: fieldLine))
                } else {
                    if let range = run { field.append(contentsOf: bytes[range]) }
                    record.append(Field(text: String(decoding: field, as: UTF8.self), quoted: quoted, line: fieldLine))
                    field.removeAll(keepingCapacity: true)
                }
                run = nil
                quoted = false
            }
            func endRecord() throws {
                if lineHasContent || record.count > 0 {
                    endField()
                    try onRecord(record)
                    emitted += 1
                }
                record.removeAll(keepingCapacity: true)
                field.removeAll(keepingCapacity: true)
                run = nil
                quoted = false
                lineHasContent = false
            }

            while index < bytes.count {
                let byte = bytes[index]
                if byte == .doubleQuote && index == fieldStart {
                    // A quoted field: read to the closing quote.
                    quoted = true
                    lineHasContent = true
                    fieldLine = line
                    index += 1
                    var closed = false
                    while index < bytes.count {
                        let inner = bytes[index]
                        if inner == .doubleQuote {
                            if index + 1 < bytes.count && bytes[index + 1] == .doubleQuote {
                                field.append(.doubleQuote)
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        if inner == .newline { line += 1 }
                        field.append(inner)
                        index += 1
                    }
                    guard closed else { throw Error(line: fieldLine, message: "a quoted field is never closed") }
                    if index < bytes.count, ![UInt8.comma, .newline, .carriageReturn].contains(bytes[index]) {
                        throw Error(line: line, message: "unexpected character after a closing quote; a quote inside a quoted field must be doubled")
                    }
                    continue
                }
                switch byte {
                case .comma:
                    if !lineHasContent { fieldLine = line }
                    lineHasContent = true
                    endField()
                    fieldLine = line
                    fieldStart = index + 1
                case .carriageReturn where index + 1 < bytes.count && bytes[index + 1] == .newline:
                    index += 1
                    try endRecord()
                    line += 1
                    fieldLine = line
                    fieldStart = index + 1
                    if emitted == limit { return index + 1 < bytes.count ? Position(offset: index + 1, line: line) : nil }
                case .newline:
                    try endRecord()
                    line += 1
                    fieldLine = line
                    fieldStart = index + 1
                    if emitted == limit { return index + 1 < bytes.count ? Position(offset: index + 1, line: line) : nil }
                default:
                    if quoted {
                        throw Error(line: line, message: "unexpected character after a closing quote; a quote inside a quoted field must be doubled")
                    }
                    if !lineHasContent { fieldLine = line }
                    lineHasContent = true
                    // The rest of an unquoted field in one copy, up to the next comma or line end
                    // (a lone CR is part of the field, as above).
                    var end = index + 1
                    while end < bytes.count {
                        let next = bytes[end]
                        if next == .comma || next == .newline || next == .carriageReturn { break }
                        end += 1
                    }
                    // A second run in one field (after a lone CR) joins the first in `field`.
                    if let earlier = run { field.append(contentsOf: bytes[earlier]) }
                    if run != nil || !field.isEmpty {
                        field.append(contentsOf: bytes[index..<end])
                        run = nil
                    } else {
                        run = index..<end
                    }
                    index = end
                    continue
                }
                index += 1
            }
            try endRecord()
            return nil
        }
    }
}

extension UInt8 {
    static var comma: UInt8 { 0x2C }
}
