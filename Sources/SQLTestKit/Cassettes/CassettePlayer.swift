/// A cassette being replayed by a mock: which statements have been answered, and an index
/// that finds the next one to answer without scanning.
struct CassettePlayer: Sendable {
    let cassette: Cassette
    /// Each entry's answer, built once: a result, or (for an error) an empty one unused.
    private let results: [QueryResult]
    /// Each entry's kind of statement, for the log.
    let kinds: [StatementKind]
    private var used: [Bool]
    /// The first entry not yet answered.
    private var next = 0
    private let bySQL: [String: [Int]]
    /// Entries by the unordered form of their expanded statement, built at the first
    /// statement that matches no entry exactly.
    private var byUnorderedForm: [String: [Int]]?
    /// Whether statements must come in the recorded order.
    let order: Cassette.ReplayOrder

    init(_ cassette: Cassette, order: Cassette.ReplayOrder = .recorded) {
        self.cassette = cassette
        self.order = order
        results = cassette.entries.map { entry in
            guard case .result(let columns, let rows, let affected, let lastInsertID) = entry.outcome else { return QueryResult() }
            let resultRows = rows.isEmpty ? [] : ResultRow.rows(columns: ResultColumns(columns), values: rows.flatMap { $0 })
            return QueryResult(rows: resultRows, rowsAffected: affected, lastInsertID: lastInsertID)
        }
        kinds = cassette.entries.map { StatementKind(sql: $0.sql, dialect: cassette.dialect) }
        used = Array(repeating: false, count: cassette.entries.count)
        var index: [String: [Int]] = [:]
        for (position, entry) in cassette.entries.enumerated() { index[entry.sql, default: []].append(position) }
        bySQL = index
    }

    /// The entry that answers `sql` with `arguments`: the next one in the recorded order when
    /// it is the same statement — or the same but for the order of its `IN` items, `VALUES`
    /// rows or `SET` assignments (see ``SQLTokenizer/unorderedForm(_:)``: an ORM that fills
    /// an `IN` list from a set sends it in another order on each run). With ``Cassette/ReplayOrder/any``,
    /// any unanswered entry that is, the earliest first. `nil` when none is.
    mutating func take(sql: String, arguments: [SQLValue]) -> Int? {
        if next < used.count, cassette.entries[next].sql == sql, cassette.entries[next].arguments == arguments {
            let position = next
            mark(position)
            return position
        }
        let form = unorderedForm(sql, arguments)
        if next < used.count, unorderedForm(cassette.entries[next].sql, cassette.entries[next].arguments) == form {
            let position = next
            mark(position)
            return position
        }
        guard order == .any else { return nil }
        for position in bySQL[sql] ?? [] where !used[position] && cassette.entries[position].arguments == arguments {
            mark(position)
            return position
        }
        if byUnorderedForm == nil {
            var index: [String: [Int]] = [:]
            for (position, entry) in cassette.entries.enumerated() { index[unorderedForm(entry.sql, entry.arguments), default: []].append(position) }
            byUnorderedForm = index
        }
        for position in byUnorderedForm?[form] ?? [] where !used[position] {
            mark(position)
            return position
        }
        return nil
    }

    private func unorderedForm(_ sql: String, _ arguments: [SQLValue]) -> String {
        SQLTokenizer.unorderedForm(SQLQuery(sql: sql, arguments: arguments).expandedSQL(for: cassette.dialect))
    }

    /// After a statement in recorded order matched nothing: when the cassette holds it nowhere
    /// later either, the code changed the expected statement, and the replay moves past that
    /// one so the statements after it still line up (one change, one failure). A statement
    /// recorded later leaves the order as it was.
    mutating func passOver(sql: String, arguments: [SQLValue]) {
        guard order == .recorded, next < used.count else { return }
        let later = (bySQL[sql] ?? []).contains { !used[$0] && cassette.entries[$0].arguments == arguments }
        if !later { mark(next) }
    }

    private mutating func mark(_ position: Int) {
        used[position] = true
        while next < used.count, used[next] { next += 1 }
    }

