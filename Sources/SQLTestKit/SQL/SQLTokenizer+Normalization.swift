extension SQLTokenizer {
    /// The statement's significant tokens in a canonical spelling, for comparing statements
    /// that differ only in layout: whitespace and comments dropped, keywords uppercased,
    /// identifier quotes removed (`"book"` and `book` agree; `Book` and `book` do not), and
    /// every placeholder written `?`. String literals and identifiers keep their spelling.
    ///
    /// ```swift
    /// SQLTokenizer.normalizedTokens(#"select "id"  from book where id = $1"#)
    /// // ["SELECT", "id", "FROM", "book", "WHERE", "id", "=", "?"]
    /// ```
    public static func normalizedTokens(_ sql: String) -> [String] {
        normalizedTokens(tokenize(sql))
    }

    /// ``normalizedTokens(_:)`` for tokens already produced.
    public static func normalizedTokens(_ tokens: [SQLToken]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(tokens.count / 2 + 1)
        for token in tokens {
            switch token.kind {
            case .whitespace, .comment:
                continue
            case .placeholder:
                result.append("?")
            case .quotedIdentifier:
                result.append(token.identifierName ?? token.text)
            case .word:
                let upper = token.text.asciiUppercased
                result.append(SQLKeywords.all.contains(upper) ? upper : token.text)
            case .symbol where token.text == ";":
                continue
            default:
                result.append(token.text)
            }
        }
        return result
    }

    /// The statement exactly as written but for its placeholders, each written `?`: how an
    /// exact mock script and the statement it answers agree whatever placeholder style
    /// either uses (`?`, `?1`, `$1`, `:name`), as `assertSQL` agrees.
    ///
    /// ```swift
    /// SQLTokenizer.unifyingPlaceholders(#"SELECT * FROM "todos" WHERE "id" = $1"#, dialect: .postgres)
    /// // SELECT * FROM "todos" WHERE "id" = ?
    /// ```
    public static func unifyingPlaceholders(_ sql: String, dialect: DatabaseDialect = .sqlite) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(sql.utf8.count)
        forEachSpan(sql, dialect: dialect) { kind, bytes, _ in
            if kind == .placeholder { output.append(.questionMark) } else { output += bytes }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The normalized statement as one string, tokens separated by single spaces: the same
    /// tokens as `normalizedTokens(_:)`, built from byte spans without a `String` per token.
    public static func normalize(_ sql: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(sql.utf8.count)
        forEachSpan(sql) { kind, bytes, offset in
            switch kind {
            case .whitespace, .comment:
                return
            case .symbol where bytes.count == 1 && bytes.first == 0x3B:
                return
            default:
                break
            }
            if !output.isEmpty { output.append(.space) }
            switch kind {
            case .placeholder:
                output.append(.questionMark)
            case .quotedIdentifier:
                let token = SQLToken(kind: kind, text: String(decoding: bytes, as: UTF8.self), offset: offset)
                output += (token.identifierName ?? token.text).utf8
            case .word:
                let upper = bytes.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }
                if SQLKeywords.all.contains(String(decoding: upper, as: UTF8.self)) { output += upper } else { output += bytes }
            default:
                output += bytes
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The statement's *shape*: normalized, with every literal and placeholder written `?`
    /// and lists of them (`IN (?, ?, ?)`) collapsed to one, so statements that differ only in
    /// their values share a shape. Used to spot N+1 query patterns.
    ///
    /// ```swift
    /// SQLTokenizer.shape("SELECT * FROM book WHERE id IN (1, 2, 3)")   // "SELECT * FROM book WHERE id IN (?)"
    /// ```
    public static func shape(_ sql: String) -> String {
        var result: [String] = []
        let tokens = tokenize(sql)
        let normalized = normalizedTokens(tokens)
        var significant = tokens.filter { $0.isSignificant && !($0.kind == .symbol && $0.text == ";") }.makeIterator()
        for text in normalized {
            let kind = significant.next()?.kind
            let isValue = kind == .string || kind == .number || kind == .placeholder || kind == .blob
                || (kind == .word && (text == "NULL" || text == "TRUE" || text == "FALSE"))
            let piece = isValue ? "?" : text
            // Collapse `?, ?, ?` into one `?`.
            if piece == "?", result.count >= 2, result[result.count - 1] == ",", result[result.count - 2] == "?" {
                result.removeLast()
                continue
            }
            result.append(piece)
        }
        // Spaced as people write SQL: `a.b`, `f(x)`, `a, b`.
        var text = ""
        for (index, piece) in result.enumerated() {
            if index > 0, ![",", ".", ")"].contains(piece), result[index - 1] != ".", result[index - 1] != "(" { text += " " }
            text += piece
        }
        return text
    }
}

/// SQL keywords (SQLite's list plus common PostgreSQL and MySQL ones), uppercased.
enum SQLKeywords {
    static let all: Set<String> = [
        "ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE", "AND", "ANY", "AS", "ASC", "ATTACH",
        "AUTOINCREMENT", "BEFORE", "BEGIN", "BETWEEN", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN",
        "COMMIT", "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
        "CURRENT_TIMESTAMP", "DATABASE", "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DETACH", "DISTINCT",
        "DO", "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCLUDE", "EXCLUSIVE", "EXISTS", "EXPLAIN", "FAIL",
        "FALSE", "FILTER", "FIRST", "FOLLOWING", "FOR", "FOREIGN", "FROM", "FULL", "GENERATED", "GLOB", "GROUP",
        "GROUPS", "HAVING", "IF", "IGNORE", "ILIKE", "IMMEDIATE", "IN", "INDEX", "INDEXED", "INITIALLY", "INNER",
        "INSERT", "INSTEAD", "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "KEY", "LAST", "LEFT", "LIKE", "LIMIT",
        "MATCH", "MATERIALIZED", "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL", "NULL", "NULLS", "OF", "OFFSET", "ON",
        "OR", "ORDER", "OTHERS", "OUTER", "OVER", "PARTITION", "PLAN", "PRAGMA", "PRECEDING", "PRIMARY", "QUERY",
        "RAISE", "RANGE", "RECURSIVE", "REFERENCES", "REGEXP", "REINDEX", "RELEASE", "RENAME", "REPLACE", "RESTRICT",
        "RETURNING", "RIGHT", "ROLLBACK", "ROW", "ROWS", "SAVEPOINT", "SELECT", "SET", "SHOW", "START", "TABLE",
        "TEMP", "TEMPORARY", "THEN", "TIES", "TO", "TRANSACTION", "TRIGGER", "TRUE", "TRUNCATE", "UNBOUNDED", "UNION",
        "UNIQUE", "UPDATE", "USING", "VACUUM", "VALUES", "VIEW", "VIRTUAL", "WHEN", "WHERE", "WINDOW", "WITH",
        "WITHOUT", "DUPLICATE", "LOCK", "SHARE", "NOWAIT", "SKIP", "LOCKED", "ILIKE", "SIMILAR", "LATERAL",
    ]
}
