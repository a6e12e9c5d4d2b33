/// Where a test's own database comes from: SQLite's ``DatabaseTemplate`` (a copy in memory,
/// inside a test transaction), or another database's (`PostgresTemplate` in
/// `SQLTestKitPostgres`: a connection inside a test transaction, or a private database made
/// from a template). ``IsolatedDatabase``, the `.isolatedDatabase(…)` trait and
/// `DatabaseTestCase` take any of them.
///
/// ```swift
/// let count = try await IsolatedDatabase.with(source) { db in
///     try await db.execute("DELETE FROM review")       // gone afterwards
///     return try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
/// }
/// ```
public protocol IsolatedDatabaseSource: Sendable {
    /// A connection for one test, whose changes nobody else sees and that vanish in
    /// ``closeIsolated(_:)``.
    func openIsolated() async throws -> any DatabaseConnection

    /// Ends what ``openIsolated()`` began (rolls back, drops) and closes the connection.
    func closeIsolated(_ db: any DatabaseConnection) async throws

    /// Keeps what the test left in `db` at `location`, then ends it as ``closeIsolated(_:)``
    /// does (a source may keep the database itself instead of dropping it). The connection is
    /// ended even when keeping fails; that failure is thrown afterwards as a ``KeepError``.
    ///
    /// By default the database is dumped as fixtures into ``KeepLocation/dumpDirectory``;
    /// SQLite's template writes an SQLite file, and a PostgreSQL template keeps the database.
    func closeIsolated(_ db: any DatabaseConnection, keepingAt location: KeepLocation) async throws -> KeptDatabase

    /// Removes what an earlier run kept at `location`: by default its files.
    func removeKept(at location: KeepLocation) async throws
}

extension IsolatedDatabaseSource {
    /// Dumps `db` as fixtures (`schema.sql` and a YAML file per table), then closes it.
    public func closeIsolated(_ db: any DatabaseConnection, keepingAt location: KeepLocation) async throws -> KeptDatabase {
        let kept: Result<KeptDatabase, KeepError>
        do {
            try await FixtureSet.dump(from: db, to: location.dumpDirectory)
            kept = .success(.dump(location.dumpDirectory, test: location.name, into: location.sqliteFile))
        } catch {
            try? location.removeEarlierKeep()
            kept = .failure(KeepError(test: location.name, reason: "the dump failed: \(error)"))
        }
        try await closeIsolated(db)
        return try kept.get()
    }

    /// Removes the kept SQLite file and dump directory.
    public func removeKept(at location: KeepLocation) async throws {
        try location.removeEarlierKeep()
    }
}

extension DatabaseTemplate: IsolatedDatabaseSource {
    /// A copy of the template in memory, inside a test transaction.
    public func openIsolated() async throws -> any DatabaseConnection {
        try await IsolatedDatabase.open(self)
    }

    /// Rolls the test transaction back and closes the copy.
    public func closeIsolated(_ db: any DatabaseConnection) async throws {
        try await IsolatedDatabase.close(db)
    }

    /// Writes the copy, as the test left it (its test transaction included), to
    /// ``KeepLocation/sqliteFile``, then rolls back and closes it.
    public func closeIsolated(_ db: any DatabaseConnection, keepingAt location: KeepLocation) async throws -> KeptDatabase {
        let kept: Result<KeptDatabase, KeepError>
        if let sqlite = db as? SQLiteDriver.Connection {
            do {
                try await sqlite.writeCopy(toFile: location.sqliteFile)
                kept = .success(.sqliteFile(location.sqliteFile, test: location.name))
            } catch {
                kept = .failure(KeepError(test: location.name, reason: "writing \(location.sqliteFile) failed: \(error)"))
            }
        } else {
            kept = .failure(KeepError(test: location.name, reason: "the test's database is not an SQLite connection (\(type(of: db)))"))
        }
        try await closeIsolated(db)
        return try kept.get()
    }
}

extension IsolatedDatabase {
    /// Runs `body` with a database of its own from `source` (also set as ``current``), then
    /// ends it — whether `body` returns, throws or is cancelled.
    ///
    /// When the environment asks for it (``KeepOnFailure/isRequested``) and `body` throws,
    /// the database is kept first, under the calling file's and function's names (see
    /// <doc:KeepingFailedDatabases>).
    nonisolated(nonsending)
    public static func with<Result>(_ source: some IsolatedDatabaseSource, fileID: String = #fileID, function: String = #function,
                                    _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        let location = KeepOnFailure.isRequested ? KeepLocation(fileID: fileID, function: function) : nil
        return try await with(source, keepingOnFailureAt: location, body)
    }

    /// Runs `body` with a database of its own from `source` (also set as ``current``), then
    /// ends it. With a `location`, a test that failed — `body` threw, or `hasFailed` says so
    /// afterwards (a recorded expectation) — keeps its database there first, and `report`
    /// gets the line that says where; every run removes what an earlier one kept at `location`.
    /// The test frameworks' integrations (the `.isolatedDatabase` trait, `DatabaseTestCase`)
    /// are built on this.
    ///
    /// ```swift
    /// let location = KeepLocation(suite: "Nightly", test: "importsOrders")
    /// try await IsolatedDatabase.with(template, keepingOnFailureAt: location) { db in
    ///     try await importOrders(into: db)
    /// }
    /// ```
    @discardableResult
    nonisolated(nonsending)
    public static func with<Result>(_ source: some IsolatedDatabaseSource, keepingOnFailureAt location: KeepLocation?,
                                    hasFailed: @Sendable () -> Bool = { false }, report: @Sendable (String) -> Void = KeepOnFailure.report,
                                    _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        let db = try await source.openIsolated()
        let result: Result
        do {
            result = try await $current.withValue(db) { try await body(db) }
        } catch {
            try? await end(db, from: source, keepingAt: location, failed: true, report: report)
            throw error
        }
        try await end(db, from: source, keepingAt: location, failed: hasFailed(), report: report)
        return result
    }

    /// Ends `db` as `source` does; with a `location`, first removes what an earlier run kept
    /// there and, when the test `failed`, keeps the database and reports where. Trouble with
    /// keeping is reported, never thrown: the test's own outcome stands.
    nonisolated(nonsending)
    public static func end(_ db: any DatabaseConnection, from source: some IsolatedDatabaseSource, keepingAt location: KeepLocation?,
                           failed: Bool, report: @Sendable (String) -> Void = KeepOnFailure.report) async throws {
        guard let location else { return try await source.closeIsolated(db) }
        do {
            try await source.removeKept(at: location)
        } catch {
            report(KeepError(test: location.name, reason: "what an earlier run kept could not be removed: \(error)").description)
        }
        guard failed else { return try await source.closeIsolated(db) }
        do {
            report(try await source.closeIsolated(db, keepingAt: location).description)
        } catch let error as KeepError {
            report(error.description)
        }
    }
}
