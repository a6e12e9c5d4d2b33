/// A statement failed in the database (or in the mock, impersonating one).
///
/// It carries everything needed to act on it: the result code, the database's message, the
/// SQL and its arguments, and, where SQLTestKit can tell, a suggestion. Codes follow SQLite's
/// numbering, so the same `catch` recognises a unique-constraint violation from the SQLite
/// driver and from the mock:
///
/// ```swift
/// do {
///     try await db.execute("INSERT INTO author(email) VALUES (\(email))")
/// } catch QueryError.Code.constraintUnique {
///     // already registered
/// } catch QueryError.Code.constraint {
///     // any other constraint (a primary code matches all its extended codes)
/// }
/// ```
public struct QueryError: Error, Sendable, Hashable {
    /// The extended result code (for SQLite: `sqlite3_extended_errcode`).
    public var code: Code
    /// The database's own message.
    public var message: String
    /// The statement that failed, as sent to the database, if there was one.
    public var sql: String?
    /// The arguments bound to it.
    public var arguments: [SQLValue]
    /// What to do about it, when SQLTestKit can tell.
    public var suggestion: String?
    /// The database's own error code when it has one beside ``code``: PostgreSQL's SQLSTATE
    /// (`"23505"`). `nil` for SQLite and the mock.
    public var databaseCode: String?
    /// The database's detail line, when it sent one (PostgreSQL's `DETAIL`:
    /// `Key (email)=(a@example.com) already exists.`).
    public var detail: String?
    /// The name of ``databaseCode`` in the database's own terms (PostgreSQL's condition name,
    /// `unique_violation`), when the driver knows it.
    public var databaseCodeName: String?

    /// An error with its code, the database's message, the statement and arguments, and a suggestion.
    public init(code: Code, message: String, sql: String? = nil, arguments: [SQLValue] = [], suggestion: String? = nil,
                databaseCode: String? = nil, detail: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.arguments = arguments
        self.suggestion = suggestion
        self.databaseCode = databaseCode
        self.detail = detail
    }

    /// The primary result code (the low byte of ``code``), e.g. `.constraint` for
    /// `.constraintUnique`.
    public var primaryCode: Code { code.primary }

    /// Whether the statement broke a constraint (unique, foreign key, not null, check, …).
    public var isConstraintViolation: Bool { primaryCode == .constraint }
}

extension QueryError: CustomStringConvertible {
    /// The error in the database's own terms: SQLite's code name, or for a database with codes
    /// of its own (PostgreSQL) its code and condition name, with the ``Code`` a `catch` matches.
    ///
    /// ```text
    /// SQLITE_CONSTRAINT_UNIQUE (2067): UNIQUE constraint failed: author.email
    /// SQLSTATE 23505 unique_violation (QueryError.Code.constraintUnique): duplicate key value …
    /// ```
    public var description: String {
        let heading = databaseCode.map { state in
            "SQLSTATE \(state)\(databaseCodeName.map { " " + $0 } ?? "") (QueryError.Code.\(code.caseName))"
        } ?? "\(code.name) (\(code.rawValue))"
        var lines = ["\(heading): \(message)"]
        if let detail { lines.append("  detail: \(detail)") }
        if let sql {
            lines.append("  SQL: \(sql)")
            if !arguments.isEmpty {
                lines.append("  arguments: [\(arguments.map(\.debugDescription).joined(separator: ", "))]")
                lines.append("  expanded: \(SQLQuery(sql: sql, arguments: arguments).expandedSQL)")
            }
        }
        if let suggestion { lines.append("  suggestion: \(suggestion)") }
        return lines.joined(separator: "\n")
    }
}

extension QueryError {
    /// A result code in SQLite's numbering: a primary code in the low byte, refined by an
    /// extended code in the higher bits.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// The primary code this code refines (itself, for a primary code).
        public var primary: Code { Code(rawValue: rawValue & 0xFF) }

        /// Whether this is a primary code (no extended bits).
        public var isPrimary: Bool { rawValue & ~0xFF == 0 }

        // Primary result codes, as SQLite numbers them (the mock and other drivers map theirs onto these).
        /// `SQLITE_ERROR`: a generic error (a syntax error, a missing table).
        public static let error = Code(rawValue: 1)
        /// `SQLITE_INTERNAL`.
        public static let `internal` = Code(rawValue: 2)
        /// `SQLITE_PERM`.
        public static let permission = Code(rawValue: 3)
        /// `SQLITE_ABORT`.
        public static let abort = Code(rawValue: 4)
        /// `SQLITE_BUSY`.
        public static let busy = Code(rawValue: 5)
        /// `SQLITE_LOCKED`.
        public static let locked = Code(rawValue: 6)
        /// `SQLITE_NOMEM`.
        public static let noMemory = Code(rawValue: 7)
        /// `SQLITE_READONLY`.
        public static let readOnly = Code(rawValue: 8)
        /// `SQLITE_INTERRUPT`.
        public static let interrupt = Code(rawValue: 9)
        /// `SQLITE_IOERR`.
        public static let ioError = Code(rawValue: 10)
        /// `SQLITE_CORRUPT`.
        public static let corrupt = Code(rawValue: 11)
        /// `SQLITE_NOTFOUND`.
        public static let notFound = Code(rawValue: 12)
        /// `SQLITE_FULL`.
        public static let full = Code(rawValue: 13)
        /// `SQLITE_CANTOPEN`.
        public static let cannotOpen = Code(rawValue: 14)
        /// `SQLITE_PROTOCOL`.
        public static let `protocol` = Code(rawValue: 15)
        /// `SQLITE_SCHEMA`.
        public static let schema = Code(rawValue: 17)
        /// `SQLITE_TOOBIG`.
        public static let tooBig = Code(rawValue: 18)
        /// `SQLITE_CONSTRAINT`.
        public static let constraint = Code(rawValue: 19)
        /// `SQLITE_MISMATCH`.
        public static let mismatch = Code(rawValue: 20)
        /// `SQLITE_MISUSE`.
        public static let misuse = Code(rawValue: 21)
        /// `SQLITE_AUTH`.
        public static let authorization = Code(rawValue: 23)
        /// `SQLITE_RANGE`.
        public static let range = Code(rawValue: 25)
        /// `SQLITE_NOTADB`.
        public static let notADatabase = Code(rawValue: 26)

