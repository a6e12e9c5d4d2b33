/// One lexical unit of SQL, as ``SQLTokenizer`` produces it.
///
/// Tokens keep their exact text and their UTF-8 offset in the statement, so diagnostics can
/// point at a column and renderers can rebuild the statement byte for byte.
///
/// ```swift
/// let tokens = SQLTokenizer.tokenize("SELECT * FROM book WHERE id = ?")
/// tokens.filter { $0.kind == .placeholder }.count   // 1
/// ```
public struct SQLToken: Sendable, Hashable {
    /// What a token is.
    public enum Kind: Sendable, Hashable {
        /// A keyword or unquoted identifier (`SELECT`, `book`).
        case word
        /// An identifier in `"double quotes"`, backticks or `[brackets]`.
        case quotedIdentifier
        /// A string literal: `'text'` (quotes doubled inside), `E'…'`, or a PostgreSQL
        /// dollar-quoted `$$…$$` / `$tag$…$tag$`.
        case string
        /// A blob literal, `X'CAFE'`.
        case blob
        /// A numeric literal: `42`, `3.14`, `1e-9`, `0x1F`.
        case number
        /// A bound-parameter marker in any style: `?`, `?1`, `$1`, `:name`, `@name`, `$name`.
        case placeholder
        /// An operator or punctuation: `(`, `,`, `<=`, `||`, `::`, `;`.
        case symbol
        /// A `-- line` or `/* block */` comment.
        case comment
        /// Spaces, tabs and newlines.
        case whitespace
    }

    /// The token's kind.
    public var kind: Kind
    /// The token's text exactly as written.
    public var text: String
    /// The UTF-8 offset of the token's first byte in the tokenized text.
    public var offset: Int

    /// A token of `kind` with its text as written and its UTF-8 offset in the statement.
    public init(kind: Kind, text: String, offset: Int) {
        self.kind = kind
        self.text = text
        self.offset = offset
    }

    /// Whether the token carries meaning (not whitespace, not a comment).
    public var isSignificant: Bool { kind != .whitespace && kind != .comment }

    /// For a word, its text uppercased; otherwise `nil`. Handy for keyword checks.
    public var keyword: String? { kind == .word ? text.asciiUppercased : nil }

    /// For a quoted identifier, the name without its quotes (doubled quotes undone); for a word,
    /// its text; otherwise `nil`.
    public var identifierName: String? {
        switch kind {
        case .word:
            return text
        case .quotedIdentifier:
            guard let open = text.first else { return nil }
            let inner = text.dropFirst().dropLast()
            if open == "[" { return String(inner) }
            // Inside quotes, a doubled quote stands for one.
            var name = ""
            var previousWasQuote = false
            for character in inner {
                if character == open && previousWasQuote {
                    previousWasQuote = false
                    continue
                }
                name.append(character)
                previousWasQuote = character == open
            }
            return name
        default:
            return nil
        }
    }
}
