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
        // The expanded text's tokens are compared as bytes where they are: a string is made
        // only of a text argument.
        var arguments: [SQLValue] = []
        var position = 0
        var negative = false
        var failed = false
        forEachSpan(expanded) { kind, bytes, _ in
            guard !failed, kind != .whitespace, kind != .comment else { return }
            guard position < pattern.count else { failed = true; return }
            let expected = pattern[position]
            guard expected.kind == .placeholder else {
                if !expected.text.utf8.elementsEqual(bytes) { failed = true }
                position += 1
                return
            }
            guard expected.text == "?" else { failed = true; return }
            if !negative, kind == .symbol, bytes.count == 1, bytes.first == UInt8(ascii: "-") {
                negative = true
                return
            }
            guard let value = literalValue(kind: kind, text: String(decoding: bytes, as: UTF8.self), negative: negative) else { failed = true; return }
            arguments.append(value)
            negative = false
            position += 1
        }
        return !failed && !negative && position == pattern.count ? arguments : nil
    }

    /// The value of one literal token, as SQLite writes values into expanded SQL.
    private static func literalValue(kind: SQLToken.Kind, text: String, negative: Bool) -> SQLValue? {
        switch kind {
        case .number:
            let signed = negative ? "-" + text : text
            if let integer = Int64(signed) { return .integer(integer) }
            return Double(signed).map(SQLValue.real)
        case .string where !negative && text.hasPrefix("'"):
            let inner = text.dropFirst().dropLast()
            // Only a text that holds a quote has doubled quotes to undo.
            return .text(inner.utf8.contains(UInt8(ascii: "'")) ? String(inner).replacingOccurrences(of: "''", with: "'") : String(inner))
        case .blob where !negative:
            let hex = Array(text.utf8.dropFirst(2).dropLast())
            guard hex.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            for index in stride(from: 0, to: hex.count, by: 2) {
                guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(byte)
            }
            return .blob(bytes)
        case .word where !negative && text.uppercased() == "NULL":
            return .null
        default:
            return nil
        }
    }
}