        // Extended constraint codes: match one, or `.constraint` for all of them.
        /// A `CHECK` constraint failed.
        public static let constraintCheck = Code(rawValue: 275)
        /// `SQLITE_CONSTRAINT_COMMITHOOK`.
        public static let constraintCommitHook = Code(rawValue: 531)
        /// `SQLITE_CONSTRAINT_FOREIGNKEY`.
        public static let constraintForeignKey = Code(rawValue: 787)
        /// `SQLITE_CONSTRAINT_FUNCTION`.
        public static let constraintFunction = Code(rawValue: 1043)
        /// `SQLITE_CONSTRAINT_NOTNULL`.
        public static let constraintNotNull = Code(rawValue: 1299)
        /// `SQLITE_CONSTRAINT_PRIMARYKEY`.
        public static let constraintPrimaryKey = Code(rawValue: 1555)
        /// `SQLITE_CONSTRAINT_TRIGGER`.
        public static let constraintTrigger = Code(rawValue: 1811)
        /// `SQLITE_CONSTRAINT_UNIQUE`.
        public static let constraintUnique = Code(rawValue: 2067)
        /// `SQLITE_CONSTRAINT_ROWID`.
        public static let constraintRowID = Code(rawValue: 2579)
        /// `SQLITE_CONSTRAINT_DATATYPE`.
        public static let constraintDataType = Code(rawValue: 3091)

        private static let names: [Int32: String] = [
            0: "SQLITE_OK", 1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT",
            5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM", 8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT",
            10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN",
            15: "SQLITE_PROTOCOL", 16: "SQLITE_EMPTY", 17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT",
            20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE", 22: "SQLITE_NOLFS", 23: "SQLITE_AUTH", 24: "SQLITE_FORMAT",
            25: "SQLITE_RANGE", 26: "SQLITE_NOTADB",
            275: "SQLITE_CONSTRAINT_CHECK", 531: "SQLITE_CONSTRAINT_COMMITHOOK", 787: "SQLITE_CONSTRAINT_FOREIGNKEY",
            1043: "SQLITE_CONSTRAINT_FUNCTION", 1299: "SQLITE_CONSTRAINT_NOTNULL", 1555: "SQLITE_CONSTRAINT_PRIMARYKEY",
            1811: "SQLITE_CONSTRAINT_TRIGGER", 2067: "SQLITE_CONSTRAINT_UNIQUE", 2323: "SQLITE_CONSTRAINT_VTAB",
            2579: "SQLITE_CONSTRAINT_ROWID", 3091: "SQLITE_CONSTRAINT_DATATYPE",
            261: "SQLITE_BUSY_RECOVERY", 517: "SQLITE_BUSY_SNAPSHOT", 264: "SQLITE_READONLY_RECOVERY",
            520: "SQLITE_READONLY_CANTLOCK", 776: "SQLITE_READONLY_ROLLBACK", 1032: "SQLITE_READONLY_DBMOVED",
            516: "SQLITE_ABORT_ROLLBACK", 257: "SQLITE_ERROR_MISSING_COLLSEQ", 513: "SQLITE_ERROR_RETRY",
        ]

        private static let caseNames: [Int32: String] = [
            1: "error", 2: "internal", 3: "permission", 4: "abort", 5: "busy", 6: "locked", 7: "noMemory", 8: "readOnly",
            9: "interrupt", 10: "ioError", 11: "corrupt", 12: "notFound", 13: "full", 14: "cannotOpen", 15: "protocol",
            17: "schema", 18: "tooBig", 19: "constraint", 20: "mismatch", 21: "misuse", 23: "authorization", 25: "range",
            26: "notADatabase", 275: "constraintCheck", 531: "constraintCommitHook", 787: "constraintForeignKey",
            1043: "constraintFunction", 1299: "constraintNotNull", 1555: "constraintPrimaryKey", 1811: "constraintTrigger",
            2067: "constraintUnique", 2579: "constraintRowID", 3091: "constraintDataType",
        ]

        /// The name of the constant a `catch` matches, e.g. `constraintUnique`, or the C
        /// constant's name where SQLTestKit declares none.
        public var caseName: String { Code.caseNames[rawValue] ?? name }

        /// The C constant's name, e.g. `SQLITE_CONSTRAINT_UNIQUE`.
        public var name: String {
            Code.names[rawValue] ?? (isPrimary ? "SQLITE code \(rawValue)" : "\(primary.name) (extended \(rawValue))")
        }
    }
}

/// Lets `catch QueryError.Code.constraintUnique` match a ``QueryError``: an extended code
/// matches exactly, a primary code matches every code it is the primary of.
public func ~= (pattern: QueryError.Code, error: any Error) -> Bool {
    guard let error = error as? QueryError else { return false }
    return pattern.isPrimary ? error.primaryCode == pattern : error.code == pattern
}
