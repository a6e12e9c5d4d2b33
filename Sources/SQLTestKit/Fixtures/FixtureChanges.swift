/// How a database differs from the state its fixtures load: rows inserted, updated and
/// deleted, table by table. Rows that came from a fixture are named by their label.
///
/// ```swift
/// let changes = try await fixtures.changes(in: db)
/// changes.lines
/// // ["- review `first`",
/// //  "~ book `notes`: price 12.5 → 10.0",
/// //  "+ review (id 7): book_id 58810061, reviewer 'Ann', rating 5, body NULL, created_at '2024-03-01 10:00:00.000'"]
/// ```
public struct FixtureChanges: Sendable, Hashable, CustomStringConvertible {
    /// A row, named by its label when it came from a fixture, else by its key.
    public struct RowChange: Sendable, Hashable {
        /// Whether the row was added, changed or removed since the fixtures.
        public enum Kind: Sendable, Hashable { case inserted, updated, deleted }
        /// What happened to the row.
        public var kind: Kind
        /// The row's table.
        public var table: String
        /// "`notes`" for a fixture row, "(id 7)" for another.
        public var name: String
        /// For updates: each changed column with its value in the fixtures and now.
        public var columns: [(column: String, before: SQLValue, after: SQLValue)]
        /// For insertions: the new row.
        public var row: ResultRow?

        public static func == (lhs: RowChange, rhs: RowChange) -> Bool { lhs.line == rhs.line }
        public func hash(into hasher: inout Hasher) { hasher.combine(line) }

        /// `+ table (key): values`, `~ table name: column before → after`, `- table name`.
        public var line: String {
            switch kind {
            case .deleted:
                return "- \(table) \(name)"
            case .updated:
                return "~ \(table) \(name): " + columns.map { "\($0.column) \($0.before) → \($0.after)" }.joined(separator: ", ")
            case .inserted:
                let values = row.map { row in zip(row.columnNames, row.values).map { "\($0) \($1)" }.joined(separator: ", ") } ?? ""
                return "+ \(table) \(name): \(values)"
            }
        }
    }

    /// Every change, table by table in schema order; within a table deletions, then updates,
    /// then insertions, each in key order.
    public var changes: [RowChange]

    /// One line per change, as `assertChanges` compares them.
    public var lines: [String] { changes.map(\.line) }
    /// Whether nothing changed.
    public var isEmpty: Bool { changes.isEmpty }
    public var description: String { changes.isEmpty ? "no changes" : lines.joined(separator: "\n") }
}
