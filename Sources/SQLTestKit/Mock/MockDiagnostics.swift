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
        var ranked: [Ranked] = []
        for expectation in candidates {
            guard let scripted = expectation.matcher.sqlForComparison else { continue }
            let scriptedTokens = SQLTokenizer.normalizedTokens(scripted)
            // A script written with placeholders is compared with the bound form, one written
            // with literal values with the expanded form.
            let usesPlaceholders = SQLTokenizer.tokenize(scripted).contains { $0.kind == .placeholder }
            let (actualText, actualTokens) = usesPlaceholders || statement.arguments.isEmpty
                ? (statement.sql, boundTokens) : (expandedText, expandedTokens)
            let distance = Suggestions.editDistance(scriptedTokens, actualTokens)
            var explanation = explainDifference(scripted: scripted, actual: actualText)
            if distance == 0, usesPlaceholders, let matchers = expectation.arguments {
                explanation = explainArguments(matchers, statement.arguments)
            }
            ranked.append(Ranked(expectation: expectation, distance: distance, explanation: explanation))
        }
        return Array(ranked.enumerated().sorted { ($0.element.distance, $0.offset) < ($1.element.distance, $1.offset) }.prefix(3).map(\.element))
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
