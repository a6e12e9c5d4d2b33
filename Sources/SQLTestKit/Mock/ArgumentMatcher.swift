/// What a scripted statement expects of one bound argument: an exact value, anything, or a
/// condition. Literals stand for exact values.
///
/// ```swift
/// mock.expect("INSERT INTO user(name, created) VALUES (?, ?)", arguments: ["Ada", .any])
/// mock.expect("SELECT * FROM user WHERE age > ?", arguments: [.matching("an adult age") { ($0.int64 ?? 0) >= 18 }])
/// ```
public struct ArgumentMatcher: Sendable {
    enum Rule: Sendable {
        case equal(SQLValue)
        case any
        case predicate(@Sendable (SQLValue) -> Bool)
    }

    let rule: Rule
    /// How the matcher reads in messages: a literal, `any`, or the condition's description.
    public let description: String

    /// Exactly this value (`.integer(5)` does not match `.real(5.0)`).
    public static func equal(_ value: SQLValue) -> ArgumentMatcher {
        ArgumentMatcher(rule: .equal(value), description: value.debugDescription)
    }

    /// Any value, NULL included.
    public static let any = ArgumentMatcher(rule: .any, description: "any value")

    /// Values for which `condition` holds; `description` names the condition in messages.
    ///
    /// ```swift
    /// let positive = ArgumentMatcher.matching("a positive id") { value in
    ///     if case .integer(let id) = value { return id > 0 }
    ///     return false
    /// }
    /// mock.script("SELECT * FROM book WHERE id = ?", arguments: [positive], rows: [])
    /// ```
    ///
    /// Like a statement predicate, `condition` runs under the mock's lock and must not call the
    /// mock or its log.
    public static func matching(_ description: String, _ condition: @escaping @Sendable (SQLValue) -> Bool) -> ArgumentMatcher {
        ArgumentMatcher(rule: .predicate(condition), description: description)
    }

    /// Whether `value` satisfies the matcher.
    public func matches(_ value: SQLValue) -> Bool {
        switch rule {
        case .equal(let expected): expected == value
        case .any: true
        case .predicate(let condition): condition(value)
        }
    }

    /// The exact value expected, if this is an exact matcher.
    var exactValue: SQLValue? {
        if case .equal(let value) = rule { return value }
        return nil
    }
}

extension ArgumentMatcher: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int64) { self = .equal(.integer(value)) }
    public init(floatLiteral value: Double) { self = .equal(.real(value)) }
    public init(stringLiteral value: String) { self = .equal(.text(value)) }
    public init(booleanLiteral value: Bool) { self = .equal(.integer(value ? 1 : 0)) }
    public init(nilLiteral: ()) { self = .equal(.null) }
}

extension SQLValue {
    /// The integer, when this is one. Handy in argument conditions.
    public var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The text, when this is text.
    public var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}
