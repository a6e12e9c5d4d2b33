/// A table a statement names: `book`, `main.book`, `"order"`, with where it is written.
public struct TableReference: Sendable, Hashable {
    /// The schema (or attached database) it is qualified with, if any.
    public var schema: String?
    /// The table's name, unquoted.
    public var name: String
    /// Whether the statement writes to it (the target of INSERT, UPDATE, DELETE or DDL).
    public var isWritten: Bool
    /// The UTF-8 range of the reference (schema and name) in the statement.
    public var range: Range<Int>
}

extension SQLTokenizer {
    /// The tables a statement reads and writes, in the order they appear, found with the one
    /// tokenizer: after `FROM`, `JOIN`, `INTO`, `UPDATE`, `TABLE` (in `CREATE`, `DROP`, `ALTER`),
    /// and `ON` of `CREATE INDEX`; comma-separated `FROM` lists; subqueries anywhere. Names a
    /// `WITH` clause defines and table-valued functions (`pragma_table_info(…)`) are not tables.
    ///
    /// ```swift
    /// SQLTokenizer.tableReferences(in: "SELECT * FROM book b JOIN main.author a ON a.id = b.author_id").map(\.name)
    /// // ["book", "author"]
    /// ```
    public static func tableReferences(in sql: String, dialect: DatabaseDialect = .sqlite) -> [TableReference] {
        let tokens = tokenize(sql, dialect: dialect).filter(\.isSignificant)
        let kind = StatementKind(tokens: tokens)
        let writes: Bool = switch kind {
        case .insert, .update, .delete, .schema: true
        default: false
        }
        var cteNames = Set<String>()
        var references: [TableReference] = []
        var index = 0

        func keyword(_ offset: Int) -> String? { offset < tokens.count ? tokens[offset].keyword : nil }
        func isName(_ token: SQLToken) -> Bool {
            token.kind == .quotedIdentifier || (token.kind == .word && !Self.clauseWords.contains(token.text.asciiUppercased))
        }
        /// Reads `name` or `schema.name` at `position`; returns the position after it.
        func readReference(at position: Int, written: Bool) -> Int {
            var position = position
            while let word = keyword(position), ["IF", "NOT", "EXISTS", "ONLY", "OR", "REPLACE", "IGNORE", "ROLLBACK", "ABORT", "FAIL"].contains(word) {
                position += 1
            }
            guard position < tokens.count, isName(tokens[position]) else { return position }
            var schema: String?
            var nameToken = tokens[position]
            var end = position + 1
            if end + 1 < tokens.count, tokens[end].text == ".", isName(tokens[end + 1]) {
                schema = nameToken.identifierName
                nameToken = tokens[end + 1]
                end += 2
            }
            // A table-valued function, not a table.
            if end < tokens.count, tokens[end].text == "(" , !written { return end }
            guard let name = nameToken.identifierName, !cteNames.contains(name.asciiLowercased) else { return end }
            let start = tokens[position].offset
            references.append(TableReference(schema: schema, name: name, isWritten: written,
                                             range: start..<(nameToken.offset + nameToken.text.utf8.count)))
            return end
        }

        while index < tokens.count {
            let token = tokens[index]
            guard let word = token.keyword else { index += 1; continue }
            switch word {
            case "WITH":
                // WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (…), …
                var position = index + 1
                if keyword(position) == "RECURSIVE" { position += 1 }
                while position < tokens.count, let name = tokens[position].identifierName {
                    cteNames.insert(name.asciiLowercased)
                    position += 1
                    if position < tokens.count, tokens[position].text == "(" { position = Self.skipParentheses(tokens, from: position) }
                    guard keyword(position) == "AS" else { break }
                    position += 1
                    while let word = keyword(position), word == "NOT" || word == "MATERIALIZED" { position += 1 }
                    // The CTE's body is scanned like any subquery, so its tables count.
                    let bodyEnd = position < tokens.count && tokens[position].text == "(" ? Self.skipParentheses(tokens, from: position) : position
                    guard bodyEnd < tokens.count, tokens[bodyEnd].text == "," else { break }
                    position = bodyEnd + 1
                }
                index += 1
            case "FROM", "JOIN":
                let deleting = word == "FROM" && kind == .delete && references.allSatisfy { !$0.isWritten }
                var position = readReference(at: index + 1, written: deleting && writes)
                // FROM a [AS] x, b [AS] y
                while word == "FROM" {
                    if keyword(position) == "AS" { position += 1 }
                    if position < tokens.count, tokens[position].kind != .symbol, isName(tokens[position]) { position += 1 }
                    guard position < tokens.count, tokens[position].text == "," else { break }
                    position = readReference(at: position + 1, written: false)
                }
                index = max(position, index + 1)
            case "INTO" where kind == .insert:
                index = readReference(at: index + 1, written: true)
            case "UPDATE" where kind == .update:
                index = readReference(at: index + 1, written: true)
            case "TABLE" where kind == .schema:
                index = readReference(at: index + 1, written: true)
            case "ON" where kind == .schema && tokens.prefix(4).contains(where: { $0.keyword == "INDEX" }):
                index = readReference(at: index + 1, written: true)
            default:
                index += 1
            }
        }
        return references
    }

    /// The position after the parenthesis group that opens at `start`.
    private static func skipParentheses(_ tokens: [SQLToken], from start: Int) -> Int {
        var depth = 0
        var position = start
        while position < tokens.count {
            if tokens[position].text == "(" { depth += 1 }
            if tokens[position].text == ")" { depth -= 1; if depth == 0 { return position + 1 } }
            position += 1
        }
        return position
    }

    /// Words that end a table reference rather than alias it.
    static let clauseWords: Set<String> = [
        "SELECT", "FROM", "WHERE", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "CROSS", "NATURAL", "FULL", "ON", "USING",
        "GROUP", "ORDER", "LIMIT", "OFFSET", "HAVING", "UNION", "EXCEPT", "INTERSECT", "SET", "VALUES", "DEFAULT",
        "RETURNING", "WINDOW", "AS", "AND", "OR", "NOT", "EXISTS", "IF", "INDEXED", "WITH", "INTO", "BEGIN", "END",
    ]
}
