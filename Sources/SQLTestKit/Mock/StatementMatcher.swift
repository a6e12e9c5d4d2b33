import Synchronization

/// How a scripted statement recognises the statements it answers.
///
/// The default is exact text, compared with the statement as sent (placeholders and all) and,
/// for statements with arguments, with its expanded form — so
/// `"SELECT * FROM user WHERE id = 5"` answers `"SELECT * FROM user WHERE id = \(5)"`.
/// Regular expressions are opt-in: nothing has to be escaped unless you ask for them.
///
/// ```swift
/// mock.script(.normalized("select * from \"user\" where id = ?"), rows: [])   // layout, case and quoting ignored
/// mock.script(.regex(#"^SELECT .* FROM audit"#), rows: [])
/// mock.script(.predicate("any write to audit") { $0.kind.isWrite && $0.sql.contains("audit") }, rows: [])
/// ```
public struct StatementMatcher: Sendable {
    enum Rule: Sendable {
        case exact(String)
        case normalized(String, normalizedForm: String)
        case unordered(String, unorderedForm: String)
        case regex(CompiledRegex)
        case predicate(@Sendable (LoggedStatement) -> Bool)
    }

    let rule: Rule
    /// The matcher as written, for messages.
    public let description: String
    /// The SQL text to rank it by when a statement matches nothing ("closest scripted").
    let sqlForComparison: String?

    /// Exactly this text: as the statement was sent, or (when the statement has arguments)
    /// as it reads with its arguments expanded.
    public static func exact(_ sql: String) -> StatementMatcher {
        StatementMatcher(rule: .exact(sql), description: sql, sqlForComparison: sql)
    }

    /// The same statement up to layout: whitespace, comments, keyword case, identifier
    /// quoting and placeholder style do not matter; string literals and identifier spelling do.
    public static func normalized(_ sql: String) -> StatementMatcher {
        StatementMatcher(rule: .normalized(sql, normalizedForm: SQLTokenizer.normalize(sql)),
                         description: "normalized: \(sql)", sqlForComparison: sql)
    }

    /// The same statement up to layout (as ``normalized(_:)``) and up to the order of lists
    /// whose order means nothing: `IN (…)` items, `VALUES` rows, `SET` assignments, and an
    /// INSERT's columns with their values (see ``SQLTokenizer/unorderedForm(_:)``). Compared
    /// with the statement's expanded form, so write it with its values, as `takeSQLs()` shows
    /// it. Nothing looser: a missing, extra or repeated item still differs.
    ///
    /// ```swift
    /// // Fluent's eager loading fills its IN list from a set: the order varies between runs.
    /// mock.script(.unordered(#"SELECT * FROM "author" WHERE "author"."id" IN (1, 2, 3)"#), rows: [])
    /// ```
    public static func unordered(_ sql: String) -> StatementMatcher {
        StatementMatcher(rule: .unordered(sql, unorderedForm: SQLTokenizer.unorderedForm(sql)),
                         description: "unordered: \(sql)", sqlForComparison: sql)
    }

    /// A regular expression searched in the statement's SQL (as sent) and its expanded form.
    /// Throws if the pattern does not compile.
    public static func regex(_ pattern: String) throws -> StatementMatcher {
        StatementMatcher(rule: .regex(try CompiledRegex(pattern)), description: "regex: \(pattern)", sqlForComparison: nil)
    }

    /// Any statement for which `condition` holds; `description` names it in messages.
    ///
    /// ```swift
    /// mock.script(.predicate("every insert") { $0.kind == .insert }, answer: .affected(1), count: .always)
    /// ```
    ///
    /// `condition` runs while the mock decides the statement, under its lock, which is not
    /// reentrant: it must not call the mock or its log (`mock.log`, `takeSQLs()`, `script`,
    /// `verify()`) — such a call stops the process ("Recursive call to lock Mutex" on Linux).
    /// Everything it needs about the statement is in the `LoggedStatement`.
    public static func predicate(_ description: String, _ condition: @escaping @Sendable (LoggedStatement) -> Bool) -> StatementMatcher {
        StatementMatcher(rule: .predicate(condition), description: "predicate: \(description)", sqlForComparison: nil)
    }
}

extension StatementMatcher: ExpressibleByStringLiteral {
    /// A string literal is an exact matcher.
    public init(stringLiteral value: String) { self = .exact(value) }
}

/// A compiled `Regex`, which is not `Sendable`, kept behind a mutex so matchers can be.
final class CompiledRegex: Sendable {
    private let regex: Mutex<Regex<AnyRegexOutput>>

    init(_ pattern: String) throws {
        regex = Mutex(try Regex(pattern))
    }

    func matches(_ text: String) -> Bool {
        regex.withLock { (try? $0.firstMatch(in: text)) != nil }
    }
}
