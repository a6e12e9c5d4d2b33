/// A statement the mock should see, with its answers and how often it may run. `script`
/// and `expect` on ``MockDriver`` make these for you; build them directly for ordered groups.
///
/// ```swift
/// mock.expectInOrder {
///     MockExpectation("BEGIN")
///     MockExpectation("INSERT INTO book(title) VALUES (?)", arguments: ["Dune"]).answering(.affected(1, lastInsertID: 7))
///     MockExpectation("COMMIT")
/// }
/// ```
public struct MockExpectation: Sendable {
    /// Which statements it answers.
    public var matcher: StatementMatcher
    /// What the arguments must be; `nil` accepts any arguments.
    public var arguments: [ArgumentMatcher]?
    /// The answers, used in turn; the last one repeats when the count allows more runs.
    public var answers: [MockAnswer]
    /// How many times it must and may run.
    public var count: MockCount
    /// Where it was declared, for failure messages.
    public var declaredAt: DeclarationSite

    /// An expectation: statements `matcher` accepts (with `arguments`, when given) are answered
    /// with `answers` in turn and must run as often as `count` says.
    public init(
        _ matcher: StatementMatcher,
        arguments: [ArgumentMatcher]? = nil,
        answers: [MockAnswer] = [.empty],
        count: MockCount = .once,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        self.matcher = matcher
        self.arguments = arguments
        self.answers = answers.isEmpty ? [.empty] : answers
        self.count = count
        self.declaredAt = DeclarationSite(fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// The same expectation answering with `answers` in turn.
    public func answering(_ answers: MockAnswer...) -> MockExpectation {
        var copy = self
        copy.answers = answers.isEmpty ? [.empty] : answers
        return copy
    }

    /// The same expectation answering with these rows.
    public func returning(_ rows: [KeyValuePairs<String, SQLValue>]) -> MockExpectation {
        answering(.rows(rows))
    }

    /// The same expectation with another count.
    public func times(_ count: MockCount) -> MockExpectation {
        var copy = self
        copy.count = count
        return copy
    }

    /// How it reads in messages: the SQL, then the arguments if any were given.
    var summary: String {
        var text = matcher.description
        if let arguments { text += "  arguments: [\(arguments.map(\.description).joined(separator: ", "))]" }
        return text
    }
}

/// How many times a scripted statement must and may run.
public enum MockCount: Sendable, Hashable, CustomStringConvertible {
    /// Exactly once (the default for `expect`).
    case once
    /// Exactly `n` times.
    case times(Int)
    /// Any number of times, but at least once (the default for `script`).
    case atLeastOnce
    /// Any number of times, including never.
    case always
    /// Never: running it is a failure.
    case never

    var minimum: Int {
        switch self {
        case .once, .atLeastOnce: 1
        case .times(let n): n
        case .always, .never: 0
        }
    }

    var maximum: Int {
        switch self {
        case .once: 1
        case .times(let n): n
        case .atLeastOnce, .always: .max
        case .never: 0
        }
    }

    public var description: String {
        switch self {
        case .once: "once"
        case .times(let n): "\(n) time\(n == 1 ? "" : "s")"
        case .atLeastOnce: "at least once"
        case .always: "any number of times"
        case .never: "never"
        }
    }
}

/// Where something was declared in the test's source.
public struct DeclarationSite: Sendable, Hashable, CustomStringConvertible {
    /// `#fileID` of the declaration.
    public var fileID: String
    /// `#filePath` of the declaration.
    public var filePath: String
    /// The line of the declaration.
    public var line: Int
    /// The column of the declaration.
    public var column: Int

    /// A place in a source file.
    public init(fileID: String, filePath: String, line: Int, column: Int) {
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
        self.column = column
    }

    /// `MyTests/BookTests.swift:42`
    public var description: String { "\(fileID):\(line)" }
}

/// Builds a list of expectations for ``MockDriver/expectInOrder(_:)`` and
/// ``MockDriver/expectInAnyOrder(_:)``.
@resultBuilder
public enum MockExpectationBuilder {
    public static func buildExpression(_ expectation: MockExpectation) -> [MockExpectation] { [expectation] }
    public static func buildBlock(_ parts: [MockExpectation]...) -> [MockExpectation] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [MockExpectation]?) -> [MockExpectation] { part ?? [] }
    public static func buildEither(first part: [MockExpectation]) -> [MockExpectation] { part }
    public static func buildEither(second part: [MockExpectation]) -> [MockExpectation] { part }
    public static func buildArray(_ parts: [[MockExpectation]]) -> [MockExpectation] { parts.flatMap { $0 } }
}
