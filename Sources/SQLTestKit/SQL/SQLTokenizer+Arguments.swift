import Foundation

extension SQLTokenizer {
    /// The arguments a statement ran with, read back from the statement with its arguments
    /// written in (what SQLite's `sqlite3_expanded_sql` and GRDB's trace give): each `?` of
    /// `sql` is matched with the literal at its place in `expanded`. Integers, reals (as SQLite
    /// prints them: 15 significant digits), text, blobs and NULL are read; `nil` when the two
    /// do not line up, or when `sql` uses numbered or named parameters (which may repeat).
    ///
    /// ```swift
    /// SQLTokenizer.arguments(of: "SELECT * FROM book WHERE id = ? AND title = ?",
    ///                        expandedAs: "SELECT * FROM book WHERE id = 7 AND title = 'Dune'")
    /// // [.integer(7), .text("Dune")]
    /// ```
    public static func arguments(of sql: String, expandedAs expanded: String) -> [SQLValue]? {
        arguments(ofPattern: tokenize(sql).filter(\.isSignificant), expandedAs: expanded)
    }

    /// ``arguments(of:expandedAs:)`` for a statement already tokenized (its significant
    /// tokens), for callers that see the same SQL text many times.
    public static func arguments(ofPattern pattern: [SQLToken], expandedAs expanded: String) -> [SQLValue]? {
        let filled = tokenize(expanded).filter(\.isSignificant)
        var arguments: [SQLValue] = []
        var position = 0
        for token in pattern {
            guard position < filled.count else { return nil }
            guard token.kind == .placeholder else {
                guard filled[position].text == token.text else { return nil }
                position += 1
                continue
            }
            guard token.text == "?" else { return nil }
            var negative = false
            if filled[position].text == "-", position + 1 < filled.count, filled[position + 1].kind == .number {
                negative = true
                position += 1
            }
            guard let value = literalValue(filled[position], negative: negative) else { return nil }
            arguments.append(value)
            position += 1
        }
        return position == filled.count ? arguments : nil
    }

    /// The value of one literal token, as SQLite writes values into expanded SQL.
    private static func literalValue(_ token: SQLToken, negative: Bool) -> SQLValue? {
        let sign = negative ? "-" : ""
        switch token.kind {
        case .number:
            if let integer = Int64(sign + token.text) { return .integer(integer) }
            return Double(sign + token.text).map(SQLValue.real)
        case .string where !negative && token.text.hasPrefix("'"):
            return .text(String(token.text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
        case .blob where !negative:
            let hex = Array(token.text.utf8.dropFirst(2).dropLast())
            guard hex.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            for index in stride(from: 0, to: hex.count, by: 2) {
                guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(byte)
            }
            return .blob(bytes)
        case .word where !negative && token.keyword == "NULL":
            return .null
        default:
            return nil
        }
    }
}
