/// Checks scripted rows against the columns a schema check says the statement returns: the
/// same names (ignoring ASCII case, in any order) and, where the schema declares a column's
/// type, values of a storage class the real driver can return there. Rows that fit are given
/// back in the statement's column order and spelling, as the database would return them.
enum MockAnswerFit {
    struct Misfit: Error {
        var detail: String
    }

    static func fit(_ rows: [ResultRow], to columns: [StatementShape.Column], dialect: DatabaseDialect) -> Result<[ResultRow], Misfit> {
        let expected = columns.map(\.name)
        let expectedColumns = ResultColumns(expected)
        // Rows scripted together share their names: the order is worked out once per spelling.
        var orders: [[String]: [Int]] = [:]
        var fitted: [ResultRow] = []
        fitted.reserveCapacity(rows.count)
        for (number, row) in zip(1..., rows) {
            let names = row.columns.names
            var order: [Int]?
            if names != expected {
                if let known = orders[names] {
                    order = known
                } else {
                    guard let found = self.order(of: names, toMatch: expected) else {
                        return .failure(Misfit(detail: columnMismatch(expected: expected, scripted: names, row: number)))
                    }
                    orders[names] = found
                    order = found
                }
            }
            for (index, column) in columns.enumerated() {
                guard let allowed = column.storageClasses else { continue }
                let value = row[order?[index] ?? index]
                if !value.isNull, !allowed.contains(value.storageClass) {
                    return .failure(Misfit(detail: typeMismatch(column: column, value: value, row: number, allowed: allowed, dialect: dialect)))
                }
            }
            if let order {
                fitted.append(ResultRow(columns: expectedColumns, values: order.map { row[$0] }))
            } else {
                fitted.append(row)
            }
        }
        return .success(fitted)
    }

    /// For each expected column, the position of the scripted column with its name (ignoring
    /// ASCII case); `nil` when the two lists are not the same names.
    private static func order(of names: [String], toMatch expected: [String]) -> [Int]? {
        guard names.count == expected.count else { return nil }
        var unused = names.map(\.asciiLowercased).enumerated().map { ($0.offset, $0.element) }
        var order: [Int] = []
        for name in expected.map(\.asciiLowercased) {
            guard let found = unused.firstIndex(where: { $0.1 == name }) else { return nil }
            order.append(unused.remove(at: found).0)
        }
        return order
    }

    private static func columnMismatch(expected: [String], scripted: [String], row: Int) -> String {
        var lines = ["the scripted rows do not fit the columns the statement returns:",
                     "  statement returns: \(list(expected))",
                     "  scripted row \(row):    \(list(scripted))"]
        if expected.isEmpty {
            lines.append("  the statement returns no rows; script .affected(n), or add RETURNING to the statement if the code reads rows")
            return lines.joined(separator: "\n")
        }
        let expectedSet = Set(expected.map(\.asciiLowercased))
        let scriptedSet = Set(scripted.map(\.asciiLowercased))
        let missing = expected.filter { !scriptedSet.contains($0.asciiLowercased) }
        for name in scripted where !expectedSet.contains(name.asciiLowercased) {
            let near = Suggestions.closest(to: name, in: missing.isEmpty ? expected : missing)
            lines.append("  `\(name)` is not a column of the statement" + (near.map { "; did you mean `\($0)`?" } ?? ""))
        }
        if !missing.isEmpty { lines.append("  missing: \(list(missing))") }
        if scripted.count != expected.count {
            lines.append("  the statement returns \(expected.count) column\(expected.count == 1 ? "" : "s"), the row has \(scripted.count)")
        }
        return lines.joined(separator: "\n")
    }

    private static func typeMismatch(column: StatementShape.Column, value: SQLValue, row: Int, allowed: Set<String>, dialect: DatabaseDialect) -> String {
        let declared = column.declaredType.map { " is declared \($0)" } ?? ""
        let database = dialect == .postgres ? "PostgreSQL" : dialect == .mysql ? "MySQL" : "SQLite"
        let kinds = allowed.sorted().joined(separator: " or ")
        return """
            scripted row \(row), column `\(column.name)`: \(value.debugDescription), but the column\(declared) \
            and \(database) returns \(kinds) there (or NULL)
              suggestion: script the value as the database returns it — a column's declared type decides what the code reads
            """
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "(no columns)" : names.joined(separator: ", ")
    }
}
