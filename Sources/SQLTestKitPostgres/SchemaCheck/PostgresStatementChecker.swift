#if PostgreSQL
import SQLTestKit
import Synchronization

/// Checks statements against a schema on the PostgreSQL test server: the schema is loaded once
/// per process into a scratch database, and each statement is `PREPARE`d there — never run —
/// so it fails with the SQLSTATE, message and "did you mean …?" the real driver gives.
///
/// ```swift
/// let mock = try await MockDriver.postgres(schema: "CREATE TABLE book(id bigserial PRIMARY KEY, title text NOT NULL)")
/// ```
///
/// For a query (`SELECT`, `VALUES`) the result columns and their types come from a table made
/// `AS EXECUTE … WITH NO DATA`, which plans the query but runs nothing; for `RETURNING` they
/// are the names the list gives (a `*` or an unnamed expression leaves them unknown). With no
/// server to ask — ``PostgresTestServer/isAvailable`` false and no configuration given —
/// statements go unchecked and the mock says so in one line.
public final class PostgresStatementChecker: StatementChecker {
    public var dialect: DatabaseDialect { .postgres }
    /// The schema statements are checked against.
    public let schema: MockSchema
    /// The server to check on; `nil` for the test server (``PostgresTestServer/shared()``).
    public let server: PostgresDriver.Configuration?

    /// A checker for `schema` on `server` (default: the test server). Nothing connects until
    /// ``prepare()`` or the first statement.
    public init(schema: MockSchema, server: PostgresDriver.Configuration? = nil) {
        self.schema = schema
        self.server = server
    }

    /// Why statements cannot be checked here, when no server is configured or can be started.
    public static var unavailableNotice: String? {
        PostgresTestServer.isAvailable ? nil : """
            MockDriver.postgres(schema:) does not check statements: no PostgreSQL test server \
            (set \(PostgresTestServer.urlVariable), or install PostgreSQL so one can be started)
            """
    }

    /// Connects and loads the schema now, so a schema that does not load fails here rather
    /// than at the first statement. Returns quietly when there is no server (see
    /// ``unavailableNotice``).
    public func prepare() async throws {
        guard server != nil || Self.unavailableNotice == nil else { return }
        _ = try await session()
    }

    public func shape(of query: SQLQuery) async throws -> StatementShape {
        guard server != nil || Self.unavailableNotice == nil else { return .unchecked(Self.unavailableNotice!) }
        let session = try await session()
        do {
            return try await session.shape(of: query)
        } catch where session.isBroken {
            // The server ended the checking session (a restart, an administrator): check on a new one.
            await session.end()
            return try await self.session().shape(of: query)
        }
    }

    public func argumentCountError(_ query: SQLQuery, parameters: Int) -> QueryError {
        var error = QueryError(code: PostgresErrorMapping.code(forSQLState: "08P01"),
                               message: "bind message supplies \(query.arguments.count) parameters, but prepared statement \"\" requires \(parameters)",
                               sql: query.sql, arguments: query.arguments,
                               suggestion: "pass one argument per placeholder ($1 … $\(parameters))", databaseCode: "08P01")
        error.databaseCodeName = PostgresErrorMapping.conditionName(of: "08P01")
        return error
    }

    /// The column names a `RETURNING` list gives, as the check reads them: `[]` without one,
    /// `nil` when `*` or an unnamed expression makes them unknown.
    package static func returnedColumnNames(of sql: String) -> [String]? {
        PostgresCheckSession.returnedColumns(of: sql)?.map(\.name)
    }

    private func session() async throws -> PostgresCheckSession {
        let configuration = if let server { server } else { try await PostgresTestServer.shared().configuration }
        return try await PostgresCheckSession.session(for: schema, on: configuration)
    }
}

/// One connection to a scratch database holding a schema, shared by every checker of that
/// schema on that server in this process; statements are checked one at a time (an actor
/// alone would interleave them at each `await`, and they share one prepared-statement name).
final class PostgresCheckSession: Sendable {
    private let connection: PostgresDriver.Connection
    private let key: String
    private let known = Mutex<[String: StatementShape]>([:])
    private let turn = AsyncGate(limit: 1)

    private init(connection: PostgresDriver.Connection, key: String) {
        self.connection = connection
        self.key = key
    }

    /// Whether the session's connection can no longer be used.
    var isBroken: Bool { connection.isUnusable }

    /// Forgets this session, so the next check opens a new one, and closes its connection.
    func end() async {
        _ = Self.sessions.withLock { $0.removeValue(forKey: key) }
        await connection.close()
    }

    private static let sessions = Mutex<[String: Task<PostgresCheckSession, any Error>]>([:])

    /// The session for `schema` on `server`, made by the first caller; a failure is not kept,
    /// so the next caller tries again.
    static func session(for schema: MockSchema, on server: PostgresDriver.Configuration) async throws -> PostgresCheckSession {
        let hash = DatabaseTemplate(schema: schema.sql).contentHash
        let key = "\(server.host):\(server.port)/\(hash)"
        let task = sessions.withLock { sessions in
            if let task = sessions[key] { return task }
            let task = Task { try await open(schema: schema, hash: hash, key: key, on: server) }
            sessions[key] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            _ = sessions.withLock { $0.removeValue(forKey: key) }
            throw error
        }
    }

