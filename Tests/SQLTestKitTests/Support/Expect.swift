import Testing
import SQLTestKit

/// The error `body` throws, cast to `E`; records a test failure when it throws nothing or
/// something else.
func expectError<E: Error>(
    _ type: E.Type,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> E? {
    do {
        try await body()
        Issue.record("expected \(E.self), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as E {
        return error
    } catch {
        Issue.record("expected \(E.self), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A fresh in-memory database with the given schema.
func makeDatabase(_ schema: String = "") async throws -> any DatabaseConnection {
    let db = try await SQLiteDriver.inMemory().connect()
    if !schema.isEmpty { try await db.executeScript(schema) }
    return db
}
