/// The one SQL tokenizer in SQLTestKit.
///
/// Everything that looks inside SQL — expanding arguments into literals, rendering for a
/// dialect, classifying statements, splitting scripts, normalizing and diffing for the mock,
/// finding the tables a statement touches — goes through it, so they all agree on what is a
/// string, a quoted identifier, a comment or a placeholder.
///
/// It never fails: unterminated strings or comments run to the end of the text, and the
/// database reports the syntax error when the statement runs.
///
/// It reads SQL by the lexical rules of a dialect (SQLite's unless told otherwise), because
/// where a comment or a string ends differs between databases, and with it what a statement
/// is: PostgreSQL nests block comments and ends a `--` comment at a carriage return too, so
/// `/* /* */ SELECT 1 */ COMMIT` is a `COMMIT` there and a `SELECT` in SQLite. Code that
/// decides what a statement does (test transactions, fixture files) passes the dialect of
/// the database that runs it.
///
/// ```swift
/// SQLTokenizer.tokenize("SELECT 'a?b' FROM t WHERE x = ?")
///     .filter(\.isSignificant).map(\.kind)
/// // [.word, .string, .word, .word, .word, .word, .symbol, .placeholder]
/// ```
public enum SQLTokenizer {
    /// Splits `sql` into tokens, whitespace and comments included, so that concatenating the
    /// tokens' text gives back `sql` exactly.
    public static func tokenize(_ sql: String, dialect: DatabaseDialect = .sqlite) -> [SQLToken] {
        withLexer(sql, dialect: dialect) { lexer in
            var tokens: [SQLToken] = []
            tokens.reserveCapacity(16)
            while let token = lexer.next() {
                tokens.append(token)
            }
            return tokens
        }
    }

    /// The first `limit` significant tokens (no whitespace or comments), scanning no further:
    /// enough to classify a statement without tokenizing all of it. Semicolons before the
    /// first other token are skipped: SQLite skips those empty statements too, so
    /// `"; COMMIT"` is a `COMMIT`.
    public static func leadingTokens(_ sql: String, limit: Int, dialect: DatabaseDialect = .sqlite) -> [SQLToken] {
        withLexer(sql, dialect: dialect) { lexer in
            var tokens: [SQLToken] = []
            while tokens.count < limit, let span = lexer.nextSpan() {
                guard span.kind != .whitespace && span.kind != .comment else { continue }
                if tokens.isEmpty, span.kind == .symbol, span.range.count == 1, lexer.bytes[span.range.lowerBound] == 0x3B { continue }
                tokens.append(lexer.token(span))
            }
            return tokens
        }
    }

    /// Calls `body` with the bytes of the statement's first word, skipping whitespace,
    /// comments, `(` and the semicolons of leading empty statements (which SQLite skips as
    /// well), or with `nil` when something else comes first. Builds nothing; the
    /// bytes are valid only during the call.
    static func withLeadingWord<Result>(_ sql: String, dialect: DatabaseDialect = .sqlite,
                                        _ body: (Slice<UnsafeBufferPointer<UInt8>>?) -> Result) -> Result {
        withLexer(sql, dialect: dialect) { lexer in
            while let span = lexer.nextSpan() {
                switch span.kind {
                case .whitespace, .comment:
                    continue
                case .symbol where span.range.count == 1 && (lexer.bytes[span.range.lowerBound] == 0x28 || lexer.bytes[span.range.lowerBound] == 0x3B):
                    continue
                case .word:
                    return body(lexer.bytes[span.range])
                default:
                    return body(nil)
                }
            }
            return body(nil)
        }
    }

    /// Calls `body` with each token's kind and UTF-8 bytes, without making a `String` per
    /// token: for renderers that copy most tokens through unchanged. The bytes are `sql`'s own
    /// storage, valid only during the call: copy what must be kept.
    static func forEachSpan(_ sql: String, dialect: DatabaseDialect = .sqlite,
                            _ body: (SQLToken.Kind, Slice<UnsafeBufferPointer<UInt8>>, Int) -> Void) {
        withLexer(sql, dialect: dialect) { lexer in
            while let span = lexer.nextSpan() {
                body(span.kind, lexer.bytes[span.range], span.range.lowerBound)
            }
        }
    }

    /// Calls `body` with a reader of single tokens at given offsets of `text`, over its own
    /// UTF-8 storage: for callers that know where the tokens they want start (reading the
    /// literals of an expanded statement between the constant parts of its pattern).
    static func withTokenReader<Result>(_ text: String, _ body: (inout TokenReader) -> Result) -> Result {
        withLexer(text) { lexer in
            var reader = TokenReader(lexer: lexer)
            return body(&reader)
        }
    }

