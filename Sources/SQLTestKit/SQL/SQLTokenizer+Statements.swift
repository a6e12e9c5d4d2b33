extension SQLTokenizer {
    /// Splits a script into its statements at top-level semicolons, keeping the semicolons
    /// inside strings, comments and `CREATE TRIGGER … BEGIN … END` bodies. Returns each
    /// statement's text without the separating `;`, trimmed; empty statements are dropped.
    ///
    /// ```swift
    /// SQLTokenizer.statements(in: "CREATE TABLE t(x); INSERT INTO t VALUES (';');")
    /// // ["CREATE TABLE t(x)", "INSERT INTO t VALUES (';')"]
    /// ```
    public static func statements(in script: String, dialect: DatabaseDialect = .sqlite) -> [String] {
        statementsWithOffsets(in: script, dialect: dialect).map(\.text)
    }

    /// The statements of a script with the UTF-8 offset where each starts, for messages that
    /// name the line of a failing statement.
    package static func statementsWithOffsets(in script: String, dialect: DatabaseDialect = .sqlite) -> [(text: String, offset: Int)] {
        var statements: [(text: String, offset: Int)] = []
        var current: [SQLToken] = []
        var blockDepth = 0
        var isTrigger = false

        func flush() {
            let significant = current.filter(\.isSignificant)
            if !significant.isEmpty {
                // Trim leading and trailing whitespace and comments, keep inner ones verbatim.
                let first = current.firstIndex(where: \.isSignificant)!
                let last = current.lastIndex(where: \.isSignificant)!
                statements.append((current[first...last].map(\.text).joined(), current[first].offset))
            }
            current.removeAll(keepingCapacity: true)
            blockDepth = 0
            isTrigger = false
        }

        for token in tokenize(script, dialect: dialect) {
            if token.kind == .symbol && token.text == ";" && blockDepth == 0 {
                flush()
                continue
            }
            current.append(token)
            guard let keyword = token.keyword else { continue }
            if !isTrigger && keyword == "TRIGGER" {
                let words = current.compactMap(\.keyword)
                isTrigger = words.first == "CREATE"
            } else if isTrigger {
                if keyword == "BEGIN" || keyword == "CASE" { blockDepth += 1 }
                if keyword == "END" && blockDepth > 0 { blockDepth -= 1 }
            }
        }
        flush()
        return statements
    }
}
