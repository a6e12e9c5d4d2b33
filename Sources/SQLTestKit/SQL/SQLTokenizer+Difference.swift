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
        let expectedTokens = normalizedTokens(expected)
        let actualTokens = normalizedTokens(actual)
        let common = zip(expectedTokens, actualTokens).prefix { $0 == $1 }.count
        if common == expectedTokens.count && common == actualTokens.count { return [] }
        let wanted = common < expectedTokens.count ? "`\(expectedTokens[common])`" : "nothing more"
        let got = common < actualTokens.count ? "`\(actualTokens[common])`" : "nothing more"
        return [
            "first difference at token \(common + 1): expected \(wanted), actual has \(got)",
            "  expected: \(expected)",
            "  actual:   \(actual)",
            "            " + String(repeating: " ", count: MockDiagnostics.column(ofSignificantToken: common, in: actual)) + "^",
        ]
    }
}
