/// What a statement produced: its rows (if any), how many rows it changed, and the key of the
/// last row it inserted.
///
/// ```swift
/// let result = try await db.execute("INSERT INTO author(name) VALUES (\("Ada"))")
/// result.rowsAffected   // 1
/// result.lastInsertID   // Optional(1)
/// ```
public struct QueryResult: Sendable, Hashable {
    /// The rows returned, in order (empty for statements that return none).
    public var rows: [ResultRow]
    /// Rows inserted, updated or deleted by an `INSERT`, `UPDATE` or `DELETE`; 0 otherwise.
    public var rowsAffected: Int
    /// The rowid of the row an `INSERT` added; `nil` for other statements and for an insert
    /// that added nothing.
    public var lastInsertID: Int64?

    /// A result with these rows, rows affected and last insert id.
    public init(rows: [ResultRow] = [], rowsAffected: Int = 0, lastInsertID: Int64? = nil) {
        self.rows = rows
        self.rowsAffected = rowsAffected
        self.lastInsertID = lastInsertID
    }
}
