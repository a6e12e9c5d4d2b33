#if PostgreSQL
import Foundation
import SQLTestKit

/// A PostgreSQL URL SQLTestKit cannot use, with what is wrong and the form it wants.
///
/// ```text
/// not a PostgreSQL URL: "mysql://root@localhost/app" (the scheme is `mysql`)
///   expected: postgres://user:password@host:port/database
/// ```
public struct PostgresURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL as given (with its password replaced by `***`).
    public var url: String
    /// What is wrong with it.
    public var reason: String

    public var description: String {
        "not a PostgreSQL URL: \"\(url)\" (\(reason))\n  expected: postgres://user:password@host:port/database"
    }
}

extension PostgresDriver.Configuration {
    /// A configuration from `postgres://user:password@host:port/database`.
    ///
    /// - Throws: ``PostgresURLError``.
    public init(url: String) throws {
        let shown = DatabaseURL.hidingPassword(url)
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw PostgresURLError(url: shown, reason: "it does not parse as a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresURLError(url: shown, reason: "the scheme is `\(scheme)`")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresURLError(url: shown, reason: "it names no host")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let database = String(components.path.drop { $0 == "/" })
        if database.contains("/") {
            throw PostgresURLError(url: shown, reason: "the path `\(components.path)` is not one database name")
        }
        self.init(host: host, port: components.port ?? 5432, username: user,
                  password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding },
                  database: database.isEmpty ? user : database)
    }
}
#endif
