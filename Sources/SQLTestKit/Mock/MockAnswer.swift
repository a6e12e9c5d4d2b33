/// What the mock answers a statement with: rows, a count of changed rows, a last insert id,
/// or an error — one shape for every kind of statement, so `INSERT … RETURNING` is scripted
/// the same way as a `SELECT`.
///
/// ```swift
/// mock.script("SELECT id, name FROM user WHERE id = 5", rows: [["id": 5, "name": "Joe"]])
/// mock.script("UPDATE user SET name = ? WHERE id = ?", answer: .affected(1))
/// mock.script("INSERT INTO user(name) VALUES (?)", answer: .uniqueViolation(table: "user", column: "name"))
/// mock.script("SELECT * FROM job", answers: [.rows([["id": 1]]), .error(.busy)])   // rows, then an error
/// ```
public struct MockAnswer: Sendable, Hashable {
    /// Rows to return.
    public var rows: [ResultRow]
    /// Rows reported changed; `nil` lets the mock decide (rows returned for a write, 1 for an
    /// INSERT, else 0).
    public var rowsAffected: Int?
    /// The key reported for an INSERT; `nil` lets the mock's per-table generator pick one.
    public var lastInsertID: Int64?
    /// An error to throw instead of answering.
    public var error: QueryError?
    /// Whether an `INSERT … RETURNING` answered with this gets its new row back (the answer
    /// to a statement nothing scripted, as a database would give).
    var returnsInsertedRow = false

    /// An answer with rows, rows affected, a last insert id, or an error to throw.
    public init(rows: [ResultRow] = [], rowsAffected: Int? = nil, lastInsertID: Int64? = nil, error: QueryError? = nil) {
        self.rows = rows
        self.rowsAffected = rowsAffected
        self.lastInsertID = lastInsertID
        self.error = error
    }

    /// No rows; for an INSERT, one row affected and a generated key.
    public static let empty = MockAnswer()

    /// What a statement nothing scripted gets: ``empty``, except that an `INSERT … RETURNING`
    /// returns its new row (its key, or the values it set).
    static let unscripted: MockAnswer = {
        var answer = MockAnswer()
        answer.returnsInsertedRow = true
        return answer
    }()

    /// These rows, each given as name–value pairs in column order.
    public static func rows(_ rows: [KeyValuePairs<String, SQLValue>]) -> MockAnswer {
        MockAnswer(rows: MockAnswer.resultRows(rows))
    }

    /// These rows, ready-made.
    public static func rows(_ rows: [ResultRow]) -> MockAnswer {
        MockAnswer(rows: rows)
    }

    /// Rows read from CSV text (see ``Swift/Array/csv(_:)`` for the rows alone, as in
    /// `.rows(try .csv("…"))`): a header row of column names, then one line per row. Unquoted
    /// integers and decimals become numbers, an unquoted empty field or `NULL` becomes NULL, and
    /// everything else (and anything quoted) is text.
    ///
    /// ```swift
    /// .csv("""
    ///     id,name,score
    ///     1,Ada,9.5
    ///     2,"Grace, Rear Admiral",
    ///     """)
    /// ```
    public static func csv(_ text: String) throws -> MockAnswer {
        MockAnswer(rows: try .csv(text))
    }

    /// `count` rows changed, and optionally the key of the last inserted row.
    public static func affected(_ count: Int, lastInsertID: Int64? = nil) -> MockAnswer {
        MockAnswer(rowsAffected: count, lastInsertID: lastInsertID)
    }

    /// Throw `error`.
    public static func error(_ error: QueryError) -> MockAnswer {
        MockAnswer(error: error)
    }

    /// Throw an error with this code and, unless given, SQLite's usual message for it.
    public static func error(_ code: QueryError.Code, message: String? = nil) -> MockAnswer {
        MockAnswer(error: QueryError(code: code, message: message ?? MockAnswer.defaultMessage(for: code)))
    }

    /// Throw what SQLite throws for a duplicate key: `SQLITE_CONSTRAINT_UNIQUE`,
    /// "UNIQUE constraint failed: table.column" — caught by the same
    /// `catch QueryError.Code.constraintUnique` as the real thing.
    public static func uniqueViolation(table: String, column: String) -> MockAnswer {
        .error(.constraintUnique, message: "UNIQUE constraint failed: \(table).\(column)")
    }

    /// Throw what SQLite throws for a missing parent row: `SQLITE_CONSTRAINT_FOREIGNKEY`.
    public static func foreignKeyViolation() -> MockAnswer {
        .error(.constraintForeignKey)
    }

    /// Throw what SQLite throws for a NULL in a NOT NULL column.
    public static func notNullViolation(table: String, column: String) -> MockAnswer {
        .error(.constraintNotNull, message: "NOT NULL constraint failed: \(table).\(column)")
    }

    static func resultRows(_ rows: [KeyValuePairs<String, SQLValue>]) -> [ResultRow] {
        // Rows with the same column names share one column table, as real results do.
        var shared: [[String]: ResultColumns] = [:]
        return rows.map { pairs in
            let names = pairs.map(\.key)
            let columns = shared[names] ?? ResultColumns(names)
            shared[names] = columns
            return ResultRow(columns: columns, values: pairs.map(\.value))
        }
    }

    static func defaultMessage(for code: QueryError.Code) -> String {
        switch code {
        case .constraintForeignKey: "FOREIGN KEY constraint failed"
        case .constraintUnique: "UNIQUE constraint failed"
        case .constraintNotNull: "NOT NULL constraint failed"
        case .constraintCheck: "CHECK constraint failed"
        case .constraintPrimaryKey: "UNIQUE constraint failed"
        case .busy: "database is locked"
        case .locked: "database table is locked"
        case .readOnly: "attempt to write a readonly database"
        case .full: "database or disk is full"
        case .interrupt: "interrupted"
        default: code.primary == .constraint ? "constraint failed" : "SQL logic error"
        }
    }
}
