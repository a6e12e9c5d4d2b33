extension SQLQuery {
    /// The statement with its arguments written in as SQLite literals — for display and
    /// assertions, never for execution.
    ///
    /// ```swift
    /// let query: SQLQuery = "INSERT INTO note(body, data) VALUES (\("it's"), \([UInt8]([0xCA, 0xFE])))"
    /// query.expandedSQL   // INSERT INTO note(body, data) VALUES ('it''s', X'CAFE')
    /// ```
    public var expandedSQL: String { expandedSQL(for: .sqlite) }

    /// The statement with its arguments written in as `dialect`'s literals, identifiers quoted
    /// for `dialect`. A placeholder with no argument stays as written.
    public func expandedSQL(for dialect: DatabaseDialect) -> String {
        render(for: dialect, expandingArguments: true)
    }

    /// The SQL text as `dialect` expects it: `$1, $2, …` placeholders for PostgreSQL, and
    /// identifiers from `\(identifier:)` in backticks for MySQL. Text the author wrote is left
    /// as it is.
    public func sql(for dialect: DatabaseDialect) -> String {
        if dialect == .sqlite || (dialect == .mysql && identifierSpans.isEmpty) { return sql }
        return render(for: dialect, expandingArguments: false)
    }

    private func render(for dialect: DatabaseDialect, expandingArguments: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(sql.utf8.count + arguments.count * 8)
        var numbering = ParameterNumbering()
        var spans = identifierSpans[...]
        SQLTokenizer.forEachSpan(sql) { kind, bytes, offset in
            switch kind {
            case .placeholder:
                let text = String(decoding: bytes, as: UTF8.self)
                let number = numbering.number(for: text)
                if expandingArguments, number >= 1, number <= arguments.count {
                    output += dialect.literal(arguments[number - 1]).utf8
                } else if dialect.placeholderStyle == .dollarNumbered, bytes.first == .questionMark {
                    output += "$\(number)".utf8
                } else {
                    output += bytes
                }
            case .quotedIdentifier where spans.first?.lowerBound == offset:
                spans.removeFirst()
                let token = SQLToken(kind: kind, text: String(decoding: bytes, as: UTF8.self), offset: offset)
                output += dialect.quoteIdentifier(token.identifierName ?? token.text).utf8
            default:
                output += bytes
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
