#if PostgreSQL
import NIOSSL
import PostgresNIO
import SQLTestKit

extension PostgresDriver.Configuration {
    /// The same server, database, login, TLS and session options as postgres-nio's
    /// connection configuration: for code written on postgres-nio, tested on a per-test
    /// database (``PostgresTemplate/withDatabase(_:)``).
    ///
    /// ```swift
    /// try await template.withDatabase { database in
    ///     let connection = try await PostgresConnection.connect(
    ///         configuration: try database.postgresConnectionConfiguration(), id: 1, logger: logger)
    ///     …
    /// }
    /// ```
    ///
    /// - Throws: `QueryError` with `.cannotOpen` when the TLS settings cannot be used.
    public func postgresConnectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                             database: database, tls: try tlsForNIO())
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000
                                                            + connectTimeout.components.attoseconds / 1_000_000_000)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// The same settings as a `PostgresClient` (postgres-nio's pool) configuration, with at
    /// most ``maxConnections`` connections.
    ///
    /// ```swift
    /// let client = PostgresClient(configuration: try database.postgresClientConfiguration())
    /// ```
    public func postgresClientConfiguration() throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database, tls: try clientTLS())
        configuration.options.maximumConnections = maxConnections
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// `options` and `application_name`, sent when the session starts.
    private var startupParameters: [(String, String)] {
        [("options", options), ("application_name", applicationName)].compactMap { name, value in value.map { (name, $0) } }
    }

    private func tlsForNIO() throws -> PostgresConnection.Configuration.TLS {
        do {
            return try nioTLS()
        } catch {
            throw QueryError(code: .cannotOpen, message: "cannot set up TLS for \(host):\(port) (sslmode=\(tls.rawValue)): \(error)",
                             suggestion: "check sslrootcert (a PEM file of trusted certificate authorities)")
        }
    }

    private func clientTLS() throws -> PostgresClient.Configuration.TLS {
        _ = try tlsForNIO()   // the same checks (a readable sslrootcert) as the driver's own connections
        guard let settings = tlsSettings() else { return .disable }
        return tls == .prefer ? .prefer(settings) : .require(settings)
    }
}
#endif