    /// ``withTokenReader(_:_:)`` over UTF-8 bytes the caller holds (text SQLite handed out).
    static func withTokenReader<Result>(utf8 bytes: UnsafeBufferPointer<UInt8>, _ body: (inout TokenReader) -> Result) -> Result {
        var reader = TokenReader(lexer: Lexer(bytes))
        return body(&reader)
    }

    /// Runs `body` with a lexer over `sql`'s own UTF-8 storage: no copy of the text for a
    /// native string (a bridged one is made contiguous first).
    private static func withLexer<Result>(_ sql: String, dialect: DatabaseDialect = .sqlite, _ body: (inout Lexer) -> Result) -> Result {
        var text = sql
        return text.withUTF8 { buffer in
            var lexer = Lexer(buffer, rules: LexicalRules(dialect))
            return body(&lexer)
        }
    }
}

/// Reads one token at a time at offsets its caller chooses; valid only inside
/// ``SQLTokenizer/withTokenReader(_:_:)``.
struct TokenReader {
    fileprivate var lexer: Lexer

    /// The text's bytes.
    var bytes: UnsafeBufferPointer<UInt8> { lexer.bytes }

    /// The kind and byte range of the token that starts at `offset`, or `nil` at the end.
    mutating func token(at offset: Int) -> (kind: SQLToken.Kind, range: Range<Int>)? {
        lexer.position = offset
        return lexer.nextSpan()
    }
}

/// Where the dialects' lexical rules differ (what the statement *means* is decided by the
/// tokens these rules make, so they follow each database's own lexer).
struct LexicalRules: Sendable, Hashable {
    /// `/* /* */ */` is one comment (PostgreSQL); in SQLite the first `*/` ends it.
    var nestedBlockComments = false
    /// A `--` comment ends at `\r` as well as `\n` (PostgreSQL's lexer: its `newline` is
    /// either); SQLite's ends at `\n` only.
    var lineCommentEndsAtCarriageReturn = false
    /// `#` starts a comment to the end of the line (MySQL).
    var hashComments = false
    /// A backslash escapes the next character in every string literal (MySQL's default).
    var backslashEscapesInStrings = false
    /// `U&'…'` strings and `U&"…"` identifiers (PostgreSQL).
    var unicodeEscapeLiterals = false

    init(_ dialect: DatabaseDialect) {
        switch dialect {
        case .sqlite:
            break
        case .postgres:
            nestedBlockComments = true
            lineCommentEndsAtCarriageReturn = true
            unicodeEscapeLiterals = true
        case .mysql:
            hashComments = true
            backslashEscapesInStrings = true
        }
    }
}

