extension SQLiteDriver.Connection {
    /// A single connection to a private in-memory database that starts as a copy of `image`
    /// (foreign keys on, as for every SQLTestKit connection).
    ///
    /// ```swift
    /// let image = try original.withDatabasePointer { try SQLiteImage(serializing: $0) }
    /// let copy = try await SQLiteDriver.Connection.deserializing(image)
    /// ```
    public static func deserializing(_ image: SQLiteImage, configuration: SQLiteDriver.Configuration = SQLiteDriver.Configuration()) async throws -> SQLiteDriver.Connection {
        let handle = try SQLiteHandle.open(":memory:", configuration: configuration, foreignKeys: false)
        guard let db = handle.db else { throw SQLiteHandle.closedError(sql: nil) }
        try image.deserialize(into: db)
        try handle.execute("PRAGMA foreign_keys = ON")
        return SQLiteDriver.Connection(handle: handle, cacheCapacity: configuration.statementCacheCapacity, capability: configuration.capability)
    }
}
