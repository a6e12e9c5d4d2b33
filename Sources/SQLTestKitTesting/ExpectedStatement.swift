import SQLTestKit

/// A statement an assertion expects: SQL with its arguments written in (the form `takeSQLs()`
/// returns), or SQL with placeholders plus its arguments. Compared after normalization, so
/// layout, keyword case, identifier quoting and placeholder style do not matter.
///
/// ```swift
/// assertSQL(mock, [
///     "SELECT * FROM book WHERE id = 1",
///     .bound("UPDATE book SET title = ? WHERE id = ?", arguments: ["Dune", 1]),
/// ])
/// ```
public struct ExpectedStatement: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The SQL as written in the test.
    public var sql: String
    /// The arguments, for the bound form; `nil` for the expanded form.
    public var arguments: [SQLValue]?
    /// Whether lists whose order means nothing may come in any order (see ``unordered(_:arguments:)``).
    public var ignoresListOrder = false

    public init(stringLiteral sql: String) {
        self.sql = sql
        self.arguments = nil
    }

    /// SQL with placeholders and the arguments bound to them.
    public static func bound(_ sql: String, arguments: [SQLValue]) -> ExpectedStatement {
        var statement = ExpectedStatement(stringLiteral: sql)
        statement.arguments = arguments
        return statement
    }

    /// The statement, matched whatever the order of its `IN (…)` items, `VALUES` rows, `SET`
    /// assignments and INSERT columns (with their values): for ORM output built from sets and
    /// dictionaries, whose order varies between runs. Nothing looser — a missing, extra or
    /// repeated item still fails — and the default stays exact.
    ///
    /// ```swift
    /// assertSQL(log, [.unordered(#"SELECT * FROM "author" WHERE "author"."id" IN (3, 1, 2)"#)])
    /// ```
    public static func unordered(_ sql: String, arguments: [SQLValue]? = nil) -> ExpectedStatement {
        var statement = ExpectedStatement(stringLiteral: sql)
        statement.arguments = arguments
        statement.ignoresListOrder = true
        return statement
    }

    /// The expected statement in the form it is compared and shown in.
    public var description: String {
        guard let arguments else { return sql }
        return SQLQuery(sql: sql, arguments: arguments).expandedSQL
    }

    /// Whether a logged statement is this one, up to layout.
    func matches(_ statement: LoggedStatement) -> Bool {
        if ignoresListOrder {
            return SQLTokenizer.unorderedForm(description) == SQLTokenizer.unorderedForm(statement.expandedSQL)
        }
        if let arguments {
            return arguments == statement.arguments && SQLTokenizer.normalize(sql) == SQLTokenizer.normalize(statement.sql)
        }
        return SQLTokenizer.normalize(sql) == SQLTokenizer.normalize(statement.expandedSQL)
    }
}
