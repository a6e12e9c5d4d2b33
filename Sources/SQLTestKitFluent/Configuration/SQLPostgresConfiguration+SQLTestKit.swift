#if Fluent && PostgreSQL
import PostgresKit
import SQLTestKitPostgres

extension SQLPostgresConfiguration {
    /// fluent-postgres-driver's configuration for a database SQLTestKit made: the per-test
    /// database of `PostgresTemplate.withDatabase(_:)`, for tests that run the production
    /// driver.
    ///
    /// ```swift
    /// try await template.withDatabase { database in
    ///     app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(sqlTestKit: database)), as: .psql)
    ///     …
    /// }
    /// ```
    public init(sqlTestKit database: PostgresDriver.Configuration) throws {
        self.init(coreConfiguration: try database.postgresConnectionConfiguration())
    }
}
#endif
