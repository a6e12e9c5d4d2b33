/// What a statement does, read from its leading keywords by ``SQLTokenizer``.
///
/// Drivers use it to know when a last-insert id means something, the mock to filter
/// transaction control and noise out of its log, and the router to send reads and writes.
///
/// ```swift
/// StatementKind(sql: "WITH x AS (SELECT 1) DELETE FROM t")   // .delete
/// StatementKind(sql: "savepoint sp1")                         // .transaction(.savepoint("sp1"))
/// ```
public enum StatementKind: Sendable, Hashable {
    case select
    case insert
    case update
    case delete
    /// `CREATE`, `DROP`, `ALTER` and other statements that change the schema.
    case schema
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, `RELEASE` and friends.
    case transaction(TransactionControl)
    /// `PRAGMA` (SQLite) and `SET`/`SHOW` (PostgreSQL, MySQL): settings, not data.
    case setting
    /// Anything else (`VACUUM`, `ANALYZE`, `EXPLAIN`, `ATTACH`, …), with its first keyword.
    case other(String)

    /// Classifies the statement from its leading tokens (the whole statement only for `WITH`),
    /// read by the lexical rules of `dialect`: where comments end decides which word comes
    /// first (`/* /* */ SELECT 1 */ COMMIT` is a `COMMIT` in PostgreSQL, a `SELECT` in SQLite).
    public init(sql: String, dialect: DatabaseDialect = .sqlite) {
        // The common verbs are decided by the first word alone, compared in place.
        if let common = SQLTokenizer.withLeadingWord(sql, dialect: dialect, StatementKind.commonVerb) {
            self = common
            return
        }
        let leading = SQLTokenizer.leadingTokens(sql, limit: 6, dialect: dialect)
        let first = leading.first { $0.text != "(" }?.keyword
        self.init(tokens: first == "WITH" ? SQLTokenizer.tokenize(sql, dialect: dialect) : leading)
    }

    /// The kind a common first word decides alone (`SELECT`, `INSERT`, …), in any case.
    private static func commonVerb(_ word: Slice<UnsafeBufferPointer<UInt8>>?) -> StatementKind? {
        guard let word else { return nil }
        func isWord(_ keyword: StaticString) -> Bool {
            guard keyword.utf8CodeUnitCount == word.count else { return false }
            let letters = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
            var index = 0
            for byte in word {
                let upper: UInt8 = byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte
                if upper != letters[index] { return false }
                index += 1
            }
            return true
        }
        switch word.count {
        case 3: return isWord("SET") ? .setting : nil
        case 4: return isWord("DROP") ? .schema : isWord("SHOW") ? .setting : nil
        case 5: return isWord("ALTER") ? .schema : nil
        case 6:
            if isWord("SELECT") || isWord("VALUES") { return .select }
            if isWord("INSERT") { return .insert }
            if isWord("UPDATE") { return .update }
            if isWord("DELETE") { return .delete }
            if isWord("CREATE") { return .schema }
            if isWord("PRAGMA") { return .setting }
            return nil
        case 7: return isWord("REPLACE") ? .insert : nil
        default: return nil
        }
    }

