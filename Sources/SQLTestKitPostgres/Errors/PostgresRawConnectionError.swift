#if PostgreSQL
/// postgres-nio's connection was asked for inside a test transaction, where its own
/// `withTransaction` (or any `BEGIN`/`COMMIT` sent on it) would end the test's transaction.
public struct PostgresRawConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database of the connection that refused.
    public var database: String

    public var description: String {
        """
        refused postgres-nio's connection to \(database) inside a test transaction: what is sent on it bypasses SQLTestKit, \
        and its withTransaction would commit the test's transaction into the shared database
          suggestion: give code written on postgres-nio a database of its own: `try await template.withDatabase { database in \
        … PostgresClient(configuration: try database.postgresClientConfiguration()) … }`, or send statements through the \
        SQLTestKit connection, whose transactions become savepoints
        """
    }
}
#endif
