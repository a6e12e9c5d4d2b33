import IssueReporting
import SQLTestKit

/// Asserts that `table` holds exactly `expected` rows, matched by primary key whatever their
/// order. Only the columns an expected row names are compared, so a test states what it cares
/// about; rows missing or not expected are listed, and each differing row names every
/// differing column.
///
/// ```swift
/// try await assertTableRows("book", in: db, [
///     ["id": 1, "title": "Dune"],
///     ["id": 2, "title": "Dune Messiah"],
/// ])
/// ```
///
/// Expected rows can come from a fixture file too: `try await fixtures.rows(of: "book")`.
public func assertTableRows(
    _ table: String, in db: any DatabaseConnection, _ expected: [KeyValuePairs<String, SQLValue>],
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async throws {
    try await assertTableRows(table, in: db, expected.map { ResultRow($0) },
                              fileID: fileID, filePath: filePath, line: line, column: column)
}

/// ``assertTableRows(_:in:_:fileID:filePath:line:column:)`` with ready-made rows, such as a
/// fixture table's.
public func assertTableRows(
    _ table: String, in db: any DatabaseConnection, _ expected: [ResultRow],
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async throws {
    // The schema comes from the connection's own catalog (SQLite's pragmas, PostgreSQL's pg_catalog).
    let schema = try await SchemaInfo.read(from: db)
    guard let found = schema.table(named: table) else {
        let tables = schema.tables.map(\.name).sorted()
        reportIssue("assertTableRows failed: there is no table `\(table)`; tables: \(tables.map { "`\($0)`" }.joined(separator: ", "))",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        return
    }
    let key = found.primaryKey.map(\.name)
    let actual = try await db.fetchAll(SQLQuery(sql: "SELECT * FROM \(db.capability.dialect.quoteIdentifier(found.name))"))
    let comparison = RowComparison(subject: "table `\(table)`", key: key.isEmpty ? (actual.first ?? expected.first).map { [$0.columnNames[0]] } ?? [] : key,
                                   expected: expected, actual: actual)
    if let message = comparison.failureMessage(assertion: "assertTableRows") {
        reportIssue(message, fileID: fileID, filePath: filePath, line: line, column: column)
    }
}

/// Asserts that `query` returns exactly `expected` rows, matched by the `key` columns (the
/// first column unless given) whatever their order; only the columns an expected row names
/// are compared.
///
/// ```swift
/// try await assertQueryRows("SELECT id, title FROM book WHERE author_id = \(1)", in: db, [["id": 1, "title": "Dune"]])
/// ```
public func assertQueryRows(
    _ query: SQLQuery, in db: any DatabaseConnection, key: [String]? = nil, _ expected: [KeyValuePairs<String, SQLValue>],
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async throws {
    let actual = try await db.fetchAll(query)
    let expectedRows = expected.map { ResultRow($0) }
    let keyColumns = key ?? (actual.first ?? expectedRows.first).map { [$0.columnNames[0]] } ?? []
    let comparison = RowComparison(subject: "the query", key: keyColumns, expected: expectedRows, actual: actual)
    if let message = comparison.failureMessage(assertion: "assertQueryRows") {
        reportIssue(message + "\n  query: \(query.expandedSQL)", fileID: fileID, filePath: filePath, line: line, column: column)
    }
}

/// Matches expected rows to actual ones by key and describes every difference.
struct RowComparison {
    let subject: String
    let key: [String]
    let expected: [ResultRow]
    let actual: [ResultRow]

    func failureMessage(assertion: String) -> String? {
        func keyText(_ row: ResultRow) -> String {
            key.map { "\($0) \(row[$0].map(\.description) ?? "?")" }.joined(separator: ", ")
        }
        func keyValues(_ row: ResultRow) -> [SQLValue?] { key.map { row[$0] } }
        var lines: [String] = []
        var problems = 0
        if let row = expected.first(where: { row in key.contains { row[$0] == nil } }) {
            return "\(assertion) failed: the expected row \(row) has no value for the key column\(key.count == 1 ? "" : "s") \(key.map { "`\($0)`" }.joined(separator: ", "))"
        }
        var remaining: [[SQLValue?]: [ResultRow]] = [:]
        for row in actual { remaining[keyValues(row), default: []].append(row) }
        for wanted in expected {
            guard var candidates = remaining[keyValues(wanted)], !candidates.isEmpty else {
                problems += 1
                lines.append("  − \(keyText(wanted)): expected, not found")
                continue
            }
            let got = candidates.removeFirst()
            remaining[keyValues(wanted)] = candidates
            var differences: [String] = []
            for (name, value) in zip(wanted.columnNames, wanted.values) {
                guard let actualValue = got[name] else {
                    differences.append("no column `\(name)`")
                    continue
                }
                if actualValue != value { differences.append("\(name) \(actualValue) ≠ expected \(value)") }
            }
            if differences.isEmpty {
                lines.append("  ✓ \(keyText(wanted))")
            } else {
                problems += 1
                lines.append("  ✗ \(keyText(wanted)): " + differences.joined(separator: "; "))
            }
        }
        let extra = actual.filter { row in remaining[keyValues(row)]?.contains(row) == true }
        for row in extra {
            problems += 1
            lines.append("  + \(keyText(row)): not expected (" + zip(row.columnNames, row.values).map { "\($0) \($1)" }.joined(separator: ", ") + ")")
        }
        guard problems > 0 else { return nil }
        return "\(assertion) failed: \(subject) has \(actual.count) row\(actual.count == 1 ? "" : "s"), expected \(expected.count) (matched by \(key.joined(separator: ", "))):\n" + lines.joined(separator: "\n")
    }
}
