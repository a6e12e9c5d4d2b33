/// The mock's script and bookkeeping: the expectations with their use counts, indexes that
/// find exact and normalized matches without scanning, ordered groups, the problems seen, and
/// the per-table key generators. Lives inside ``MockDriver``'s mutex.
struct MockEngine: Sendable {
    struct Rule {
        var expectation: MockExpectation
        var uses = 0
        /// The ordered group and position in it, for rules declared with `expectInOrder`.
        var group: Int?
        /// For an exact rule that needs no decision beyond "not used up" — no argument matchers,
        /// no group, no error among its answers, not `.never` — the kind of statement its text
        /// is: a statement matching the text is of the same kind, so it is logged without being
        /// classified again. `nil` for every other rule.
        var plainKind: StatementKind?
        /// How many uses it allows, read without going through its count.
        var maximumUses: Int
    }

    /// What to do with a statement: an answer, from the rule that gave it when one did.
    enum Decision {
        case answer(MockAnswer, rule: Int?)
        case refuse(MockProblem)
    }

    /// The rules an index entry points at: most SQL texts are scripted once, so the common
    /// case holds its one id inline instead of in an array of its own.
    enum RuleIDs {
        case one(Int)
        case many([Int])

        var all: [Int] {
            switch self {
            case .one(let id): [id]
            case .many(let ids): ids
            }
        }

        func appending(_ id: Int) -> RuleIDs {
            .many(all + [id])
        }
    }

    var rules: [Rule] = []
    /// Rules by their exact and by their normalized SQL text. Standard dictionaries keep a
    /// statement's lookup flat as scripts grow, well inside the 1 µs target (a hand-made index
    /// over a cheaper hash was faster still, but not needed; see Benchmarks.md).
    private var exactIndex: [String: RuleIDs] = [:]
    private var normalizedIndex: [String: RuleIDs] = [:]
    private var unorderedIndex: [String: RuleIDs] = [:]
    /// Exact rules with placeholders, by their text with every placeholder written `?`: a
    /// script written with `?` answers Fluent's `?1` and `$1`, as `assertSQL` accepts either.
    private var placeholderIndex: [String: RuleIDs] = [:]
    /// Whether any exact script's text could hold a placeholder. When none does, a statement
    /// with arguments can only match in its expanded form, so its bound text is not looked up.
    private var exactTextsMayHavePlaceholders = false
    private var scannedRules: [Int] = []
    private var groups: [[Int]] = []
    var problems: [MockProblem] = []
    /// The cassette a replaying mock answers from (see ``MockDriver/init(replaying:order:capability:log:)``).
    var player: CassettePlayer?
    /// Statements seen with arguments, cut at their placeholders, by SQL text: expanding the
    /// next one with the same text needs no tokenizing. Bounded; emptied when full.
    private var templates: [String: RenderTemplate] = [:]
    private static let templateLimit = 10_000
    private var lastKeys: [String: Int64] = [:]

