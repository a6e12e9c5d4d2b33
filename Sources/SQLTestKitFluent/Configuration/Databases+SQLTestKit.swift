#if Fluent
import FluentKit
import Logging
import NIOCore
import NIOPosix
import SQLTestKit

extension Databases {
    /// Serves the app's default database from SQLTestKit, whatever ID `configure(app)` gave
    /// it (`.psql`, `.sqlite`, `.mysql`): one line after `configure`, and every `app.db`
    /// query goes to `driver` (a mock, SQLite, PostgreSQL). A driver Fluent had already made
    /// for that ID is shut down, so nothing keeps using the app's own database.
    ///
    /// ```swift
    /// let app = try await Application.make(.testing)
    /// try await configure(app)
    /// try app.databases.useSQLTestKit(mock)
    /// ```
    ///
    /// - Returns: the ID it replaced.
    /// - Throws: ``FluentDatabaseSwapError`` when the app configured no database.
    @discardableResult
    public func useSQLTestKit(_ driver: any SQLTestKit.DatabaseDriver) throws -> DatabaseID {
        try useSQLTestKit(.sqlTestKit(driver), as: nil)
    }

    /// Serves the app's default database from an open SQLTestKit connection, such as the
    /// test's isolated database (`IsolatedDatabase.require()`).
    @discardableResult
    public func useSQLTestKit(_ connection: any DatabaseConnection) throws -> DatabaseID {
        try useSQLTestKit(.sqlTestKit(connection), as: nil)
    }

    /// Serves the database `id` from SQLTestKit.
    ///
    /// - Throws: ``FluentDatabaseSwapError`` when the app has no database `id`: registered
    ///   under an ID the app never uses, SQLTestKit would sit unused while the app kept
    ///   talking to its own database.
    public func useSQLTestKit(_ driver: any SQLTestKit.DatabaseDriver, as id: DatabaseID) throws {
        try useSQLTestKit(.sqlTestKit(driver), as: id)
    }

    /// Serves the database `id` from an open SQLTestKit connection.
    public func useSQLTestKit(_ connection: any DatabaseConnection, as id: DatabaseID) throws {
        try useSQLTestKit(.sqlTestKit(connection), as: id)
    }

    @discardableResult
    private func useSQLTestKit(_ factory: DatabaseConfigurationFactory, as wanted: DatabaseID?) throws -> DatabaseID {
        let configured = ids()
        guard !configured.isEmpty else { throw FluentDatabaseSwapError(wanted: wanted, configured: []) }
        if let wanted, !configured.contains(wanted) { throw FluentDatabaseSwapError(wanted: wanted, configured: configured) }
        let current = try? defaultID()
        guard let id = wanted ?? current else { throw FluentDatabaseSwapError(wanted: nil, configured: configured) }
        // The app's driver for `id`, if Fluent made one already, would keep serving it.
        reinitialize(id)
        use(factory, as: id, isDefault: id == current)
        return id
    }

    /// The default database's ID: FluentKit keeps it private, but names it in the logger
    /// metadata of every database it makes (`database-id`).
    private func defaultID() throws -> DatabaseID {
        let configured = ids()
        if configured.count == 1, let only = configured.first { return only }
        guard let db = database(nil, logger: Logger(label: "SQLTestKit.swap"), on: MultiThreadedEventLoopGroup.singleton.any()),
              case .string(let name)? = db.logger[metadataKey: "database-id"] else {
            throw FluentDatabaseSwapError(wanted: nil, configured: configured)
        }
        return DatabaseID(string: name)
    }
}

/// SQLTestKit was to serve a database the app does not have.
public struct FluentDatabaseSwapError: Error, Sendable, CustomStringConvertible {
    /// The ID asked for; `nil` for the default database.
    public var wanted: DatabaseID?
    /// The IDs the app configured.
    public var configured: Set<DatabaseID>

    public var description: String {
        let names = configured.map { "`.\($0.string)`" }.sorted().joined(separator: ", ")
        guard let wanted else {
            return "the app has no default database to serve from SQLTestKit\n  suggestion: call `useSQLTestKit` after `configure(app)`, which registers the app's databases"
        }
        return """
            the app has no database `.\(wanted.string)` (it has \(names.isEmpty ? "none" : names)): registered there, SQLTestKit \
            would never be used and the app would keep its own database
              suggestion: `try app.databases.useSQLTestKit(…)` replaces the default database, whatever its ID; or name one the \
            app uses: `as: \(configured.map { ".\($0.string)" }.sorted().first ?? ".psql")`
            """
    }
}
#endif
