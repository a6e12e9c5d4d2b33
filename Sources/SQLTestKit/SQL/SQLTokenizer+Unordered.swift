extension SQLTokenizer {
    /// The normalized statement (see ``normalize(_:)``) with the lists whose order means
    /// nothing put in one order, for matching ORM output whose order varies between runs:
    ///
    /// - the items of an `IN (…)` list (not a subquery);
    /// - the rows of a `VALUES` list;
    /// - the assignments of a `SET` (`UPDATE … SET a = 1, b = 2`, `DO UPDATE SET …`);
    /// - the columns of `INSERT INTO t (a, b) VALUES …`, each row's values moved with them.
    ///
    /// Nothing else moves: items keep their multiplicity, a value stays with its column, and a
    /// condition, a select list or an `ORDER BY` keeps its order.
    ///
    /// ```swift
    /// SQLTokenizer.unorderedForm("UPDATE t SET b = 2, a = 1 WHERE id IN (3, 1, 2)")
    /// // UPDATE t SET a = 1 , b = 2 WHERE id IN ( 1 , 2 , 3 )
    /// ```
    public static func unorderedForm(_ sql: String) -> String {
        canonical(normalizedTokens(sql)[...]).joined(separator: " ")
    }

    private static func canonical(_ tokens: ArraySlice<String>) -> [String] {
        var output: [String] = []
        output.reserveCapacity(tokens.count)
        var index = tokens.startIndex
        while index < tokens.endIndex {
            let token = tokens[index]
            if token == "(" {
                let close = closingParenthesis(tokens, from: index)
                let inner = tokens[(index + 1)..<close]
                if output.last == "IN", !isSubquery(inner) {
                    output += parenthesized(sortedItems(inner))
                    index = close + 1
                    continue
                }
                if isInsertTarget(output), close + 1 < tokens.endIndex, tokens[close + 1] == "VALUES" {
                    let rows = valuesRows(tokens, from: close + 2)
                    output += insertColumnsAndRows(columns: items(inner), rows: rows.rows)
                    index = rows.end
                    continue
                }
                output += parenthesized([canonical(inner)])
                index = close + 1
                continue
            }
            if token == "VALUES" {
                let rows = valuesRows(tokens, from: index + 1)
                output.append("VALUES")
                output += joined(rows.rows.map(parenthesized).sorted(by: isOrderedBefore), separator: ",")
                index = rows.end
                continue
            }
            if token == "SET" {
                var end = index + 1
                var depth = 0
                while end < tokens.endIndex {
                    let word = tokens[end]
                    if word == "(" { depth += 1 } else if word == ")" { depth -= 1 }
                    if depth < 0 || (depth == 0 && ["WHERE", "RETURNING", "FROM", "ORDER", "LIMIT"].contains(word)) { break }
                    end += 1
                }
                output.append("SET")
                output += joined(sortedItems(tokens[(index + 1)..<end]), separator: ",")
                index = end
                continue
            }
            output.append(token)
            index += 1
        }
        return output
    }

    /// The index of the `)` closing the `(` at `open`, or the end when it is never closed.
    private static func closingParenthesis(_ tokens: ArraySlice<String>, from open: Int) -> Int {
        var depth = 0
        for index in open..<tokens.endIndex {
            if tokens[index] == "(" { depth += 1 } else if tokens[index] == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return tokens.endIndex
    }

    private static func isSubquery(_ tokens: ArraySlice<String>) -> Bool {
        ["SELECT", "WITH", "VALUES", "TABLE"].contains(tokens.first ?? "")
    }

    /// Whether `output` ends with `INTO name` or `INTO schema . name` of an INSERT.
    private static func isInsertTarget(_ output: [String]) -> Bool {
        guard let into = output.lastIndex(of: "INTO"), output[..<into].contains(where: { $0 == "INSERT" || $0 == "REPLACE" }) else { return false }
        let name = output.count - into - 1
        return name == 1 || (name == 3 && output[into + 2] == ".")
    }

    /// The comma-separated items at depth 0, each made canonical.
    private static func items(_ tokens: ArraySlice<String>) -> [[String]] {
        var items: [[String]] = []
        var start = tokens.startIndex
        var depth = 0
        for index in tokens.indices {
            if tokens[index] == "(" { depth += 1 } else if tokens[index] == ")" { depth -= 1 }
            if depth == 0, tokens[index] == "," {
                items.append(canonical(tokens[start..<index]))
                start = index + 1
            }
        }
        if start < tokens.endIndex || !items.isEmpty { items.append(canonical(tokens[start..<tokens.endIndex])) }
        return items
    }

    private static func sortedItems(_ tokens: ArraySlice<String>) -> [[String]] {
        items(tokens).sorted(by: isOrderedBefore)
    }

    /// The rows `( … ) , ( … )` from `start`, each row's items made canonical, and where the
    /// list ends.
    private static func valuesRows(_ tokens: ArraySlice<String>, from start: Int) -> (rows: [[[String]]], end: Int) {
        var rows: [[[String]]] = []
        var index = start
        while index < tokens.endIndex, tokens[index] == "(" {
            let close = closingParenthesis(tokens, from: index)
            rows.append(items(tokens[(index + 1)..<close]))
            index = close + 1
            guard index < tokens.endIndex, tokens[index] == ",", index + 1 < tokens.endIndex, tokens[index + 1] == "(" else { break }
            index += 1
        }
        return (rows, index)
    }

    /// `( columns ) VALUES rows`, the columns sorted and every row's values moved with them,
    /// then the rows sorted; columns are left in place when a row has another length.
    private static func insertColumnsAndRows(columns: [[String]], rows: [[[String]]]) -> [String] {
        var order = Array(columns.indices)
        if rows.allSatisfy({ $0.count == columns.count }) {
            order.sort { isOrderedBefore(columns[$0], columns[$1]) }
        }
        let sortedRows = rows.map { row in row.count == columns.count ? order.map { row[$0] } : row }
        return parenthesized(order.map { columns[$0] }) + ["VALUES"]
            + joined(sortedRows.map(parenthesized).sorted(by: isOrderedBefore), separator: ",")
    }

    private static func parenthesized(_ items: [[String]]) -> [String] {
        ["("] + joined(items, separator: ",") + [")"]
    }

    private static func joined(_ items: [[String]], separator: String) -> [String] {
        var result: [String] = []
        for (position, item) in items.enumerated() {
            if position > 0 { result.append(separator) }
            result += item
        }
        return result
    }

    private static func isOrderedBefore(_ a: [String], _ b: [String]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }
}
