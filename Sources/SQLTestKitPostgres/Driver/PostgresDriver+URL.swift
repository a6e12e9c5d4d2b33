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
    /// The URL parameters the driver understands; any other is refused by name rather than
    /// silently dropped.
    public static let urlParameters = ["sslmode", "sslrootcert", "options", "application_name", "connect_timeout"]

    /// A configuration from `postgres://user:password@host:port/database?parameter=value&…`.
    ///
    /// The parameters it honours, as libpq reads them: `sslmode` (`disable`, `prefer`,
    /// `require`, `verify-ca`, `verify-full`; `require` and stricter never fall back to plain
    /// TCP), `sslrootcert`, `options` (`-c search_path=staging`), `application_name` and
    /// `connect_timeout` (seconds). Any other parameter is refused by name.
    ///
    /// - Throws: ``PostgresURLError``.
    public init(url: String) throws {
        let shown = DatabaseURL.hidingPassword(url)
        // `options=-c search_path=x` is often written with its space unencoded.
        guard let components = URLComponents(string: url.replacing(" ", with: "%20")), let scheme = components.scheme?.lowercased() else {
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
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                if value == "allow" {
                    tls = .prefer
                } else if let mode = PostgresDriver.TLSMode(rawValue: value) {
                    tls = mode
                } else {
                    throw PostgresURLError(url: shown, reason: "sslmode `\(value)` is not one of \(PostgresDriver.TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            case "sslrootcert": rootCertificatePath = value
            case "options": options = value
            case "application_name": applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw PostgresURLError(url: shown, reason: "connect_timeout `\(value)` is not a whole number of seconds")
                }
                connectTimeout = .seconds(seconds)
            default:
                throw PostgresURLError(url: shown, reason: "the parameter `\(item.name)` is not supported; SQLTestKit's driver understands \(Self.urlParameters.joined(separator: ", "))")
            }
        }
    }
}
#endif
