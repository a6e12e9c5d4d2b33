extension SQLTokenizer {
    /// One item of a `RETURNING` clause.
    package struct ReturnedItem: Sendable, Hashable {
        /// The name the result column gets: the alias, or the column's own name; `nil` for an
        /// expression without an alias (the database names it).
        package var name: String?
        /// The table column the item reads (`id` in `id`, `b.id` or `id AS key`); `nil` for
        /// an expression.
        package var column: String?
        /// `*`: every column.
        package var isStar: Bool = false
    }

    /// The items of a statement's own `RETURNING` clause (not one inside parentheses), or
    /// `nil` when it has none. With `foldingCase`, unquoted names are lowercased, as
    /// PostgreSQL folds them.
    ///
    /// `INSERT INTO book (title) VALUES (?) RETURNING b.id, title AS t` →
    /// `[(name: id, column: id), (name: t, column: title)]`.
    package static func returningItems(of sql: String, foldingCase: Bool = false) -> [ReturnedItem]? {
        returningItems(in: tokenize(sql).filter(\.isSignificant), foldingCase: foldingCase)
    }

    /// ``returningItems(of:foldingCase:)`` over a statement's significant tokens, for a caller
    /// that reads them for more than the clause.
    package static func returningItems(in tokens: [SQLToken], foldingCase: Bool = false) -> [ReturnedItem]? {
        var depth = 0
        var start: Int?
        for (index, token) in tokens.enumerated() {
            if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
            if depth == 0, token.keyword == "RETURNING" { start = index + 1; break }
        }
        guard let start else { return nil }
        var items: [[SQLToken]] = [[]]
        depth = 0
        for token in tokens[start...] where token.text != ";" {
            if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
            if depth == 0, token.text == "," { items.append([]) } else { items[items.count - 1].append(token) }
        }
        func name(_ token: SQLToken) -> String? {
            guard token.text != "*", let name = token.identifierName else { return nil }
            return foldingCase && token.kind == .word ? name.lowercased() : name
        }
        return items.filter { !$0.isEmpty }.map { item in
            var body = item[...]
            var alias: String?
            if body.count >= 3, body[body.endIndex - 2].keyword == "AS" {
                alias = name(body[body.endIndex - 1])
                body = body.dropLast(2)
            }
            var column: String?
            var isStar = false
            if body.count == 1 {
                isStar = body.first?.text == "*"
                column = name(body[body.startIndex])
            } else if body.count == 3, body[body.startIndex + 1].text == "." {
                isStar = body.last?.text == "*"
                column = name(body[body.startIndex + 2])
            }
            return ReturnedItem(name: alias ?? column, column: column, isStar: isStar)
        }
    }
}
