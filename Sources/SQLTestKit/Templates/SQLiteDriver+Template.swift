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
