#if PostgreSQL
import SQLTestKit

extension PostgresTemplate {
    /// Runs `body` with the connection details of a private database copied from this
    /// template (schema and fixtures), dropped afterwards: for tests that must run the
    /// production driver — fluent-postgres-driver, postgres-nio's `PostgresClient` — which
    /// opens its own connections. Always a database of its own, whatever the template's
    /// ``mode``: a test transaction cannot span connections SQLTestKit does not hold.
    ///
    /// ```swift
    /// try await template.withDatabase { database in
    ///     let client = PostgresClient(configuration: try database.postgresClientConfiguration())
    ///     …
    /// }
    /// ```
    ///
    /// With Fluent, `SQLPostgresConfiguration(sqlTestKit: database)` (SQLTestKitFluent) is
    /// the configuration to give `.postgres(configuration:)`.
    public func withDatabase<Result>(_ body: (PostgresDriver.Configuration) async throws -> Result) async throws -> Result {
        let source = mode(.database)
        let connection = try await source.openIsolated()
        guard let postgres = connection as? PostgresDriver.Connection else {
            try await source.closeIsolated(connection)
            throw TemplateError(message: "the per-test database is not a PostgreSQL connection (\(type(of: connection)))")
        }
        let database = postgres.driver.configuration
        do {
            let result = try await body(database)
            try await source.closeIsolated(connection)
            return result
        } catch {
            try? await source.closeIsolated(connection)
            throw error
        }
    }
}
#endif
