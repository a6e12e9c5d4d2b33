import Foundation
import Synchronization

extension RowFactory {
    /// Inserts a row of `table` with `given` and a generated value for every other required
    /// column; a duplicate among the generated values is retried with the next numbers.
    nonisolated(nonsending)
    func insertRow(of table: SchemaInfo.Table, values given: [String: (column: String, value: SQLValue)]) async throws -> ResultRow {
        let dialect = db.capability.dialect
        let catalog = db.catalog
        let target = dialect.quoteIdentifier(table.name)
        for _ in 0..<100 {
            var names: [String] = []
            var arguments: [SQLValue] = []
            var generated: [String] = []
            for column in table.columns {
                let value: SQLValue
                if let given = given[column.name.asciiLowercased] {
                    value = given.value
                } else if needsValue(column, in: table) {
                    value = generatedValue(for: column, in: table)
                    generated.append("\(column.name) = \(value.description)")
                } else {
                    continue
                }
                names.append(dialect.quoteIdentifier(column.name))
                arguments.append(catalog.insertArgument(value, into: column))
            }
            let returning = db.capability.supportsReturning ? " RETURNING *" : ""
            let sql = names.isEmpty
                ? "INSERT INTO \(target) DEFAULT VALUES\(returning)"
                : "INSERT INTO \(target) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))\(returning)"
            do {
                let result = try await db.execute(SQLQuery(sql: sql, arguments: arguments))
                if let row = result.rows.first { return row }
                return ResultRow(columns: ResultColumns(table.columns.map(\.name).filter { given[$0.asciiLowercased] != nil }),
                                 values: table.columns.compactMap { given[$0.name.asciiLowercased]?.value })
            } catch let error as QueryError where error.code == .constraintUnique || error.code == .constraintPrimaryKey {
                // A generated value is taken (by a fixture row, say): the next numbers are tried.
                if generated.isEmpty { throw error }
            } catch let error as QueryError where !generated.isEmpty {
                throw RowFactoryError(
                    message: "\(table.name): the database refused the row: \(error.message)\n  generated: \(generated.joined(separator: ", "))",
                    table: table.name,
                    suggestion: "give the columns the database refused values of their own (a CHECK constraint or an enum type may ask for particular ones)")
            }
        }
        throw RowFactoryError(message: "\(table.name): 100 generated rows in a row were duplicates", table: table.name,
                              suggestion: "give the unique columns values of your own")
    }

    /// Whether the row needs a value the test did not give: NOT NULL or part of the primary key
    /// (SQLite lets a key that is not an integer be NULL, which no ORM reads back), no default,
    /// not generated, not a key the database numbers.
    func needsValue(_ column: SchemaInfo.Column, in table: SchemaInfo.Table) -> Bool {
        (column.notNull || column.primaryKeyPosition > 0) && !column.hasDefault && !column.isGenerated && column.sequence == nil
            && table.rowidAlias?.name != column.name
    }

    /// The next value of `column`: its number, in the column's type.
    func generatedValue(for column: SchemaInfo.Column, in table: SchemaInfo.Table) -> SQLValue {
        let key = table.name.asciiLowercased + "." + column.name.asciiLowercased
        let number = state.withLock { state -> Int in
            state.counters[key, default: 0] += 1
            return state.counters[key]!
        }
        let fixture: FixtureValue = switch column.kind {
        case .integer, .numeric: .number(String(number))
        case .real: .number("\(number).5")
        case .boolean: .bool(number % 2 == 1)
        case .date: .quoted(Self.day(number))
        case .dateTime: .quoted(Self.day(number) + String(format: " %02d:%02d:00", (number / 60) % 24, number % 60))
        case .time: .quoted(String(format: "%02d:%02d:%02d", (number / 3600) % 24, (number / 60) % 60, number % 60))
        case .json: .exact(.text("{\"\(column.name)\": \(number)}"))
        case .array: .list([])
        case .uuid: .quoted(uuid(table: table.name, column: column.name, number: number))
        case .blob: .binary(Array(text(table: table.name, column: column, number: number).utf8))
        case .text, .any: .quoted(text(table: table.name, column: column, number: number))
        }
        if case .success(let value) = column.kind.coerce(fixture) { return value }
        return .text(text(table: table.name, column: column, number: number))
    }

    /// `book title 7`; for a declared length too short for it, `title 7`, or its start and
    /// the number (`varchar(6)`: `tit 7`).
    private func text(table: String, column: SchemaInfo.Column, number: Int) -> String {
        let text = "\(table) \(column.name) \(number)"
        guard let open = column.declaredType.firstIndex(of: "("),
              let limit = Int(column.declaredType[column.declaredType.index(after: open)...].prefix { $0.isNumber }),
              text.count > limit else { return text }
        let short = "\(column.name) \(number)"
        if short.count <= limit { return short }
        let suffix = " \(number)"
        return String(column.name.prefix(max(0, limit - suffix.count))) + suffix
    }

    /// A UUID that reads as what it is: the seed, the table and column (hashed), the number.
    private func uuid(table: String, column: String, number: Int) -> String {
        let place = StableHash.fnv1a64((table + "." + column).asciiLowercased.utf8)
        return String(format: "%08X-%04X-4%03X-8000-%012X", seed, UInt16(truncatingIfNeeded: place >> 16),
                      UInt16(truncatingIfNeeded: place) & 0xFFF, number)
    }

    /// 2024-01-01 plus `number - 1` days.
    private static func day(_ number: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_704_067_200 + Double(number - 1) * 86_400)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
