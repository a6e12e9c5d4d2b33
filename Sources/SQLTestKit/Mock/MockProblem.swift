/// Something the mock saw that the test did not script, or a scripted statement that did not
/// run as declared. ``MockDriver/verify()`` reports every one of them.
public enum MockProblem: Sendable, Hashable, CustomStringConvertible {
    /// A statement nothing scripted, in strict mode (or whose arguments matched no script).
    case unexpected(LoggedStatement, report: String)
    /// A statement that ran more often than its expectation allows.
    case tooManyRuns(LoggedStatement, expectation: String, declaredAt: DeclarationSite, count: MockCount)
    /// A statement of an ordered group that ran before the ones declared ahead of it.
    case outOfOrder(LoggedStatement, expectation: String, declaredAt: DeclarationSite, waitingFor: String, waitingDeclaredAt: DeclarationSite)
    /// A statement declared `.never` that ran.
    case forbidden(LoggedStatement, expectation: String, declaredAt: DeclarationSite)
    /// A scripted statement that ran fewer times than required; for one that never ran, the
    /// statement that ran closest to it, with the first difference (`closestRan`).
    case unmet(expectation: String, declaredAt: DeclarationSite, count: MockCount, ran: Int, closestRan: String? = nil)
    /// A statement the schema check refused (see ``StatementChecker``): the error the real
    /// driver would have thrown, which the code under test received.
    case invalidStatement(LoggedStatement, error: QueryError)
    /// Scripted rows that do not fit what the statement returns, by the schema check: other
    /// column names, another number of columns, or a value the declared type cannot hold.
    case answerDoesNotFit(LoggedStatement, expectation: String?, declaredAt: DeclarationSite?, detail: String)
    /// Statements a replayed cassette holds that the test never sent (`statements` lists
    /// the first few with where they are; `count` is how many).
    case unreplayed(cassette: String, statements: [String], count: Int)

    public var description: String {
        switch self {
        case .unexpected(_, let report):
            return report
        case .tooManyRuns(let statement, let expectation, let site, let count):
            return "\(site): expected \(count), but it ran again as statement #\(statement.sequence):\n  \(expectation)\n  ran: \(statement.expandedSQL)"
        case .outOfOrder(let statement, let expectation, let site, let waitingFor, let waitingSite):
            return "\(site): statement #\(statement.sequence) ran out of order:\n  ran:      \(statement.expandedSQL)\n  matches:  \(expectation)\n  but the group was still waiting for (declared at \(waitingSite)):\n            \(waitingFor)"
        case .forbidden(let statement, let expectation, let site):
            return "\(site): a statement declared never to run ran as #\(statement.sequence):\n  \(expectation)\n  ran: \(statement.expandedSQL)"
        case .unmet(let expectation, let site, let count, let ran, let closest):
            let times = ran == 0 ? "it never ran" : "it ran \(ran) time\(ran == 1 ? "" : "s")"
            return "\(site): expected \(count), but \(times):\n  \(expectation)" + (closest.map { "\n" + $0 } ?? "")
        case .invalidStatement(let statement, let error):
            let indented = error.description.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            return "statement #\(statement.sequence) on connection \(statement.connectionID) fails against the mock's schema, as it would on the database:\n  \(indented)"
        case .unreplayed(let cassette, let statements, let count):
            return "\(cassette) holds \(count) statement\(count == 1 ? "" : "s") the test did not send:\n" + statements.joined(separator: "\n")
                + "\n  suggestion: if the change is intended, record the cassette again with SQLTESTKIT_RECORD_CASSETTES=1"
        case .answerDoesNotFit(let statement, let expectation, let site, let detail):
            let origin = expectation.map { "\(site.map { "\($0): " } ?? "")the answer scripted for\n  \($0)\n" } ?? ""
            return "\(origin)statement #\(statement.sequence) on connection \(statement.connectionID): \(statement.expandedSQL)\n" + detail
        }
    }

    /// Where the problem points in the test's source, when it concerns a declaration.
    public var declaredAt: DeclarationSite? {
        switch self {
        case .unexpected, .invalidStatement, .unreplayed: nil
        case .answerDoesNotFit(_, _, let site, _): site
        case .tooManyRuns(_, _, let site, _), .outOfOrder(_, _, let site, _, _), .forbidden(_, _, let site), .unmet(_, let site, _, _, _): site
        }
    }
}

/// Thrown to the code under test when the mock refuses a statement. The mock also remembers
/// it, so ``MockDriver/verify()`` fails even if the code under test swallowed this error.
public struct MockMismatch: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var problem: MockProblem
    public var description: String { problem.description }
}

/// Thrown by ``MockDriver/verify()``: every problem found, each with where it was declared.
public struct MockVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem, in the order found (statements first, then unmet expectations).
    public var problems: [MockProblem]

    /// Whether nothing ever connected to the mock (see ``MockDriver/wasConnected``).
    public var neverConnected: Bool = false

    public var description: String {
        "mock verification failed with \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n\n"
            + problems.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n\n")
            + (neverConnected ? "\n\n" + Self.neverConnectedHint : "")
    }

    /// What a failure on a mock nobody connected to adds.
    public static let neverConnectedHint = """
        the mock was never connected: nothing sent it a statement, so the code under test talked to \
        another database
          suggestion: with Fluent, `try app.databases.useSQLTestKit(mock)` replaces the app's default \
        database whatever its ID; `use(.sqlTestKit(mock), as: id)` under an ID the app does not use is never asked
        """
}