/// Byte-level scanner behind ``SQLTokenizer``.
/// Scans UTF-8 bytes it does not own: valid only inside ``SQLTokenizer/withLexer(_:dialect:_:)``.
private struct Lexer {
    let bytes: UnsafeBufferPointer<UInt8>
    let rules: LexicalRules
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, rules: LexicalRules = LexicalRules(.sqlite)) {
        self.bytes = bytes
        self.rules = rules
    }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func next() -> SQLToken? {
        nextSpan().map(token)
    }

    /// The next token's kind and byte range, without building its text.
    mutating func nextSpan() -> (kind: SQLToken.Kind, range: Range<Int>)? {
        guard position < bytes.count else { return nil }
        let start = position
        let kind = scan()
        return (kind, start..<position)
    }

    func token(_ span: (kind: SQLToken.Kind, range: Range<Int>)) -> SQLToken {
        SQLToken(kind: span.kind, text: String(decoding: bytes[span.range], as: UTF8.self), offset: span.range.lowerBound)
    }

    private mutating func scan() -> SQLToken.Kind {
        let first = bytes[position]
        let second = byte(at: position + 1)
        switch first {
        case .space, .tab, .newline, .carriageReturn, 0x0B, 0x0C:
            while let byte = byte(at: position), byte.isWhitespace { position += 1 }
            return .whitespace
        case .hyphen where second == .hyphen:
            scanLineComment()
            return .comment
        case .hash where rules.hashComments:
            scanLineComment()
            return .comment
        case .slash where second == .asterisk:
            scanBlockComment()
            return .comment
        case .singleQuote:
            scanQuoted(closing: .singleQuote, backslashEscapes: rules.backslashEscapesInStrings)
            return .string
        case .doubleQuote, .backtick:
            scanQuoted(closing: first, backslashEscapes: first == .doubleQuote && rules.backslashEscapesInStrings)
            return .quotedIdentifier
        case .upperU where rules.unicodeEscapeLiterals && second == .ampersand
                && (byte(at: position + 2) == .singleQuote || byte(at: position + 2) == .doubleQuote),
             .lowerU where rules.unicodeEscapeLiterals && second == .ampersand
                && (byte(at: position + 2) == .singleQuote || byte(at: position + 2) == .doubleQuote):
            // `U&'d\0061t'` and `U&"d\0061t"`: a doubled quote is the only way to go on.
            position += 2
            let quote = bytes[position]
            scanQuoted(closing: quote)
            return quote == .singleQuote ? .string : .quotedIdentifier
        case .openBracket:
            while position < bytes.count, bytes[position] != .closeBracket { position += 1 }
            position = min(position + 1, bytes.count)
            return .quotedIdentifier
        case .upperX where second == .singleQuote, .lowerX where second == .singleQuote:
            position += 1
            scanQuoted(closing: .singleQuote)
            return .blob
        case .upperE where second == .singleQuote, .lowerE where second == .singleQuote,
             .upperN where second == .singleQuote, .lowerN where second == .singleQuote:
            position += 1
            scanQuoted(closing: .singleQuote, backslashEscapes: first == .upperE || first == .lowerE)
            return .string
        case .questionMark:
            position += 1
            while let byte = byte(at: position), byte.isDigit { position += 1 }
            return .placeholder
        case .colon where second.map(\.isIdentifierStart) == true,
             .at where second.map(\.isIdentifierStart) == true:
            position += 1
            while let byte = byte(at: position), byte.isIdentifierPart { position += 1 }
            return .placeholder
        case .dollar:
            return scanDollar()
        case _ where first.isDigit || (first == .dot && second?.isDigit == true):
            scanNumber()
            return .number
        case _ where first.isIdentifierStart:
            while let byte = byte(at: position), byte.isIdentifierPart { position += 1 }
            return .word
        default:
            scanSymbol()
            return .symbol
        }
    }

    /// Moves past a `--` (or `#`) comment, up to the end of its line, which the dialect's
    /// lexer decides.
    private mutating func scanLineComment() {
        while let byte = byte(at: position), byte != .newline,
              !(byte == .carriageReturn && rules.lineCommentEndsAtCarriageReturn) {
            position += 1
        }
    }

    /// Moves past a `/* … */` comment; where the dialect nests them, each `/*` inside needs
    /// its own `*/`.
    private mutating func scanBlockComment() {
        position += 2
        var depth = 1
        while position < bytes.count {
            if bytes[position] == .asterisk && byte(at: position + 1) == .slash {
                position += 2
                depth -= 1
                if depth == 0 { return }
            } else if rules.nestedBlockComments && bytes[position] == .slash && byte(at: position + 1) == .asterisk {
                position += 2
                depth += 1
            } else {
                position += 1
            }
        }
        position = bytes.count
    }

    /// Moves past a quoted run whose opening quote is at `position`; a doubled closing quote
    /// stands for one (and, in `E'…'` strings, a backslash escapes the next byte).
    private mutating func scanQuoted(closing: UInt8, backslashEscapes: Bool = false) {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if backslashEscapes && byte == .backslash {
                position += 2
                continue
            }
            position += 1
            if byte == closing {
                if self.byte(at: position) == closing { position += 1 } else { return }
            }
        }
        position = min(position, bytes.count)
    }

    /// `$1` (PostgreSQL placeholder), `$name` (SQLite placeholder), or a PostgreSQL
    /// dollar-quoted string `$$…$$` / `$tag$…$tag$`.
    private mutating func scanDollar() -> SQLToken.Kind {
        let start = position
        var cursor = position + 1
        if byte(at: cursor)?.isDigit == true {
            while let byte = byte(at: cursor), byte.isDigit { cursor += 1 }
            position = cursor
            return .placeholder
        }
        while let byte = byte(at: cursor), byte.isIdentifierPart, byte != .dollar { cursor += 1 }
        if byte(at: cursor) == .dollar {
            // A dollar-quote tag: find the same tag again.
            let tag = Array(bytes[start...cursor])
            var search = cursor + 1
            while search + tag.count <= bytes.count {
                if bytes[search] == .dollar && Array(bytes[search..<search + tag.count]) == tag {
                    position = search + tag.count
                    return .string
                }
                search += 1
            }
            position = bytes.count
            return .string
        }
        if cursor > start + 1 {
            position = cursor
            return .placeholder
        }
        position += 1
        return .symbol
    }

    private mutating func scanNumber() {
        if bytes[position] == .zero, let x = byte(at: position + 1), x == .lowerX || x == .upperX,
           byte(at: position + 2)?.isHexDigit == true {
            position += 2
            while let byte = byte(at: position), byte.isHexDigit { position += 1 }
            return
        }
        while let byte = byte(at: position), byte.isDigit { position += 1 }
        if byte(at: position) == .dot {
            position += 1
            while let byte = byte(at: position), byte.isDigit { position += 1 }
        }
        if let e = byte(at: position), e == .lowerE || e == .upperE {
            var cursor = position + 1
            if let sign = byte(at: cursor), sign == .plus || sign == .hyphen { cursor += 1 }
            if byte(at: cursor)?.isDigit == true {
                position = cursor
                while let byte = byte(at: position), byte.isDigit { position += 1 }
            }
        }
    }

    /// `<=`, `>=`, `<>`, `!=`, `==`, `||`, `::`, `->`, `<<`, `>>`.
    private static func isTwoByteSymbol(_ first: UInt8, _ second: UInt8) -> Bool {
        switch (first, second) {
        case (0x3C, 0x3D), (0x3E, 0x3D), (0x3C, 0x3E), (0x21, 0x3D), (0x3D, 0x3D), (0x7C, 0x7C),
             (0x3A, 0x3A), (0x2D, 0x3E), (0x3C, 0x3C), (0x3E, 0x3E): true
        default: false
        }
    }

    private mutating func scanSymbol() {
        if position + 2 < bytes.count, bytes[position] == .hyphen, bytes[position + 1] == .greaterThan,
           bytes[position + 2] == .greaterThan {
            position += 3
            return
        }
        if position + 1 < bytes.count, Lexer.isTwoByteSymbol(bytes[position], bytes[position + 1]) {
            position += 2
            return
        }
        // A multi-byte UTF-8 character outside a word stays whole.
        position += 1
        while let byte = byte(at: position), byte & 0xC0 == 0x80 { position += 1 }
    }
}

