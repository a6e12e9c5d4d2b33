import SQLTestKitSQLite

extension SQLiteDriver {
    /// Empties the database: drops every table, index, view and trigger (SQLite's documented
    /// `SQLITE_DBCONFIG_RESET_DATABASE` followed by `VACUUM`).
    ///
    /// In-memory databases and files SQLTestKit created are always reset. Another file is
    /// reset only when its name says it is a test database, or when `allowingNonTestDatabase`
    /// is `true`; otherwise this throws ``NotATestDatabaseError`` saying why and how to
    /// override. The rule judges the file SQLite really opens (links and `file:` URIs
    /// resolved), before anything is opened for writing: a refused database is not touched.
    /// A file keeps SQLTestKit's marker across the reset.
    ///
    /// ```swift
    /// try await SQLiteDriver(path: "build/app-test.sqlite").resetDatabase()
    /// ```
    public func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        if case .file(let path) = location {
            try SQLiteFileTarget.checkIsTestDatabase(path, operation: "reset", override: allowingNonTestDatabase,
                                                     overrideHint: "call resetDatabase(allowingNonTestDatabase: true)")
        }
        let handle = try openHandle()
        defer { handle.close() }
        let hasMarker = try handle.integer("PRAGMA application_id") == Int64(SQLiteHandle.testDatabaseMarker)
        guard let db = handle.db else { throw SQLiteHandle.closedError(sql: nil) }
        sqltestkit_set_reset_database(db, 1)
        defer { sqltestkit_set_reset_database(db, 0) }
        try handle.execute("VACUUM")
        sqltestkit_set_reset_database(db, 0)
        if hasMarker { try handle.execute("PRAGMA application_id = \(SQLiteHandle.testDatabaseMarker)") }
    }

    /// Throws ``NotATestDatabaseError`` unless this driver's database may be wiped by
    /// `operation` (see ``TestDatabasePolicy``): in memory, not yet created, marked by
    /// SQLTestKit, or named as a test database — judged on the file SQLite really opens, by
    /// reading its header only. Nothing is opened for writing, so a refusal changes nothing.
    ///
    /// ```swift
    /// try SQLiteDriver(path: "prod.db").refuseUnlessTestDatabase(operation: "load fixtures into")   // throws
    /// ```
    public func refuseUnlessTestDatabase(operation: String, allowingNonTestDatabase: Bool = false) throws {
        guard case .file(let path) = location else { return }
        try SQLiteFileTarget.checkIsTestDatabase(path, operation: operation, override: allowingNonTestDatabase,
                                                 overrideHint: "pass allowingNonTestDatabase: true (or --allow-non-test-database to sqltestkit)")
    }
}