    /// What entry `position` answers: its result, or its error for `query`.
    func answer(_ position: Int, to query: SQLQuery, dialect: DatabaseDialect) throws -> QueryResult {
        if case .error(var error) = cassette.entries[position].outcome {
            error.sql = query.sql(for: dialect)
            error.arguments = query.arguments
            throw error
        }
        return results[position]
    }

    /// The entries never answered, by position.
    var unanswered: [Int] { used.indices.filter { !used[$0] } }

    private var name: String { cassette.path ?? "the cassette" }

    /// Why `statement` (sent as `sql`) is refused: it, then the nearest recorded statement not
    /// yet answered, with the first differing token or argument.
    func report(for statement: LoggedStatement, sql: String) -> String {
        var lines = ["statement #\(statement.sequence) on connection \(statement.connectionID) is not in \(name):"]
        lines.append("  SQL:       \(sql)")
        if !statement.arguments.isEmpty {
            lines.append("  arguments: [\(statement.arguments.map(\.debugDescription).joined(separator: ", "))]")
        }
        let open = unanswered
        if order == .recorded, next < used.count {
            let expected = cassette.entries[next]
            lines.append("the cassette expects next (\(cassette.location(of: next))):")
            lines.append("  \(expected.sql)")
            if expected.sql == sql {
                lines += argumentDifference(recorded: expected.arguments, sent: statement.arguments)
            } else {
                lines += SQLTokenizer.firstDifference(expected: expected.sql, actual: sql, labels: ("recorded", "sent")).map { "  " + $0 }
            }
            if let later = open.first(where: { $0 != next && cassette.entries[$0].sql == sql && cassette.entries[$0].arguments == statement.arguments }) {
                lines.append("  the statement was recorded later (\(cassette.location(of: later))): the code sends its statements in another order now")
                lines.append("  (replay with order: .any when the order does not matter, as with concurrent tasks)")
            }
        } else if let same = open.first(where: { cassette.entries[$0].sql == sql }) {
            lines.append("recorded with other arguments (\(cassette.location(of: same))):")
            lines += argumentDifference(recorded: cassette.entries[same].arguments, sent: statement.arguments)
        } else if !open.isEmpty {
            let sent = SQLTokenizer.normalizedTokens(sql)
            var best: (position: Int, distance: Int)?
            for position in open.prefix(500) {
                let distance = Suggestions.editDistance(SQLTokenizer.normalizedTokens(cassette.entries[position].sql), sent)
                if distance < (best?.distance ?? .max) { best = (position, distance) }
            }
            if let best {
                lines.append("nearest recorded statement not yet replayed (\(cassette.location(of: best.position))):")
                lines.append("  \(cassette.entries[best.position].sql)")
                lines += SQLTokenizer.firstDifference(expected: cassette.entries[best.position].sql, actual: sql,
                                                      labels: ("recorded", "sent")).map { "  " + $0 }
            }
        } else {
            lines.append("every recorded statement has been replayed: the test now sends more than it did")
        }
        lines.append("  suggestion: if the change is intended, record the cassette again with SQLTESTKIT_RECORD_CASSETTES=1")
        return lines.joined(separator: "\n")
    }

    private func argumentDifference(recorded: [SQLValue], sent: [SQLValue]) -> [String] {
        var lines = ["  recorded arguments: [\(recorded.map(\.debugDescription).joined(separator: ", "))]"]
        if recorded.count != sent.count {
            lines.append("  it has \(recorded.count) argument\(recorded.count == 1 ? "" : "s"), the statement \(sent.count)")
        } else if let first = recorded.indices.first(where: { recorded[$0] != sent[$0] }) {
            lines.append("  argument \(first + 1) differs: recorded \(recorded[first].debugDescription), sent \(sent[first].debugDescription)")
        }
        return lines
    }

    /// The problem of statements recorded but never sent, if any.
    var unansweredProblem: MockProblem? {
        let open = unanswered
        guard !open.isEmpty else { return nil }
        let listed = open.prefix(5).map { "  \(cassette.location(of: $0)): \(cassette.entries[$0].sql)" }
        return .unreplayed(cassette: name, statements: listed + (open.count > 5 ? ["  … and \(open.count - 5) more"] : []), count: open.count)
    }
}
