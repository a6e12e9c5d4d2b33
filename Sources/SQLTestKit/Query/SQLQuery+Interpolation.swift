extension SQLQuery: ExpressibleByStringInterpolation {
    /// A query with no arguments.
    public init(stringLiteral value: String) {
        self.init(sql: value)
    }

    // Inlinable so each call site's interpolation is specialized for its value types: building
    // a query is on the hot path of every statement a test runs.
    @inlinable
    public init(stringInterpolation: StringInterpolation) {
        self.init(sql: stringInterpolation.sql, arguments: stringInterpolation.arguments,
                  identifierSpans: stringInterpolation.identifierSpans)
    }

    /// Collects the text and arguments of an interpolated ``SQLQuery``.
    public struct StringInterpolation: StringInterpolationProtocol {
        @usableFromInline var sql: String
        @usableFromInline var arguments: [SQLValue] = []
        @usableFromInline var identifierSpans: [Range<Int>] = []

        /// The text is not reserved up front: `String.reserveCapacity` on an empty string
        /// cost three times the whole rest of building the query here (0.39 → 0.11 µs for a
        /// three-value INSERT; see Benchmarks.md), and appending grows it as well.
        @inlinable
        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            arguments.reserveCapacity(interpolationCount)
        }

        @inlinable
        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as an argument: `\(42)`, `\("Ada")`, `\(date)`, `\(optional)`.
        @inlinable
        public mutating func appendInterpolation<Value: SQLValueConvertible>(_ value: Value) {
            sql += "?"
            arguments.append(value.sqlValue)
        }

        /// Binds each element as its own argument, comma-separated, for `IN (…)`:
        /// `WHERE id IN (\(list: [1, 2, 3]))` → `WHERE id IN (?, ?, ?)`.
        /// An empty list becomes `NULL`, so `IN (NULL)` matches no row instead of being a
        /// syntax error in dialects that reject `IN ()`.
        @inlinable
        public mutating func appendInterpolation<Values: Sequence>(list values: Values)
        where Values.Element: SQLValueConvertible {
            var first = true
            for value in values {
                sql += first ? "?" : ", ?"
                arguments.append(value.sqlValue)
                first = false
            }
            if first { sql += "NULL" }
        }

        /// Quotes a table or column name: `\(identifier: "order")` → `"order"` (backticks in
        /// MySQL). Quotes inside the name are doubled, so it cannot end the identifier early.
        @inlinable
        public mutating func appendInterpolation(identifier name: String) {
            let start = sql.utf8.count
            sql += DatabaseDialect.sqlite.quoteIdentifier(name)
            identifierSpans.append(start..<sql.utf8.count)
        }

        /// Splices another query, its text and its arguments: `WHERE \(sql: condition)`.
        @inlinable
        public mutating func appendInterpolation(sql fragment: SQLQuery) {
            let shift = sql.utf8.count
            sql += fragment.sql
            arguments += fragment.arguments
            identifierSpans += fragment.identifierSpans.map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
        }
    }
}
