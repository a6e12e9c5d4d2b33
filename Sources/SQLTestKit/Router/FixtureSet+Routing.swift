extension FixtureSet {
    /// The fixtures the router allows on `database`: only the tables whose
    /// ``DatabaseRouter/allowsTable(_:on:)`` is not `false` there. `.sql` files stay with the
    /// default database.
    ///
    /// ```swift
    /// try await fixtures.allowed(on: "analytics", by: router).load(into: analyticsConnection)
    /// ```
    public func allowed(on database: String, by router: any DatabaseRouter) -> FixtureSet {
        var copy = self
        let decisions = RoutingDecisions(router: router)
        copy.keepFiles { file in
            file.format == .sql ? database == RoutedDriver.defaultDatabase : decisions.allowsTable(file.table, on: database)
        }
        return copy
    }

    /// Loads each named database of `driver` with the fixtures its router allows there, each
    /// in its own transaction; returns the summaries by database name.
    @discardableResult
    nonisolated(nonsending)
    public func load(into driver: RoutedDriver, clearingTables: Bool = true, allowingNonTestDatabase: Bool = false) async throws -> [String: FixtureLoadSummary] {
        var summaries: [String: FixtureLoadSummary] = [:]
        for name in driver.databases.keys.sorted() {
            let subset = allowed(on: name, by: driver.router)
            guard !subset.files.isEmpty else { continue }
            let db = try await driver.databases[name]!.connect()
            do {
                summaries[name] = try await subset.load(into: db, clearingTables: clearingTables, allowingNonTestDatabase: allowingNonTestDatabase)
                await db.close()
            } catch {
                await db.close()
                throw error
            }
        }
        return summaries
    }
}