    /// Classifies the statement from tokens already produced by ``SQLTokenizer``.
    public init(tokens: [SQLToken]) {
        // Leading `(` and the semicolons of empty statements are skipped, as SQLite skips them.
        let significant = tokens.filter(\.isSignificant)
        let words = significant.drop { $0.text == "(" || $0.text == ";" }
        guard let keyword = words.first?.keyword else {
            self = .other("")
            return
        }
        /// The keyword `offset` words after the first, or `""`.
        func word(at offset: Int) -> String {
            offset < words.count ? words[words.startIndex + offset].keyword ?? "" : ""
        }
        /// The name `offset` words after the first, unquoted, or `""`.
        func name(at offset: Int) -> String {
            guard offset < words.count else { return "" }
            let token = words[words.startIndex + offset]
            return token.identifierName ?? token.text
        }
        switch keyword {
        case "SELECT", "VALUES", "TABLE": self = .select
        case "INSERT", "REPLACE", "UPSERT": self = .insert
        case "UPDATE": self = .update
        case "DELETE": self = .delete
        case "WITH": self = StatementKind.mainVerb(afterWithIn: tokens)
        case "CREATE", "DROP", "ALTER", "REINDEX", "TRUNCATE", "RENAME", "COMMENT": self = .schema
        case "BEGIN", "START": self = .transaction(.begin)
        case "COMMIT" where word(at: 1) == "PREPARED":
            self = .transaction(.commitPrepared(Self.literal(at: 2, in: words)))
        case "ROLLBACK" where word(at: 1) == "PREPARED":
            self = .transaction(.rollbackPrepared(Self.literal(at: 2, in: words)))
        case "PREPARE" where word(at: 1) == "TRANSACTION" && words.dropFirst(2).first?.kind == .string:
            // `PREPARE TRANSACTION 'id'` ends the transaction (a prepared statement named
            // `transaction` is `PREPARE transaction AS …`).
            self = .transaction(.prepare(Self.literal(at: 2, in: words)))
        case "COMMIT", "END": self = .transaction(.commit)
        case "ROLLBACK", "ABORT":
            // ROLLBACK [TRANSACTION|WORK] [TO [SAVEPOINT] name]
            var offset = 1
            if ["TRANSACTION", "WORK"].contains(word(at: offset)) { offset += 1 }
            if word(at: offset) == "TO" {
                offset += 1
                if word(at: offset) == "SAVEPOINT" { offset += 1 }
                self = .transaction(.rollbackToSavepoint(name(at: offset)))
            } else {
                self = .transaction(.rollback)
            }
        case "SAVEPOINT": self = .transaction(.savepoint(name(at: 1)))
        case "RELEASE":
            self = .transaction(.release(word(at: 1) == "SAVEPOINT" ? name(at: 2) : name(at: 1)))
        case "PRAGMA", "SET", "SHOW": self = .setting
        default: self = .other(keyword)
        }
    }

    /// The text of the string literal `offset` tokens after the first (a prepared
    /// transaction's id), without its quotes, or `""`.
    private static func literal(at offset: Int, in words: ArraySlice<SQLToken>) -> String {
        guard offset < words.count else { return "" }
        let token = words[words.startIndex + offset]
        guard token.kind == .string, token.text.count >= 2 else { return token.text }
        return String(token.text.dropFirst().dropLast()).replacing("''", with: "'")
    }

    /// After `WITH name AS (…), …`, the first keyword at parenthesis depth zero that is a verb.
    private static func mainVerb(afterWithIn tokens: [SQLToken]) -> StatementKind {
        var depth = 0
        for token in tokens where token.isSignificant {
            if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
            guard depth == 0, let keyword = token.keyword else { continue }
            switch keyword {
            case "SELECT", "VALUES": return .select
            case "INSERT", "REPLACE": return .insert
            case "UPDATE": return .update
            case "DELETE": return .delete
            default: continue
            }
        }
        return .select
    }

    /// Whether the statement is transaction control.
    public var isTransactionControl: Bool {
        if case .transaction = self { return true }
        return false
    }

    /// Whether the statement only reads (a `SELECT`), as far as its keywords tell.
    public var isRead: Bool { self == .select }

    /// Whether the statement changes data or schema.
    public var isWrite: Bool {
        switch self {
        case .insert, .update, .delete, .schema: true
        default: false
        }
    }
}

/// A transaction-control statement.
public enum TransactionControl: Sendable, Hashable {
    /// `BEGIN` / `START TRANSACTION`.
    case begin
    /// `COMMIT` / `END`.
    case commit
    /// `ROLLBACK` of the whole transaction.
    case rollback
    /// `SAVEPOINT name`.
    case savepoint(String)
    /// `RELEASE [SAVEPOINT] name`.
    case release(String)
    /// `ROLLBACK TO [SAVEPOINT] name`.
    case rollbackToSavepoint(String)
    /// `PREPARE TRANSACTION 'id'` (PostgreSQL's two-phase commit): ends the transaction,
    /// keeping it prepared, with its locks, until a `COMMIT PREPARED` or `ROLLBACK PREPARED`.
    case prepare(String)
    /// `COMMIT PREPARED 'id'`.
    case commitPrepared(String)
    /// `ROLLBACK PREPARED 'id'`.
    case rollbackPrepared(String)

    /// Whether the statement is part of two-phase commit (`PREPARE TRANSACTION`,
    /// `COMMIT PREPARED`, `ROLLBACK PREPARED`), which test transactions and fixture loads refuse.
    public var isTwoPhaseCommit: Bool {
        switch self {
        case .prepare, .commitPrepared, .rollbackPrepared: true
        default: false
        }
    }
}