extension UInt8 {
    static var tab: UInt8 { 0x09 }
    static var hash: UInt8 { 0x23 }
    static var ampersand: UInt8 { 0x26 }
    static var upperU: UInt8 { 0x55 }
    static var lowerU: UInt8 { 0x75 }
    static var newline: UInt8 { 0x0A }
    static var carriageReturn: UInt8 { 0x0D }
    static var space: UInt8 { 0x20 }
    static var doubleQuote: UInt8 { 0x22 }
    static var dollar: UInt8 { 0x24 }
    static var singleQuote: UInt8 { 0x27 }
    static var asterisk: UInt8 { 0x2A }
    static var plus: UInt8 { 0x2B }
    static var hyphen: UInt8 { 0x2D }
    static var dot: UInt8 { 0x2E }
    static var slash: UInt8 { 0x2F }
    static var zero: UInt8 { 0x30 }
    static var colon: UInt8 { 0x3A }
    static var greaterThan: UInt8 { 0x3E }
    static var questionMark: UInt8 { 0x3F }
    static var at: UInt8 { 0x40 }
    static var upperE: UInt8 { 0x45 }
    static var upperN: UInt8 { 0x4E }
    static var upperX: UInt8 { 0x58 }
    static var openBracket: UInt8 { 0x5B }
    static var backslash: UInt8 { 0x5C }
    static var closeBracket: UInt8 { 0x5D }
    static var underscore: UInt8 { 0x5F }
    static var backtick: UInt8 { 0x60 }
    static var lowerE: UInt8 { 0x65 }
    static var lowerN: UInt8 { 0x6E }
    static var lowerX: UInt8 { 0x78 }

    var isWhitespace: Bool { self == .space || self == .tab || self == .newline || self == .carriageReturn || self == 0x0B || self == 0x0C }
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isHexDigit: Bool { isDigit || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66) }
    var isLetter: Bool { (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) }
    /// Letters, `_` and any non-ASCII byte (SQLite allows Unicode identifiers).
    var isIdentifierStart: Bool { isLetter || self == .underscore || self >= 0x80 }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit || self == .dollar }
}
