import SQLTestKit

/// The behaviour every SQLTestKit driver must show, as one suite that each driver runs — the
/// SQLite driver, the mock, recording wrappers, and third-party drivers — so "behaves like
/// the real database" is tested rather than hoped. Its SQL is written for every dialect: typed
/// columns, keys and blob types from the connection's dialect (``DatabaseDialect/generatedKeyColumn``,
/// ``DatabaseDialect/blobType``), so every driver runs it with the same expectations.
///
/// ```swift
/// @Test func myDriverConforms() async {
///     let failures = await DriverConformance(driver: MyDriver(), level: .database).run()
///     #expect(failures.isEmpty, "\(failures)")
/// }
/// ```
public struct DriverConformance: Sendable {
    /// How much a driver is expected to do.
    public enum Level: Sendable {
        /// A real database: data written is read back exactly, constraints are enforced.
        case database
        /// A driver that answers without storing data (the mock): the protocol-level checks
        /// only — transactions, nesting, errors, closing, results of writes.
        case protocolOnly
    }

    /// One check that did not hold.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        /// The check that failed.
    public var check: String
        /// What the driver did instead.
    public var detail: String
        public var description: String { "\(check): \(detail)" }
    }

    /// The driver under test.
    public let driver: any DatabaseDriver
    /// How much of the suite to run.
    public let level: Level

    /// A suite for `driver` at `level`.
    public init(driver: any DatabaseDriver, level: Level) {
        self.driver = driver
        self.level = level
    }

    /// Runs every check for the level on fresh connections and returns the failures.
    public func run() async -> [Failure] {
        var failures: [Failure] = []
        for check in checks {
            let db: any DatabaseConnection
            do {
                db = try await driver.connect()
            } catch {
                failures.append(Failure(check: check.name, detail: "could not connect: \(error)"))
                continue
            }
            do {
                if let problem = try await check.body(db) { failures.append(Failure(check: check.name, detail: problem)) }
            } catch {
                failures.append(Failure(check: check.name, detail: "threw \(error)"))
            }
            // Closed whatever the check did: some drivers insist that every connection is closed.
            await db.close()
        }
        return failures
    }

    /// The names of the checks that run at this level.
    public var checkNames: [String] { checks.map(\.name) }

    struct Check: Sendable {
        var name: String
        var body: @Sendable (any DatabaseConnection) async throws -> String?
    }

    struct Boom: Error {}

    private var checks: [Check] {
        var checks = protocolChecks
        if level == .database { checks += databaseChecks }
        return checks
    }

    private var protocolChecks: [Check] {
        [
            Check(name: "an insert reports one row affected and a key") { db in
                // A key as the database gives it: the last insert id where the database reports
                // one (SQLite), `RETURNING` where it does not (PostgreSQL reports none).
                let dialect = db.capability.dialect
                try await db.execute(SQLQuery(sql: "CREATE TABLE conformance_a(id \(dialect.generatedKeyColumn), x TEXT)"))
                let result = try await db.execute("INSERT INTO conformance_a(x) VALUES (\("a"))")
                if result.rowsAffected != 1 { return "rowsAffected was \(result.rowsAffected)" }
                if dialect.reportsLastInsertID != (result.lastInsertID != nil) {
                    return "lastInsertID was \(result.lastInsertID.map(String.init) ?? "nil"), but \(dialect) \(dialect.reportsLastInsertID ? "reports" : "never reports") one"
                }
                if db.capability.supportsReturning {
                    let returned = try await db.execute("INSERT INTO conformance_a(x) VALUES (\("b")) RETURNING id")
                    if returned.rows.count != 1 || returned.rows.first?[0].integerValue == nil { return "INSERT … RETURNING id gave \(returned.rows)" }
                    if returned.rowsAffected != 1 { return "INSERT … RETURNING reported \(returned.rowsAffected) rows affected" }
                }
                return nil
            },
            Check(name: "a transaction returns its body's value and closes") { db in
                let value = try await db.transaction { _ in 42 }
                if value != 42 { return "returned \(value)" }
                return db.transactionState.depth == 0 ? nil : "depth \(db.transactionState.depth) after commit"
            },
            Check(name: "a throwing transaction rethrows and closes") { db in
                do {
                    try await db.transaction { _ in throw Boom() }
                    return "no error was thrown"
                } catch is Boom {
                    return db.transactionState.depth == 0 ? nil : "depth \(db.transactionState.depth) after rollback"
                }
            },
            Check(name: "nested transactions are savepoints") { db in
                var innerDepth = 0
                try await db.transaction { db in
                    try? await db.transaction { db in
                        innerDepth = db.transactionState.depth
                        throw Boom()
                    }
                    try await db.transaction { _ in }
                }
                if innerDepth != 2 { return "inner depth was \(innerDepth)" }
                return db.transactionState.depth == 0 ? nil : "depth \(db.transactionState.depth) afterwards"
            },
            Check(name: "raw transaction control inside a test transaction is absorbed") { db in
                // `execute` must turn them into a savepoint and its release (a driver that
                // implements `execute` itself must not skip this).
                var depths: [Int] = []
                try await db.testTransaction { db in
                    try await db.execute("BEGIN")
                    depths.append(db.transactionState.depth)
                    try await db.execute("COMMIT")
                    depths.append(db.transactionState.depth)
                }
                if depths != [2, 1] { return "depths after BEGIN and COMMIT were \(depths), expected [2, 1]" }
                return db.transactionState.depth == 0 ? nil : "depth \(db.transactionState.depth) afterwards"
            },
            Check(name: "fetchAll, fetchOne and forEachRow absorb raw transaction control like execute") { db in
                // Drivers may answer these themselves; they must not skip the interception.
                var depths: [Int] = []
                try await db.testTransaction { db in
                    _ = try await db.fetchAll("BEGIN")
                    depths.append(db.transactionState.depth)
                    _ = try await db.fetchOne("SAVEPOINT conformance_s")
                    _ = try await db.fetchOne("RELEASE conformance_s")
                    _ = try await db.fetchOne("COMMIT")
                    depths.append(db.transactionState.depth)
                    try await db.forEachRow("BEGIN") { _ in }
                    depths.append(db.transactionState.depth)
                    try await db.forEachRow("COMMIT") { _ in }
                    depths.append(db.transactionState.depth)
                }
                if depths != [2, 1, 2, 1] { return "depths after BEGIN, COMMIT, BEGIN and COMMIT were \(depths), expected [2, 1, 2, 1]" }
                return db.transactionState.depth == 0 ? nil : "depth \(db.transactionState.depth) afterwards"
            },
            Check(name: "fetchAll, fetchOne and forEachRow return what execute returns") { db in
                try await db.execute(SQLQuery(sql: "CREATE TABLE conformance_f(id \(db.capability.dialect.generatedKeyColumn), x TEXT)"))
                for x in ["first", "second"] { try await db.execute("INSERT INTO conformance_f(x) VALUES (\(x))") }
                let query: SQLQuery = "SELECT id, x FROM conformance_f WHERE id > \(0) ORDER BY id"
                let executed = try await db.execute(query).rows
                let all = try await db.fetchAll(query)
                let one = try await db.fetchOne(query)
                var each: [ResultRow] = []
                try await db.forEachRow(query) { each.append($0) }
                if all != executed { return "fetchAll gave \(all), execute gave \(executed)" }
                if each != executed { return "forEachRow gave \(each), execute gave \(executed)" }
                if one != executed.first { return "fetchOne gave \(one.map(\.description) ?? "nil"), execute's first row is \(executed.first.map(\.description) ?? "nil")" }
                return nil
            },
            Check(name: "a closed connection refuses statements") { db in
                await db.close()
                let attempts: [(String, @Sendable () async throws -> Void)] = [
                    ("execute", { try await db.execute("SELECT 1") }),
                    ("fetchAll", { _ = try await db.fetchAll("SELECT 1") }),
                    ("fetchOne", { _ = try await db.fetchOne("SELECT 1") }),
                    ("forEachRow", { try await db.forEachRow("SELECT 1") { _ in } }),
                ]
                for (method, attempt) in attempts {
                    do {
                        try await attempt()
                        return "the statement ran through \(method)"
                    } catch let error as QueryError {
                        if error.code != .misuse { return "\(method): code \(error.code.name), expected SQLITE_MISUSE" }
                    }
                }
                return nil
            },
        ]
    }

    private var databaseChecks: [Check] {
        [
            Check(name: "every storage class round-trips") { db in
                // One typed column per class: PostgreSQL keeps one type per column.
                let dialect = db.capability.dialect
                try await db.execute(SQLQuery(sql: """
                    CREATE TABLE conformance_v(id \(dialect.generatedKeyColumn), i BIGINT, r DOUBLE PRECISION, t TEXT, b \(dialect.blobType))
                    """))
                let rows: [[SQLValue]] = [
                    [.null, .null, .null, .null],
                    [.integer(.min), .real(-2.5), .text(dialect.textAllowsNUL ? "é\u{0}x" : "é ✓ x"), .blob([])],
                    [.integer(.max), .real(1.5e300), .text(""), .blob([0, 255])],
                ]
                for row in rows {
                    try await db.execute(SQLQuery(sql: "INSERT INTO conformance_v(i, r, t, b) VALUES (?, ?, ?, ?)", arguments: row))
                }
                let read = try await db.fetchAll("SELECT i, r, t, b FROM conformance_v ORDER BY id").map(\.values)
                // (SQLite stores a REAL -0.0 as 0.0, so the sign of zero is a driver's own test.)
                return read == rows ? nil : "read back \(read)"
            },
            Check(name: "a rolled-back transaction leaves nothing") { db in
                try await db.execute("CREATE TABLE conformance_r(x INTEGER)")
                try? await db.transaction { db in
                    try await db.execute("INSERT INTO conformance_r VALUES (1)")
                    throw Boom()
                }
                try await db.testTransaction { db in try await db.execute("INSERT INTO conformance_r VALUES (2)") }
                let count = try await db.fetchOne("SELECT count(*) FROM conformance_r")?[0]
                return count == 0 ? nil : "found \(count.map(\.description) ?? "nothing") rows"
            },
            Check(name: "updates and deletes report the rows they changed") { db in
                try await db.execute("CREATE TABLE conformance_c(x INTEGER)")
                for x in 1...3 { try await db.execute("INSERT INTO conformance_c VALUES (\(x))") }
                let updated = try await db.execute("UPDATE conformance_c SET x = x + 10 WHERE x > \(1)")
                let deleted = try await db.execute("DELETE FROM conformance_c WHERE x = \(99)")
                if updated.rowsAffected != 2 { return "an UPDATE of 2 rows reported \(updated.rowsAffected)" }
                if deleted.rowsAffected != 0 { return "a DELETE of no row reported \(deleted.rowsAffected)" }
                return nil
            },
            Check(name: "a failed statement of the code leaves its test transaction usable") { db in
                // PostgreSQL aborts a transaction at its first failed statement; a driver for it
                // must keep the test transaction going, as each statement would run on its own
                // in production (SQLite does so by itself).
                try await db.execute("CREATE TABLE conformance_s(x INTEGER UNIQUE)")
                var count: Int?
                try await db.testTransaction { db in
                    try await db.execute("INSERT INTO conformance_s VALUES (1)")
                    do {
                        try await db.execute("INSERT INTO conformance_s VALUES (1)")
                    } catch let error as QueryError where error.primaryCode == .constraint {}
                    try await db.execute("INSERT INTO conformance_s VALUES (2)")
                    count = try await db.fetchOne(Int.self, "SELECT count(*) FROM conformance_s")
                }
                if count != 2 { return "after a failed insert the test transaction saw \(count.map(String.init) ?? "no") rows, expected 2" }
                let left = try await db.fetchOne(Int.self, "SELECT count(*) FROM conformance_s")
                return left == 0 ? nil : "\(left.map(String.init) ?? "?") rows were left after the test transaction"
            },
            Check(name: "a unique violation is recognised by its code") { db in
                try await db.execute("CREATE TABLE conformance_u(x INTEGER UNIQUE)")
                try await db.execute("INSERT INTO conformance_u VALUES (1)")
                do {
                    try await db.execute("INSERT INTO conformance_u VALUES (1)")
                    return "the duplicate was accepted"
                } catch QueryError.Code.constraintUnique {
                    return nil
                }
            },
        ]
    }
}
