import Foundation
import Synchronization

extension RowFactory {
    /// The statement for rows of one table with one set of given columns, made once: which
    /// columns it sets (given, or generated) and its SQL.
    struct InsertPlan: Sendable {
        var columns: [SchemaInfo.Column]
        /// Each column's name in lower case, the key of the given values.
        var keys: [String]
        /// Each column's counter, `table.column` in lower case.
        var counters: [String]
        var sql: String
    }

    /// Inserts a row of `table` with `given` and a generated value for every other required
    /// column; a duplicate among the generated values is retried with the next numbers.
    nonisolated(nonsending)
    func insertRow(of table: SchemaInfo.Table, values given: [String: (column: String, value: SQLValue)]) async throws -> ResultRow {
        let plan = insertPlan(for: table, given: given)
        let catalog = db.catalog
        for _ in 0..<100 {
            var arguments: [SQLValue] = []
            arguments.reserveCapacity(plan.columns.count)
            var generated: [Int] = []
            for index in plan.columns.indices {
                let value: SQLValue
                if let given = given[plan.keys[index]] {
                    value = given.value
                } else {
                    value = generatedValue(for: plan.columns[index], in: table, counter: plan.counters[index])
                    generated.append(index)
                }
                arguments.append(catalog.insertArgument(value, into: plan.columns[index]))
            }
            do {
                let result = try await db.execute(SQLQuery(sql: plan.sql, arguments: arguments))
                if let row = result.rows.first { return row }
                return ResultRow(columns: ResultColumns(plan.columns.map(\.name)), values: arguments)
            } catch let error as QueryError where error.code == .constraintUnique || error.code == .constraintPrimaryKey {
                // A generated value is taken (by a fixture row, say): the next numbers are tried.
                if generated.isEmpty { throw error }
            } catch let error as QueryError where !generated.isEmpty {
                let values = generated.map { "\(plan.columns[$0].name) = \(arguments[$0].description)" }.joined(separator: ", ")
                throw RowFactoryError(
                    message: "\(table.name): the database refused the row: \(error.message)\n  generated: \(values)",
                    table: table.name,
                    suggestion: "give the columns the database refused values of their own (a CHECK constraint or an enum type may ask for particular ones)")
            }
        }
        throw RowFactoryError(message: "\(table.name): 100 generated rows in a row were duplicates", table: table.name,
                              suggestion: "give the unique columns values of your own")
    }

    /// The plan for `table` with these given columns, made at the first such row. Kept
    /// because building the statement's text cost more than the insert itself (see
    /// Benchmarks.md, "factory").
    private func insertPlan(for table: SchemaInfo.Table, given: [String: (column: String, value: SQLValue)]) -> InsertPlan {
        let key = table.name + "\u{1}" + given.keys.sorted().joined(separator: ",")
        if let plan = state.withLock({ $0.plans[key] }) { return plan }
        let dialect = db.capability.dialect
        let columns = table.columns.filter { given[$0.name.asciiLowercased] != nil || needsValue($0, in: table) }
        let target = dialect.quoteIdentifier(table.name)
        let returning = db.capability.supportsReturning ? " RETURNING *" : ""
        let sql = columns.isEmpty
            ? "INSERT INTO \(target) DEFAULT VALUES\(returning)"
            : "INSERT INTO \(target) (\(columns.map { dialect.quoteIdentifier($0.name) }.joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")\(returning)"
        let keys = columns.map(\.name.asciiLowercased)
        let plan = InsertPlan(columns: columns, keys: keys, counters: keys.map { table.name.asciiLowercased + "." + $0 }, sql: sql)
        state.withLock { $0.plans[key] = plan }
        return plan
    }

    /// Whether the row needs a value the test did not give: NOT NULL or part of the primary key
    /// (SQLite lets a key that is not an integer be NULL, which no ORM reads back), no default,
    /// not generated, not a key the database numbers.
    func needsValue(_ column: SchemaInfo.Column, in table: SchemaInfo.Table) -> Bool {
        (column.notNull || column.primaryKeyPosition > 0) && !column.hasDefault && !column.isGenerated && column.sequence == nil
            && table.rowidAlias?.name != column.name
    }

    /// The next value of `column`: its number (kept under `counter`), in the column's type.
    func generatedValue(for column: SchemaInfo.Column, in table: SchemaInfo.Table, counter: String) -> SQLValue {
        let number = state.withLock { state -> Int in
            state.counters[counter, default: 0] += 1
            return state.counters[counter]!
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
