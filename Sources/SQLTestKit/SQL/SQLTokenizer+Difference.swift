import Foundation

extension SQLTokenizer {
    /// Explains how two statements differ at the token level, for failure messages: the first
    /// differing token of their normalized forms, both texts, and a caret under the actual
    /// statement. Returns no lines when they are the same up to layout, case and quoting.
    ///
    /// ```swift
    /// SQLTokenizer.firstDifference(expected: "SELECT * FROM t WHERE id = 1", actual: "SELECT * FROM t")
    /// // ["first difference at token 5: expected `WHERE`, actual has nothing more", …]
    /// ```
    public static func firstDifference(expected: String, actual: String) -> [String] {
        firstDifference(expected: expected, actual: actual, labels: ("expected", "actual"))
    }

    /// ``firstDifference(expected:actual:)`` with other words for the two sides (the mock says
    /// "scripted" and "statement"). The texts are padded so the caret lines up.
    static func firstDifference(expected: String, actual: String, labels: (expected: String, actual: String)) -> [String] {
        let expectedTokens = normalizedTokens(expected)
        let actualTokens = normalizedTokens(actual)
        let common = zip(expectedTokens, actualTokens).prefix { $0 == $1 }.count
        if common == expectedTokens.count && common == actualTokens.count { return [] }
        let wanted = common < expectedTokens.count ? "`\(expectedTokens[common])`" : "nothing more"
        let got = common < actualTokens.count ? "`\(actualTokens[common])`" : "nothing more"
        let width = max(labels.expected.count, labels.actual.count) + 1
        func label(_ text: String) -> String { (text + ":").padding(toLength: width, withPad: " ", startingAt: 0) }
        return [
            "first difference at token \(common + 1): \(labels.expected) \(wanted), \(labels.actual) has \(got)",
            "  \(label(labels.expected)) \(expected)",
            "  \(label(labels.actual)) \(actual)",
            String(repeating: " ", count: width + 3 + column(ofSignificantToken: common, in: actual)) + "^",
        ]
    }

    /// The character column where the `index`-th significant token starts (or the end).
    static func column(ofSignificantToken index: Int, in sql: String) -> Int {
        let significant = tokenize(sql).filter { $0.isSignificant && !($0.kind == .symbol && $0.text == ";") }
        let offset = index < significant.count ? significant[index].offset : sql.utf8.count
        return String(decoding: sql.utf8.prefix(offset), as: UTF8.self).count
    }
}
