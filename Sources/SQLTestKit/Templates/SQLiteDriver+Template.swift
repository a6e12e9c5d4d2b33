extension SQLiteDriver {
    /// A new in-memory driver whose database starts as a copy of `template`. The template is
    /// built the first time it is asked for in this process and copied from then on, so tests
    /// running in parallel each get their own database without rebuilding the schema.
    ///
    /// ```swift
    /// let driver = try await SQLiteDriver.cloning(template)
    /// let db = try await driver.connect()
    /// ```
    public static func cloning(_ template: DatabaseTemplate, configuration: Configuration = Configuration()) async throws -> SQLiteDriver {
        let source = try await TemplateStore.shared.source(for: template)
        let driver = SQLiteDriver.inMemory(configuration: configuration)
        try driver.withKeeper { db in try source.copy(into: db) }
        return driver
    }
}

extension SQLiteDriver.Connection {
    /// A single connection to a private in-memory copy of `template`: the fastest way to give
    /// one test its own database (one `sqlite3_open`, one `memcpy` of the template). Use
    /// ``SQLiteDriver/cloning(_:configuration:)`` when a test needs several connections to
    /// the same copy.
    ///
    /// ```swift
    /// let db = try await SQLiteDriver.Connection.cloning(template)
    /// ```
    public static func cloning(_ template: DatabaseTemplate, configuration: SQLiteDriver.Configuration = SQLiteDriver.Configuration()) async throws -> SQLiteDriver.Connection {
        let source = try await TemplateStore.shared.source(for: template)
        return try await deserializing(SQLiteImage(bytes: source.image), configuration: configuration)
    }
}
