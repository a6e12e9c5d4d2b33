/// The mock's script and bookkeeping: the expectations with their use counts, indexes that
/// find exact and normalized matches without scanning, ordered groups, the problems seen, and
/// the per-table key generators. Lives inside ``MockDriver``'s mutex.
struct MockEngine {
    struct Rule {
        var expectation: MockExpectation
        var uses = 0
        /// The ordered group and position in it, for rules declared with `expectInOrder`.
        var group: Int?
    }

    /// What to do with a statement.
    enum Decision {
        case answer(MockAnswer)
        case refuse(MockProblem)
    }

    var rules: [Rule] = []
    private var exactIndex: [String: [Int]] = [:]
    private var normalizedIndex: [String: [Int]] = [:]
    private var scannedRules: [Int] = []
    private var groups: [[Int]] = []
    var problems: [MockProblem] = []
    private var lastKeys: [String: Int64] = [:]

    mutating func add(_ expectation: MockExpectation, group: Int? = nil) {
        let id = rules.count
        rules.append(Rule(expectation: expectation, group: group))
        switch expectation.matcher.rule {
        case .exact(let sql): exactIndex[sql, default: []].append(id)
        case .normalized(_, let form): normalizedIndex[form, default: []].append(id)
        case .regex, .predicate: scannedRules.append(id)
        }
        if let group { groups[group].append(id) }
    }

    mutating func newGroup() -> Int {
        groups.append([])
        return groups.count - 1
    }

    mutating func removeAll() {
        self = MockEngine()
    }

    mutating func resetKeys() {
        lastKeys.removeAll()
    }

    // MARK: - Deciding

    mutating func decide(_ statement: LoggedStatement, strict: Bool) -> Decision {
        let candidates = matchingRules(statement)
        let argumentMatches = candidates.count == 1 && rules[candidates[0]].expectation.arguments == nil
            ? candidates : candidates.filter { argumentsMatch(rules[$0].expectation.arguments, statement.arguments) }

        if let chosen = argumentMatches.first(where: isEligible) {
            rules[chosen].uses += 1
            let expectation = rules[chosen].expectation
            if expectation.count == .never {
                return refuse(.forbidden(statement, expectation: expectation.summary, declaredAt: expectation.declaredAt))
            }
            let answer = expectation.answers[min(rules[chosen].uses, expectation.answers.count) - 1]
            return .answer(answer)
        }
        if let blocked = argumentMatches.first(where: { !isExhausted($0) }), let waiting = firstUnsatisfied(inGroupOf: blocked) {
            let expectation = rules[blocked].expectation
            let waitingFor = rules[waiting].expectation
            return refuse(.outOfOrder(statement, expectation: expectation.summary, declaredAt: expectation.declaredAt,
                                      waitingFor: waitingFor.summary, waitingDeclaredAt: waitingFor.declaredAt))
        }
        if let exhausted = argumentMatches.first {
            let expectation = rules[exhausted].expectation
            if expectation.count == .never {
                return refuse(.forbidden(statement, expectation: expectation.summary, declaredAt: expectation.declaredAt))
            }
            let problem = MockProblem.tooManyRuns(statement, expectation: expectation.summary, declaredAt: expectation.declaredAt, count: expectation.count)
            if strict { return refuse(problem) }
            problems.append(problem)
            return .answer(.empty)
        }
        // Nothing scripted answers it. Framework noise is always allowed; so is anything in
        // the default (lenient) mode.
        if !strict || statement.isNoise { return .answer(.empty) }
        let report = MockDiagnostics.unexpectedReport(for: statement, candidates: rules.map(\.expectation), strict: strict)
        return refuse(.unexpected(statement, report: report))
    }

    private mutating func refuse(_ problem: MockProblem) -> Decision {
        problems.append(problem)
        return .refuse(problem)
    }

