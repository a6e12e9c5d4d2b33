/// One thing wrong with a fixture: what, where (file, line, column), which table, row label
/// and column, and the likely fix.
///
/// ```swift
/// do { try await fixtures.load(into: db) }
/// catch let error as FixtureError {
///     for problem in error.problems { print(problem) }
///     // Fixtures/author.yml:4:3: unknown column `nmae` in table `author` (row `alice`)
///     //   suggestion: did you mean `name`?
/// }
/// ```
public struct FixtureProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is, for code that reacts to one kind.
    public enum Kind: String, Sendable, Hashable {
        case unreadableFile, malformedFile, unknownTable, unknownColumn, missingValue,
             unknownLabel, duplicateLabel, duplicateKey, typeMismatch, constraintViolation, notATestDatabase
    }

    /// What sort of problem it is.
    public var kind: Kind
    /// What is wrong, naming the table, row and column it concerns.
    public var message: String
    /// The fixture file, as it was named to the loader.
    public var file: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// The 1-based column on that line, where the format has columns (YAML, JSON).
    public var column: Int?
    /// The table the row belongs to.
    public var table: String?
    /// The row's label, when it has one.
    public var label: String?
    /// The column of the table the problem concerns.
    public var columnName: String?
    /// The likely fix.
    public var suggestion: String?

    /// A problem with what it is, where (file, line, column, table, row label, column name)
    /// and the likely fix.
    public init(kind: Kind, message: String, file: String, line: Int? = nil, column: Int? = nil,
                table: String? = nil, label: String? = nil, columnName: String? = nil, suggestion: String? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.table = table
        self.label = label
        self.columnName = columnName
        self.suggestion = suggestion
    }

    /// `file:line:column` as compilers and editors print it.
    public var location: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }

    public var description: String {
        "\(location): \(message)" + (suggestion.map { "\n  suggestion: \($0)" } ?? "")
    }
}

/// Fixtures that cannot be parsed or loaded, with every problem found: a load stops before
/// touching the database when any file has a problem, and reports all of them at once.
public struct FixtureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem found, in file order.
    public var problems: [FixtureProblem]

    /// An error listing `problems`.
    public init(problems: [FixtureProblem]) { self.problems = problems }

    public var description: String {
        if problems.count == 1 { return problems[0].description }
        return "\(problems.count) problems in the fixtures:\n" + problems.map(\.description).joined(separator: "\n")
    }
}
