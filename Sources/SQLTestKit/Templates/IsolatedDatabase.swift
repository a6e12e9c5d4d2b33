/// A database of its own for one test: a clone of a template inside a test transaction,
/// reachable from the test and from any code it calls through ``current``.
///
/// The Swift Testing trait (`.isolatedDatabase(…)`) and the XCTest base class
/// (`DatabaseTestCase`) in `SQLTestKitTesting` are built on this; use it directly anywhere else:
///
/// ```swift
/// let count = try await IsolatedDatabase.with(template) { db in
///     try await db.execute("DELETE FROM review")        // gone when the closure returns
///     return try await db.fetchOne(Int.self, "SELECT count(*) FROM review")
/// }
/// ```
public enum IsolatedDatabase {
    /// The isolated database of the test running in this task, if any.
    @TaskLocal public static var current: (any DatabaseConnection)?

    /// The isolated database of the current test; throws a message saying how to get one when
    /// the code runs outside an isolated-database scope.
    public static func require() throws -> any DatabaseConnection {
        guard let current else {
            throw TemplateError(message: "no isolated database in this task",
                                suggestion: "add the .isolatedDatabase(…) trait to the test or suite, subclass DatabaseTestCase, or wrap the code in IsolatedDatabase.with(template) { … }")
        }
        return current
    }

    /// Opens a clone of `template` and begins a test transaction on it. Pair with ``close(_:)``.
    public static func open(_ template: DatabaseTemplate) async throws -> any DatabaseConnection {
        let db = try await SQLiteDriver.Connection.cloning(template)
        try await db.beginTestTransaction()
        return db
    }

    /// Rolls back the test transaction and closes the connection.
    public static func close(_ db: any DatabaseConnection) async throws {
        do {
            try await db.endTestTransaction()
        } catch {
            await db.close()
            throw error
        }
        await db.close()
    }
}