    /// Rules whose SQL matches, in declaration order. Exact and normalized matches come from
    /// indexes; only regex and predicate rules are scanned.
    private func matchingRules(_ statement: LoggedStatement) -> [Int] {
        let sql = statement.sql
        if normalizedIndex.isEmpty, scannedRules.isEmpty, statement.arguments.isEmpty {
            return exactIndex[sql] ?? []
        }
        // A script matching the statement as sent wins over one matching its expanded form,
        // which is only computed when the first finds nothing.
        var found: [Int] = []
        if !exactIndex.isEmpty {
            found += exactIndex[sql] ?? []
            if found.isEmpty, !statement.arguments.isEmpty { found += exactIndex[statement.expandedSQL] ?? [] }
        }
        if !normalizedIndex.isEmpty {
            let before = found.count
            found += normalizedIndex[SQLTokenizer.normalize(sql)] ?? []
            if found.count == before, !statement.arguments.isEmpty {
                found += normalizedIndex[SQLTokenizer.normalize(statement.expandedSQL)] ?? []
            }
        }
        if !scannedRules.isEmpty {
            let expanded = statement.expandedSQL
            for id in scannedRules {
                switch rules[id].expectation.matcher.rule {
                case .regex(let regex):
                    if regex.matches(sql) || regex.matches(expanded) { found.append(id) }
                case .predicate(let condition):
                    if condition(statement) { found.append(id) }
                default:
                    break
                }
            }
        }
        if found.count > 1 { found = Array(Set(found)).sorted() }
        // (With one index hit and nothing else, `found` is that hit's array, not a copy.)
        return found
    }

    private func argumentsMatch(_ matchers: [ArgumentMatcher]?, _ arguments: [SQLValue]) -> Bool {
        guard let matchers else { return true }
        return matchers.count == arguments.count && zip(matchers, arguments).allSatisfy { $0.matches($1) }
    }

    private func isExhausted(_ id: Int) -> Bool {
        rules[id].uses >= rules[id].expectation.count.maximum && rules[id].expectation.count != .never
    }

    /// Not exhausted, and — in an ordered group — every rule declared before it is satisfied.
    private func isEligible(_ id: Int) -> Bool {
        guard !isExhausted(id) else { return false }
        guard let waiting = firstUnsatisfied(inGroupOf: id) else { return true }
        return waiting == id
    }

    /// The first rule of `id`'s ordered group, declared before or at `id`, that has not yet
    /// run its minimum; `nil` when all before it are satisfied or `id` is in no group.
    private func firstUnsatisfied(inGroupOf id: Int) -> Int? {
        guard let group = rules[id].group else { return nil }
        for member in groups[group] {
            if member == id { return nil }
            if rules[member].uses < rules[member].expectation.count.minimum { return member }
        }
        return nil
    }

    // MARK: - Answers

    /// The result of an answer for this statement: rows as given; rows affected and insert
    /// keys filled in as a real database would when the answer leaves them open.
    mutating func result(of answer: MockAnswer, for statement: LoggedStatement) -> QueryResult {
        let kind = statement.kind
        switch kind {
        case .insert:
            let affected = answer.rowsAffected ?? max(1, answer.rows.count)
            var key: Int64?
            if affected > 0 {
                let table = SQLTokenizer.insertTarget(statement.query.sql) ?? ""
                key = answer.lastInsertID ?? ((lastKeys[table] ?? 0) + Int64(affected))
                lastKeys[table] = max(lastKeys[table] ?? 0, key!)
            }
            return QueryResult(rows: answer.rows, rowsAffected: affected, lastInsertID: key)
        case .update, .delete:
            return QueryResult(rows: answer.rows, rowsAffected: answer.rowsAffected ?? answer.rows.count)
        default:
            return QueryResult(rows: answer.rows, rowsAffected: answer.rowsAffected ?? 0, lastInsertID: answer.lastInsertID)
        }
    }

    /// Every recorded problem, then every expectation that ran fewer times than required.
    func verificationProblems() -> [MockProblem] {
        problems + rules.compactMap { rule in
            guard rule.uses < rule.expectation.count.minimum else { return nil }
            return .unmet(expectation: rule.expectation.summary, declaredAt: rule.expectation.declaredAt,
                          count: rule.expectation.count, ran: rule.uses)
        }
    }
}

extension SQLTokenizer {
    /// The table an `INSERT`/`REPLACE` writes to (`INSERT [OR …] INTO name`), unquoted.
    static func insertTarget(_ sql: String) -> String? {
        let words = tokenize(sql).filter(\.isSignificant)
        guard let into = words.firstIndex(where: { $0.keyword == "INTO" }), into + 1 < words.count else { return nil }
        var name = words[into + 1].identifierName
        // schema.table
        if into + 3 < words.count, words[into + 2].text == "." { name = words[into + 3].identifierName }
        return name
    }
}