    /// Makes this run's database for the schema (dropped by a later run's cleanup, as every
    /// database of a run is) and loads the schema into it.
    private static func open(schema: MockSchema, hash: String, key: String, on server: PostgresDriver.Configuration) async throws -> PostgresCheckSession {
        try await PostgresRun.register(on: server)
        let name = "sqltestkit_check_\(hash.prefix(12))_\(PostgresRun.tag)"
        try await PostgresTemplate.onServer(server) { admin in
            try await PostgresTemplate.dropDatabase(name, on: admin)
            try await PostgresTemplate.createMarkedDatabase(name, on: admin)
        }
        let connection = try await PostgresDriver(configuration: server.database(name)).open()
        do {
            try await connection.executeScript(schema.sql)
        } catch var error as QueryError {
            await connection.close()
            error.suggestion = "\(schema.source) does not load into PostgreSQL" + (error.suggestion.map { "; \($0)" } ?? "")
            throw error
        }
        return PostgresCheckSession(connection: connection, key: key)
    }

    private static let statementName = "sqltestkit_check"

    func shape(of query: SQLQuery) async throws -> StatementShape {
        let sql = query.sql(for: .postgres)
        if let shape = known.withLock({ $0[sql] }) { return shape }
        let kind = StatementKind(sql: sql, dialect: .postgres)
        switch kind {
        case .select, .insert, .update, .delete: break
        // PREPARE takes only queries and row changes; anything else goes unchecked.
        default: return StatementShape(parameterCount: nil, columns: nil)
        }
        await turn.acquire()
        defer { turn.release() }
        // Another task may have checked the same text while this one waited its turn.
        if let shape = known.withLock({ $0[sql] }) { return shape }
        do {
            try await connection.execute(SQLQuery(sql: "PREPARE \(Self.statementName) AS \(sql)"))
        } catch var error as QueryError {
            // The error names the statement as the code sent it, not the PREPARE around it.
            error.sql = query.sql
            error.arguments = query.arguments
            throw error
        }
        let parameters: Int64
        let columns: [StatementShape.Column]?
        do {
            parameters = try await connection.fetchOne(SQLQuery(
                sql: "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = '\(Self.statementName)'"))?[0].int64 ?? 0
            columns = if case .select = kind { await queryColumns(parameters: Int(parameters)) } else { Self.returnedColumns(of: sql) }
            try await connection.execute(SQLQuery(sql: "DEALLOCATE \(Self.statementName)"))
        } catch {
            _ = try? await connection.execute(SQLQuery(sql: "DEALLOCATE ALL"))
            throw error
        }
        let shape = StatementShape(parameterCount: Int(parameters), columns: columns)
        known.withLock { $0[sql] = shape }
        return shape
    }

    /// The columns of the prepared query, read from an empty table made from it; `nil` when
    /// no such table can be made (two columns of the same name).
    private func queryColumns(parameters: Int) async -> [StatementShape.Column]? {
        let nulls = parameters == 0 ? "" : "(" + Array(repeating: "NULL", count: parameters).joined(separator: ", ") + ")"
        do {
            try await connection.execute("BEGIN")
            try await connection.execute(SQLQuery(sql: "CREATE TEMP TABLE sqltestkit_shape AS EXECUTE \(Self.statementName)\(nulls) WITH NO DATA"))
            let rows = try await connection.fetchAll("""
                SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
                WHERE attrelid = 'pg_temp.sqltestkit_shape'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """)
            try await connection.execute("ROLLBACK")
            return rows.map { row in
                let type = row[1].string ?? ""
                return StatementShape.Column(name: row[0].string ?? "", declaredType: type, storageClasses: Self.storageClasses(of: type))
            }
        } catch {
            _ = try? await connection.execute("ROLLBACK")
            return nil
        }
    }

    /// The names a `RETURNING` list gives its columns, by the tokenizer: a column's own name,
    /// or its alias; `[]` without `RETURNING`; `nil` when `*` or an unnamed expression makes
    /// the names unknown.
    static func returnedColumns(of sql: String) -> [StatementShape.Column]? {
        guard let items = SQLTokenizer.returningItems(of: sql, foldingCase: true) else { return [] }
        var columns: [StatementShape.Column] = []
        for item in items {
            guard !item.isStar, let name = item.name else { return nil }
            columns.append(StatementShape.Column(name: name))
        }
        return columns
    }

    /// What SQLTestKit's PostgreSQL driver returns for a column of this type (see
    /// `PostgresCellDecoder`): numbers for integer, floating-point and boolean columns, a
    /// number or its text for numeric, text for character types and UUIDs, a blob for bytea.
    static func storageClasses(of type: String) -> Set<String>? {
        let base = String(type.prefix { $0 != "(" && $0 != "[" })
        if type.hasSuffix("[]") { return nil }
        switch base {
        case "smallint", "integer", "bigint", "oid", "boolean", "real", "double precision": return ["INTEGER", "REAL"]
        case "numeric": return ["INTEGER", "REAL", "TEXT"]
        case "text", "character varying", "character", "uuid", "citext", "name": return ["TEXT"]
        case "bytea": return ["BLOB"]
        default: return nil
        }
    }
}

extension MockDriver {
    /// A mock of PostgreSQL that checks every statement against `schema` on the PostgreSQL
    /// test server (see `PostgresStatementChecker`), loading the schema now so one that does
    /// not load fails here. With no server, statements go unchecked and the mock says so in
    /// one line (`MockDriver.schemaNotice`).
    ///
    /// ```swift
    /// let mock = try await MockDriver.postgres(schema: "CREATE TABLE book(id bigserial PRIMARY KEY, title text NOT NULL)")
    /// mock.script("SELECT id, title FROM book WHERE id = $1", rows: [["id": 1, "title": "Dune"]])
    /// ```
    public static func postgres(schema: MockSchema, strict: Bool = false, server: PostgresDriver.Configuration? = nil,
                                log: StatementLog? = nil) async throws -> MockDriver {
        let checker = PostgresStatementChecker(schema: schema, server: server)
        try await checker.prepare()
        return MockDriver(checker: checker, strict: strict, log: log)
    }
}
#endif
