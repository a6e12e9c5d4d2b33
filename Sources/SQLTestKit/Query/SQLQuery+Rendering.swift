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
        if isSentAsWritten(in: dialect) { return sql }
        return render(for: dialect, expandingArguments: false)
    }

    /// Whether `dialect` receives ``sql`` unchanged: SQLite always, MySQL when no identifier
    /// needs backticks (both use `?` placeholders).
    func isSentAsWritten(in dialect: DatabaseDialect) -> Bool {
        dialect == .sqlite || (dialect == .mysql && identifierSpans.isEmpty)
    }

    private func render(for dialect: DatabaseDialect, expandingArguments: Bool) -> String {
        RenderTemplate(self, dialect: dialect).render(expanding: expandingArguments ? arguments : nil, dialect: dialect)
    }
}

/// A statement cut at its placeholders, with everything else already in a dialect's form
/// (identifiers from `\(identifier:)` re-quoted): rendering it again for new arguments needs
/// no tokenizing. The mock keeps one per SQL text it sees.
struct RenderTemplate: Sendable {
    /// The text around the placeholders: one more segment than placeholders.
    private var segments: [String] = []
    /// Each placeholder's parameter number, and its text when it is not expanded.
    private var placeholders: [(number: Int, text: String)] = []
    private var length = 0

    init(_ query: SQLQuery, dialect: DatabaseDialect) {
        var segment: [UInt8] = []
        var numbering = ParameterNumbering(dialect: dialect)
        var spans = query.identifierSpans[...]
        SQLTokenizer.forEachSpan(query.sql) { kind, bytes, offset in
            switch kind {
            case .placeholder:
                let text = String(decoding: bytes, as: UTF8.self)
                let number = numbering.number(for: text)
                segments.append(String(decoding: segment, as: UTF8.self))
                segment.removeAll(keepingCapacity: true)
                let unexpanded = dialect.placeholderStyle == .dollarNumbered && bytes.first == .questionMark ? "$\(number)" : text
                placeholders.append((number, unexpanded))
            case .quotedIdentifier where spans.first?.lowerBound == offset:
                spans.removeFirst()
                let token = SQLToken(kind: kind, text: String(decoding: bytes, as: UTF8.self), offset: offset)
                segment += dialect.quoteIdentifier(token.identifierName ?? token.text).utf8
            default:
                segment += bytes
            }
        }
        segments.append(String(decoding: segment, as: UTF8.self))
        length = segments.reduce(0) { $0 + $1.utf8.count } + placeholders.reduce(0) { $0 + $1.text.utf8.count }
    }

    /// The statement with `arguments` written in as literals (a placeholder without one stays
    /// as written), or with every placeholder as written when `arguments` is `nil`.
    func render(expanding arguments: [SQLValue]?, dialect: DatabaseDialect) -> String {
        var output = segments[0]
        output.reserveCapacity(length + (arguments?.count ?? 0) * 8)
        for (index, placeholder) in placeholders.enumerated() {
            if let arguments, placeholder.number >= 1, placeholder.number <= arguments.count {
                output += dialect.literal(arguments[placeholder.number - 1])
            } else {
                output += placeholder.text
            }
            output += segments[index + 1]
        }
        return output
    }
}
