import Foundation

extension SQLTokenizer {
    /// The arguments a statement ran with, read back from the statement with its arguments
    /// written in (what SQLite's `sqlite3_expanded_sql` gives): each `?` of `sql` is matched
    /// with the literal at its place in `expanded`. Integers, reals (as SQLite prints them: 15
    /// significant digits), text, blobs and NULL are read; `nil` when the two do not line up,
    /// or when `sql` uses numbered or named parameters (which may repeat).
    ///
    /// ```swift
    /// SQLTokenizer.arguments(of: "SELECT * FROM book WHERE id = ? AND title = ?",
    ///                        expandedAs: "SELECT * FROM book WHERE id = 7 AND title = 'Dune'")
    /// // [.integer(7), .text("Dune")]
    /// ```
    public static func arguments(of sql: String, expandedAs expanded: String) -> [SQLValue]? {
        SQLArgumentPattern(sql: sql).arguments(expandedAs: expanded)
    }
}

/// A statement's SQL, tokenized once, for reading its arguments back from many expanded
/// forms of it (see ``SQLTokenizer/arguments(of:expandedAs:)``): a recorder that sees one
/// insert run ten thousand times tokenizes its text once.
///
/// ```swift
/// let pattern = SQLArgumentPattern(sql: "INSERT INTO item(name) VALUES (?)")
/// pattern.arguments(expandedAs: "INSERT INTO item(name) VALUES ('pen')")   // [.text("pen")]
/// ```
public struct SQLArgumentPattern: Sendable, Hashable {
    /// The SQL's bytes between its `?` placeholders, as written (an expansion keeps them as
    /// they are): one more than there are placeholders.
    private let segments: [[UInt8]]
    /// `false` when the SQL has numbered or named parameters.
    private let usable: Bool

    /// The pattern of `sql`.
    public init(sql: String) {
        var segments: [[UInt8]] = []
        var current: [UInt8] = []
        var usable = true
        SQLTokenizer.forEachSpan(sql) { kind, bytes, _ in
            guard kind == .placeholder else { return current.append(contentsOf: bytes) }
            if bytes.count != 1 { usable = false }
            segments.append(current)
            current = []
        }
        segments.append(current)
        self.segments = segments
        self.usable = usable
    }

    /// The arguments `expanded` (this SQL with its arguments written in) holds, or `nil` when
    /// it is not this SQL's expansion.
    public func arguments(expandedAs expanded: String) -> [SQLValue]? {
        guard usable else { return nil }
        return SQLTokenizer.withTokenReader(expanded) { arguments(reading: &$0) }
    }

    /// ``arguments(expandedAs:)`` for an expansion given as UTF-8 bytes (such as the text
    /// `sqlite3_expanded_sql` returns), read where they are.
    public func arguments(expandedUTF8 expanded: UnsafeBufferPointer<UInt8>) -> [SQLValue]? {
        guard usable else { return nil }
        return SQLTokenizer.withTokenReader(utf8: expanded) { arguments(reading: &$0) }
    }

    private func arguments(reading reader: inout TokenReader) -> [SQLValue]? {
        // The constant parts are compared as bytes; only the literals between them are read,
        // one token each (two for a negative number).
        let bytes = reader.bytes
        var values: [SQLValue] = []
        values.reserveCapacity(segments.count - 1)
        var offset = 0
        for (index, segment) in segments.enumerated() {
            guard offset + segment.count <= bytes.count,
                  segment.withUnsafeBufferPointer({ UnsafeBufferPointer(rebasing: bytes[offset..<offset + segment.count]).elementsEqual($0) })
            else { return nil }
            offset += segment.count
            if index == segments.count - 1 { break }
            var negative = false
            guard var token = reader.token(at: offset) else { return nil }
            if token.kind == .symbol, token.range.count == 1, bytes[token.range.lowerBound] == UInt8(ascii: "-") {
                negative = true
                guard let number = reader.token(at: token.range.upperBound), number.kind == .number else { return nil }
                token = number
            }
            guard let value = SQLTokenizer.literalValue(kind: token.kind, bytes: UnsafeBufferPointer(rebasing: bytes[token.range]), negative: negative) else {
                return nil
            }
            values.append(value)
            offset = token.range.upperBound
        }
        return offset == bytes.count ? values : nil
    }
}

extension SQLTokenizer {
    /// The value of one literal token (`42`, `-2.5` with `negative`, `'it''s'`, `X'CAFE'`, `NULL`),
    /// as SQLite writes values into expanded SQL; `nil` for anything else.
    static func literalValue(kind: SQLToken.Kind, bytes: UnsafeBufferPointer<UInt8>, negative: Bool) -> SQLValue? {
        switch kind {
        case .number:
            let text = String(decoding: bytes, as: UTF8.self)
            let signed = negative ? "-" + text : text
            if let integer = Int64(signed) { return .integer(integer) }
            return Double(signed).map(SQLValue.real)
        case .string where !negative && bytes.first == UInt8(ascii: "'"):
            let inner = UnsafeBufferPointer(rebasing: bytes.dropFirst().dropLast())
            let text = String(decoding: inner, as: UTF8.self)
            // Only a text that holds a quote has doubled quotes to undo.
            return .text(inner.contains(UInt8(ascii: "'")) ? text.replacingOccurrences(of: "''", with: "'") : text)
        case .blob where !negative:
            let hex = bytes.dropFirst(2).dropLast()
            guard hex.count % 2 == 0 else { return nil }
            var values: [UInt8] = []
            values.reserveCapacity(hex.count / 2)
            var index = hex.startIndex
            while index < hex.endIndex {
                guard let high = hexValue(hex[index]), let low = hexValue(hex[index + 1]) else { return nil }
                values.append(high << 4 | low)
                index += 2
            }
            return .blob(values)
        case .word where !negative && bytes.count == 4 && String(decoding: bytes, as: UTF8.self).uppercased() == "NULL":
            return .null
        default:
            return nil
        }
    }

    /// ``literalValue(kind:bytes:negative:)`` of a token (no sign before it).
    static func literalValue(of token: SQLToken) -> SQLValue? {
        var text = token.text
        return text.withUTF8 { literalValue(kind: token.kind, bytes: $0, negative: false) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
