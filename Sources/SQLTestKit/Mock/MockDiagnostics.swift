/// Builds the message for a statement nothing scripted: the statement bound and expanded with
/// typed arguments, then the closest scripted statements ranked by token edit distance, each
/// with the first differing token pointed at.
enum MockDiagnostics {
    struct Candidate {
        var expectation: MockExpectation
    }

    static func unexpectedReport(for statement: LoggedStatement, candidates: [MockExpectation], strict: Bool) -> String {
        var lines = ["unexpected statement #\(statement.sequence) on connection \(statement.connectionID)\(strict ? " (strict mode)" : ""):"]
        lines.append("  SQL:       \(statement.sql)")
        if !statement.arguments.isEmpty {
            lines.append("  arguments: [\(statement.arguments.map(\.debugDescription).joined(separator: ", "))]")
            lines.append("  expanded:  \(statement.expandedSQL)")
        }
        let ranked = rank(statement, candidates)
        if ranked.isEmpty {
            lines.append("nothing is scripted that could match it; script it with mock.script(\"\(statement.expandedSQL)\", rows: …)")
        } else {
            lines.append("closest scripted statement\(ranked.count == 1 ? "" : "s"):")
            for (index, candidate) in ranked.enumerated() {
                lines.append("  \(index + 1). \(candidate.expectation.summary)   (declared at \(candidate.expectation.declaredAt))")
                lines.append(contentsOf: candidate.explanation.map { "     " + $0 })
            }
        }
        return lines.joined(separator: "\n")
    }

    struct Ranked {
        var expectation: MockExpectation
        var distance: Int
        var explanation: [String]
    }

    /// The three candidates nearest to the statement.
    static func rank(_ statement: LoggedStatement, _ candidates: [MockExpectation]) -> [Ranked] {
        let boundTokens = SQLTokenizer.normalizedTokens(statement.sql)
        let expandedText = statement.expandedSQL
        let expandedTokens = statement.arguments.isEmpty ? boundTokens : SQLTokenizer.normalizedTokens(expandedText)
        let ranked = candidates.compactMap { compare(statement, boundTokens: boundTokens, expandedTokens: expandedTokens, with: $0) }
        return Array(ranked.enumerated().sorted { ($0.element.distance, $0.offset) < ($1.element.distance, $1.offset) }.prefix(3).map(\.element))
    }

    /// How far a statement is from a scripted one (token edit distance) and where they first
    /// differ; `nil` for a script without SQL text (a regex or predicate).
    static func compare(_ statement: LoggedStatement, boundTokens: [String], expandedTokens: [String], with expectation: MockExpectation) -> Ranked? {
        guard let scripted = expectation.matcher.sqlForComparison else { return nil }
        let scriptedTokens = SQLTokenizer.normalizedTokens(scripted)
        // A script written with placeholders is compared with the bound form, one written
        // with literal values with the expanded form.
        let usesPlaceholders = SQLTokenizer.tokenize(scripted).contains { $0.kind == .placeholder }
        let (actualText, actualTokens) = usesPlaceholders || statement.arguments.isEmpty
            ? (statement.sql, boundTokens) : (statement.expandedSQL, expandedTokens)
        let distance = Suggestions.editDistance(scriptedTokens, actualTokens)
        var explanation = explainDifference(scripted: scripted, actual: actualText)
        if distance == 0, usesPlaceholders, let matchers = expectation.arguments {
            explanation = explainArguments(matchers, statement.arguments)
        }
        return Ranked(expectation: expectation, distance: distance, explanation: explanation)
    }

    /// For a script that never ran: the statement that ran closest to it (fewest differing
    /// tokens, the earliest on a tie), with the first difference pointed at — what the code
    /// sent instead, so a typo is found from `verify()` alone. `nil` when nothing ran that
    /// differs in at most a third of the script's tokens (an unrelated statement is no clue).
    static func closestStatement(to expectation: MockExpectation, among statements: [LoggedStatement]) -> String? {
        guard let scripted = expectation.matcher.sqlForComparison else { return nil }
        let allowed = max(1, SQLTokenizer.normalizedTokens(scripted).count / 3)
        var best: (statement: LoggedStatement, ranked: Ranked)?
        for statement in statements {
            let bound = SQLTokenizer.normalizedTokens(statement.sql)
            let expanded = statement.arguments.isEmpty ? bound : SQLTokenizer.normalizedTokens(statement.expandedSQL)
            guard let ranked = compare(statement, boundTokens: bound, expandedTokens: expanded, with: expectation) else { return nil }
            if best == nil || ranked.distance < best!.ranked.distance { best = (statement, ranked) }
        }
        guard let best, best.ranked.distance <= allowed else { return nil }
        return (["closest statement that ran, #\(best.statement.sequence) on connection \(best.statement.connectionID):",
                 "  \(best.statement.expandedSQL)"] + best.ranked.explanation.map { "  " + $0 }).joined(separator: "\n")
    }

    /// "first difference at token N" with both texts and a caret under the statement's token.
    static func explainDifference(scripted: String, actual: String) -> [String] {
        let lines = SQLTokenizer.firstDifference(expected: scripted, actual: actual, labels: ("scripted", "statement"))
        return lines.isEmpty ? ["same statement up to layout, case and quoting; match it with .normalized(…)"] : lines
    }

    static func explainArguments(_ matchers: [ArgumentMatcher], _ arguments: [SQLValue]) -> [String] {
        if matchers.count != arguments.count {
            return ["the SQL matches, but it scripts \(matchers.count) argument\(matchers.count == 1 ? "" : "s") and the statement has \(arguments.count)"]
        }
        var lines = ["the SQL matches; the arguments differ:"]
        for (index, (matcher, value)) in zip(matchers, arguments).enumerated() where !matcher.matches(value) {
            lines.append("  argument \(index + 1): scripted \(matcher.description), statement has \(value.debugDescription)")
        }
        return lines
    }
}
