extension MockEngine {
    /// The row an `INSERT … RETURNING` that no script answered gives back, as a database would:
    /// each returned column the insert set gets the value it was set to (a bound argument or a
    /// literal), and one it left to the database (or set to `NULL`) gets the generated `key`.
    /// ORMs read their new row's key this way (Fluent appends `RETURNING "id"` to every
    /// create); `nil` when the statement returns nothing.
    ///
    /// `INSERT INTO "book" ("id", "title") VALUES (NULL, ?1) RETURNING "id"` → `["id": key]`.
    static func returnedRow(of query: SQLQuery, key: Int64) -> ResultRow? {
        let tokens = SQLTokenizer.tokenize(query.sql).filter(\.isSignificant)
        guard let items = SQLTokenizer.returningItems(in: tokens) else { return nil }
        let given = insertedValues(tokens[...], arguments: query.arguments)
        // Each returned column: its name, and the inserted column it reads (`id AS key`, `b.id`).
        var returned: [(name: String, column: String?)] = []
        for item in items {
            if item.isStar {
                returned += given.map { ($0.column, $0.column) }
            } else {
                returned.append((item.name ?? "?column?", item.column))
            }
        }
        let values = returned.enumerated().map { index, item -> SQLValue in
            let inserted = item.column.flatMap { column in given.first { $0.column.asciiLowercased == column.asciiLowercased } }
            if let value = inserted?.value, value != .null { return value }
            // The column the database fills in: the generated key.
            return inserted != nil || index == 0 ? .integer(key) : .null
        }
        return ResultRow(columns: ResultColumns(returned.map(\.name)), values: values)
    }

    /// The columns of `INSERT INTO t (a, b) VALUES (x, y)` with the values of its first row
    /// (`nil` where a value is an expression the mock does not evaluate).
    private static func insertedValues(_ tokens: ArraySlice<SQLToken>, arguments: [SQLValue]) -> [(column: String, value: SQLValue?)] {
        guard let open = tokens.firstIndex(where: { $0.text == "(" }),
              let values = tokens.firstIndex(where: { $0.keyword == "VALUES" }), open < values,
              let valuesOpen = tokens[values...].firstIndex(where: { $0.text == "(" }) else { return [] }
        let columns = tokens[(open + 1)..<values].filter { $0.text != "," && $0.text != ")" }.map { $0.identifierName ?? $0.text }
        // Placeholders are counted through the whole statement up to each value.
        var placeholders = tokens[..<valuesOpen].filter { $0.kind == .placeholder }.count
        var items: [SQLValue?] = []
        var depth = 0
        var current: [SQLToken] = []
        for token in tokens[(valuesOpen + 1)...] {
            if token.text == "(" { depth += 1 }
            if token.text == ")" {
                if depth == 0 { items.append(value(of: current, arguments: arguments, placeholders: &placeholders)); break }
                depth -= 1
            }
            if token.text == ",", depth == 0 {
                items.append(value(of: current, arguments: arguments, placeholders: &placeholders))
                current = []
                continue
            }
            current.append(token)
        }
        return zip(columns, items).map { ($0, $1) }
    }

    private static func value(of tokens: [SQLToken], arguments: [SQLValue], placeholders: inout Int) -> SQLValue? {
        let count = tokens.filter { $0.kind == .placeholder }.count
        defer { placeholders += count }
        guard tokens.count == 1, let token = tokens.first else { return nil }
        switch token.kind {
        case .placeholder:
            // `?1`, `$1`: numbered; `?`: the next in order.
            let number = Int(token.text.dropFirst()).map { $0 - 1 } ?? placeholders
            return number >= 0 && number < arguments.count ? arguments[number] : nil
        default:
            return SQLTokenizer.literalValue(of: token)
        }
    }
}