    /// Adds a rule; an exact rule's statement kind is read by `dialect`'s lexical rules, as the
    /// statements it answers are.
    mutating func add(_ expectation: MockExpectation, group: Int? = nil, dialect: DatabaseDialect) {
        let id = rules.count
        rules.append(Rule(expectation: expectation, group: group, maximumUses: expectation.count.maximum))
        switch expectation.matcher.rule {
        case .exact(let sql):
            if expectation.arguments == nil, group == nil, expectation.count != .never, !expectation.answers.contains(where: { $0.error != nil }) {
                rules[id].plainKind = StatementKind(sql: sql, dialect: dialect)
            }
            exactIndex[sql] = exactIndex[sql]?.appending(id) ?? .one(id)
            if sql.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@") }) {
                exactTextsMayHavePlaceholders = true
                let unified = SQLTokenizer.unifyingPlaceholders(sql, dialect: dialect)
                if unified.utf8.contains(UInt8(ascii: "?")) {
                    placeholderIndex[unified] = placeholderIndex[unified]?.appending(id) ?? .one(id)
                }
            }
        case .normalized(_, let form): normalizedIndex[form] = normalizedIndex[form]?.appending(id) ?? .one(id)
        case .unordered(_, let form): unorderedIndex[form] = unorderedIndex[form]?.appending(id) ?? .one(id)
        case .regex, .predicate: scannedRules.append(id)
        }
        if let group { groups[group].append(id) }
    }

    mutating func newGroup() -> Int {
        groups.append([])
        return groups.count - 1
    }

    mutating func removeAll() {
        let cassette = player.map { ($0.cassette, $0.order) }
        self = MockEngine()
        player = cassette.map { CassettePlayer($0.0, order: $0.1) }
    }

    mutating func resetKeys() {
        lastKeys.removeAll()
    }

    // MARK: - Deciding

    /// Logs `query` and answers it or throws: the one call per statement, made under the
    /// driver's mutex, so the log's order is the order statements were decided in.
    ///
    /// With `firstRowOnly`, a plain scripted answer that has no side effect (anything but an
    /// INSERT, whose keys are counted) comes back as its first row alone.
    ///
    /// With a `shape` whose columns a schema check learnt, scripted rows must fit it (see
    /// ``MockAnswerFit``); rows that do not are refused and remembered.
    mutating func respond<Log: StatementSink>(to query: SQLQuery, dialect: DatabaseDialect, connectionID: Int, depth: Int, strict: Bool,
                                              log: inout Log, firstRowOnly: Bool, shape: StatementShape? = nil) throws -> Reply {
        if player != nil { return try replay(query, dialect: dialect, connectionID: connectionID, depth: depth, log: &log, firstRowOnly: firstRowOnly) }
        var exactCandidates: [Int]?
        if normalizedIndex.isEmpty, unorderedIndex.isEmpty, scannedRules.isEmpty {
            // Only exact rules: the statement as sent, else its expanded form, each looked up
            // once. The common case — one plain rule, not used up — is logged with the rule's
            // kind and answered here, with no decision built.
            var hit: RuleIDs?
            if query.arguments.isEmpty || exactTextsMayHavePlaceholders {
                // Text the dialect receives as written is looked up as it is, without rendering.
                hit = query.isSentAsWritten(in: dialect) ? exactIndex[query.sql] : exactIndex[sqlText(of: query, dialect: dialect)]
            }
            if hit == nil, !query.arguments.isEmpty { hit = exactIndex[expandedSQL(of: query, dialect: dialect)] }
            if hit == nil, !query.arguments.isEmpty, !placeholderIndex.isEmpty {
                hit = placeholderIndex[SQLTokenizer.unifyingPlaceholders(query.sql, dialect: dialect)]
            }
            if case .one(let id)? = hit, let kind = rules[id].plainKind, rules[id].uses < rules[id].maximumUses, shape?.columns == nil {
                log.append(query, dialect: dialect, connectionID: connectionID, transactionDepth: depth, kind: kind)
                rules[id].uses += 1
                // Read the answer's parts in place: copying the whole answer retains all of it.
                let answer = min(rules[id].uses, rules[id].expectation.answers.count) - 1
                if firstRowOnly, kind != .insert { return .firstRow(rules[id].expectation.answers[answer].rows.first) }
                return .result(result(rows: rules[id].expectation.answers[answer].rows, rowsAffected: rules[id].expectation.answers[answer].rowsAffected,
                                      lastInsertID: rules[id].expectation.answers[answer].lastInsertID, kind: kind, query: query, dialect: dialect))
            }
            exactCandidates = hit?.all ?? []
        }
        let statement = log.record(query, dialect: dialect, connectionID: connectionID, transactionDepth: depth)
        switch decide(statement, strict: strict, exactCandidates: exactCandidates) {
        case .refuse(let problem):
            throw MockMismatch(problem: problem)
        case .answer(var answer, let rule):
            if let columns = shape?.columns, !answer.rows.isEmpty {
                switch MockAnswerFit.fit(answer.rows, to: columns, dialect: dialect) {
                case .success(let rows):
                    answer.rows = rows
                case .failure(let misfit):
                    let expectation = rule.map { rules[$0].expectation }
                    let problem = MockProblem.answerDoesNotFit(statement, expectation: expectation?.summary, declaredAt: expectation?.declaredAt,
                                                               detail: misfit.detail)
                    problems.append(problem)
                    throw MockMismatch(problem: problem)
                }
            }
            return .result(try result(of: answer, kind: statement.kind, query: query, dialect: dialect))
        }
    }

    /// Logs `query` as refused by the schema check with `error`, and remembers it, so
    /// ``MockDriver/verify()`` fails even when the code swallowed the error.
    mutating func refuse<Log: StatementSink>(_ query: SQLQuery, error: QueryError, dialect: DatabaseDialect, connectionID: Int, depth: Int,
                                             log: inout Log) {
        let statement = log.record(query, dialect: dialect, connectionID: connectionID, transactionDepth: depth)
        problems.append(.invalidStatement(statement, error: error))
    }

    /// What ``respond(to:dialect:connectionID:depth:strict:log:firstRowOnly:)`` gives back.
    enum Reply {
        case result(QueryResult)
        /// Only the first row, for `fetchOne`: read from the script in place, the result's
        /// array is neither retained nor released.
        case firstRow(ResultRow?)

        /// The reply as a whole result.
        var result: QueryResult {
            switch self {
            case .result(let result): result
            case .firstRow(let row): QueryResult(rows: row.map { [$0] } ?? [])
            }
        }

        /// The reply's first row.
        var firstRow: ResultRow? {
            switch self {
            case .result(let result): result.rows.first
            case .firstRow(let row): row
            }
        }
    }

    /// What to do with `statement`. `exactCandidates` are the rules already found when the
    /// script has only exact rules; otherwise every index and scanned rule is consulted.
    private mutating func decide(_ statement: LoggedStatement, strict: Bool, exactCandidates: [Int]?) -> Decision {
        let candidates = exactCandidates ?? matchingRules(statement, sql: sqlText(of: statement.query, dialect: statement.dialect))
        let argumentMatches = candidates.count == 1 && rules[candidates[0]].expectation.arguments == nil
            ? candidates : candidates.filter { argumentsMatch(rules[$0].expectation.arguments, statement.arguments) }

        if let chosen = argumentMatches.first(where: isEligible) {
            return answer(chosen, for: statement)
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
            return .answer(.empty, rule: nil)
        }
        // Nothing scripted answers it. Framework noise is always allowed; so is anything in
        // the default (lenient) mode.
        if !strict || statement.isNoise { return .answer(.unscripted, rule: nil) }
        let report = MockDiagnostics.unexpectedReport(for: statement, candidates: rules.map(\.expectation), strict: strict)
        return refuse(.unexpected(statement, report: report))
    }

    /// Counts a use of rule `id` and gives its answer for that use.
    private mutating func answer(_ id: Int, for statement: LoggedStatement) -> Decision {
        rules[id].uses += 1
        // Read only what the answer needs: copying the whole expectation would retain every
        // part of it on each statement.
        if rules[id].expectation.count == .never {
            let expectation = rules[id].expectation
            return refuse(.forbidden(statement, expectation: expectation.summary, declaredAt: expectation.declaredAt))
        }
        let uses = rules[id].uses
        return .answer(rules[id].expectation.answers.withUnsafeBufferPointer { $0[min(uses, $0.count) - 1] }, rule: id)
    }

    private mutating func refuse(_ problem: MockProblem) -> Decision {
        problems.append(problem)
        return .refuse(problem)
    }

    /// Rules whose SQL matches, in declaration order, when the script has more than exact
    /// rules. Exact and normalized matches come from indexes; only regex and predicate rules
    /// are scanned.
    private mutating func matchingRules(_ statement: LoggedStatement, sql: String) -> [Int] {
        // A script matching the statement as sent wins over one matching its expanded form,
        // which is only computed when the first finds nothing.
        var found: [Int] = []
        if !exactIndex.isEmpty {
            found += exactIndex[sql]?.all ?? []
            if found.isEmpty, !statement.arguments.isEmpty { found += exactIndex[expandedSQL(of: statement.query, dialect: statement.dialect)]?.all ?? [] }
            if found.isEmpty, !statement.arguments.isEmpty, !placeholderIndex.isEmpty {
                found += placeholderIndex[SQLTokenizer.unifyingPlaceholders(statement.sql, dialect: statement.dialect)]?.all ?? []
            }
        }
        if !normalizedIndex.isEmpty {
            let before = found.count
            found += normalizedIndex[SQLTokenizer.normalize(sql)]?.all ?? []
            if found.count == before, !statement.arguments.isEmpty {
                found += normalizedIndex[SQLTokenizer.normalize(expandedSQL(of: statement.query, dialect: statement.dialect))]?.all ?? []
            }
        }
        if !unorderedIndex.isEmpty {
            let before = found.count
            found += unorderedIndex[SQLTokenizer.unorderedForm(expandedSQL(of: statement.query, dialect: statement.dialect))]?.all ?? []
            if found.count == before, !statement.arguments.isEmpty {
                found += unorderedIndex[SQLTokenizer.unorderedForm(sql)]?.all ?? []
            }
        }
        if !scannedRules.isEmpty {
            let expanded = expandedSQL(of: statement.query, dialect: statement.dialect)
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
        return found
    }

    /// `query`'s SQL in `dialect`'s form, as ``LoggedStatement/sql`` gives it, from a
    /// template kept per SQL text when the dialect rewrites placeholders.
    mutating func sqlText(of query: SQLQuery, dialect: DatabaseDialect) -> String {
        if dialect == .sqlite || !query.identifierSpans.isEmpty { return query.sql(for: dialect) }
        if dialect == .mysql { return query.sql }
        return template(for: query, dialect: dialect).render(expanding: nil, dialect: dialect)
    }

    private mutating func template(for query: SQLQuery, dialect: DatabaseDialect) -> RenderTemplate {
        if let template = templates[query.sql] { return template }
        if templates.count >= MockEngine.templateLimit { templates.removeAll() }
        let template = RenderTemplate(query, dialect: dialect)
        templates[query.sql] = template
        return template
    }

    /// `query` with its arguments written in, as ``LoggedStatement/expandedSQL`` gives it,
    /// from a template kept per SQL text.
    private mutating func expandedSQL(of query: SQLQuery, dialect: DatabaseDialect) -> String {
        guard query.identifierSpans.isEmpty else { return query.expandedSQL(for: dialect) }
        return template(for: query, dialect: dialect).render(expanding: query.arguments, dialect: dialect)
    }

    private func argumentsMatch(_ matchers: [ArgumentMatcher]?, _ arguments: [SQLValue]) -> Bool {
        guard let matchers else { return true }
        return matchers.count == arguments.count && zip(matchers, arguments).allSatisfy { $0.matches($1) }
    }

    private func isExhausted(_ id: Int) -> Bool {
        rules[id].uses >= rules[id].maximumUses && rules[id].expectation.count != .never
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

    /// The result of an answer for a statement of `kind`: rows as given; rows affected and
    /// insert keys filled in as a real database would when the answer leaves them open. An
    /// answer that is an error is thrown, carrying the statement's SQL and arguments.
    private mutating func result(of answer: MockAnswer, kind: StatementKind, query: SQLQuery, dialect: DatabaseDialect) throws -> QueryResult {
        if var error = answer.error {
            error.sql = query.sql(for: dialect)
            error.arguments = query.arguments
            throw error
        }
        return result(rows: answer.rows, rowsAffected: answer.rowsAffected, lastInsertID: answer.lastInsertID, kind: kind, query: query,
                      dialect: dialect, returnsInsertedRow: answer.returnsInsertedRow)
    }

    /// The result of an answer's parts (see ``result(of:kind:query:dialect:)``). A dialect
    /// whose database reports no last insert id (PostgreSQL) gets none, even when the answer
    /// names one: the key still numbers a `RETURNING` row, as the server's would.
    private mutating func result(rows: [ResultRow], rowsAffected: Int?, lastInsertID: Int64?, kind: StatementKind, query: SQLQuery,
                                 dialect: DatabaseDialect, returnsInsertedRow: Bool = false) -> QueryResult {
        let reported = dialect.reportsLastInsertID
        switch kind {
        case .insert:
            let affected = rowsAffected ?? max(1, rows.count)
            var key: Int64?
            if affected > 0 {
                let table = SQLTokenizer.insertTarget(query.sql) ?? ""
                key = lastInsertID ?? ((lastKeys[table] ?? 0) + Int64(affected))
                lastKeys[table] = max(lastKeys[table] ?? 0, key!)
            }
            // An INSERT … RETURNING nobody gave rows for returns its new row's key.
            if returnsInsertedRow, let key, affected == 1, let returned = Self.returnedRow(of: query, key: key) {
                return QueryResult(rows: [returned], rowsAffected: affected, lastInsertID: reported ? key : nil)
            }
            return QueryResult(rows: rows, rowsAffected: affected, lastInsertID: reported ? key : nil)
        case .update, .delete:
            return QueryResult(rows: rows, rowsAffected: rowsAffected ?? rows.count)
        default:
            return QueryResult(rows: rows, rowsAffected: rowsAffected ?? 0, lastInsertID: reported ? lastInsertID : nil)
        }
    }

    /// Every recorded problem, then every expectation that ran fewer times than required,
    /// each that never ran with the closest of `ran` (the statements logged).
    func verificationProblems(ran: [LoggedStatement]) -> [MockProblem] {
        problems + (player?.unansweredProblem.map { [$0] } ?? []) + rules.compactMap { rule in
            guard rule.uses < rule.expectation.count.minimum else { return nil }
            let closest = rule.uses == 0 ? MockDiagnostics.closestStatement(to: rule.expectation, among: ran) : nil
            return .unmet(expectation: rule.expectation.summary, declaredAt: rule.expectation.declaredAt,
                          count: rule.expectation.count, ran: rule.uses, closestRan: closest)
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
