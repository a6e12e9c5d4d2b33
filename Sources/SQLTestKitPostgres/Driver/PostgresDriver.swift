#if PostgreSQL
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import SQLTestKit
import Synchronization

/// A PostgreSQL database, reached through postgres-nio: SQLTestKit's `DatabaseDriver` for a
/// real server.
///
/// ```swift
/// import SQLTestKitPostgres
///
/// let pg = try PostgresDriver(url: "postgres://postgres@127.0.0.1:5432/app_test")
/// let db = try await pg.connect()
/// let rows = try await db.fetchAll("SELECT id, name FROM author WHERE name = \("Ann")")
/// await db.close()
/// ```
///
/// Statements are sent with the extended protocol, their arguments bound (never written into
/// the SQL); `?` placeholders become `$1, $2, …`. Values bind and read as described in
/// <doc:PostgresValues>. Errors are `QueryError` values with the codes the SQLite driver uses
/// (`23505` is `.constraintUnique`), the SQLSTATE in `QueryError.databaseCode`, and the
/// server's detail and hint.
///
/// A test transaction on PostgreSQL: PostgreSQL aborts a transaction at its first failed
/// statement. Inside a test transaction, where in production each statement of the code would
/// run on its own, the connection keeps them independent: a failed statement is rolled back
/// alone (to a savepoint the connection takes before the first statement after a change), so
/// the test goes on as it would against production. Inside a transaction the code opened
/// itself, PostgreSQL's rule holds, as in production.
public struct PostgresDriver: DatabaseDriver {
    /// Where the server is and how to log in.
    public struct Configuration: Sendable, Hashable {
        /// The server's host (`127.0.0.1`).
        public var host: String
        /// Its port (5432).
        public var port: Int
        /// The role to log in as.
        public var username: String
        /// Its password, if the server asks for one.
        public var password: String?
        /// The database to connect to.
        public var database: String
        /// How many connections tests may hold at once (`DatabaseDriver.maxConnections`).
        public var maxConnections: Int = 10
        /// How long to wait for the server when connecting (the URL's `connect_timeout`, in seconds).
        public var connectTimeout: Duration = .seconds(10)
        /// Whether and how the connection is encrypted (the URL's `sslmode`). `.disable` unless
        /// the URL asks: test servers rarely have TLS.
        public var tls: TLSMode = .disable
        /// A PEM file of the certificate authorities to trust with ``TLSMode/verifyCA`` and
        /// ``TLSMode/verifyFull`` (the URL's `sslrootcert`); the system's when `nil`.
        public var rootCertificatePath: String?
        /// Command-line options for the server session, `-c name=value …` (the URL's `options`):
        /// `-c search_path=staging`.
        public var options: String?
        /// The name the session reports in `pg_stat_activity` (the URL's `application_name`).
        public var applicationName: String?

        /// A configuration from its parts.
        public init(host: String = "127.0.0.1", port: Int = 5432, username: String = "postgres", password: String? = nil, database: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
        }

        /// The same server and login, another database.
        public func database(_ name: String) -> Configuration {
            var copy = self
            copy.database = name
            return copy
        }
    }

    /// How a connection is encrypted, as libpq's `sslmode` says it.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise.
        case prefer
        /// TLS or no connection; the certificate is not checked (libpq's `require`).
        case require
        /// TLS or no connection, with a certificate signed by a trusted authority.
        case verifyCA = "verify-ca"
        /// As ``verifyCA``, and the certificate must name the host.
        case verifyFull = "verify-full"
    }

    /// Where the driver connects.
    public let configuration: Configuration

    /// A driver for a server and database.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// A driver from a URL: `postgres://user:password@host:port/database` (or `postgresql://`).
    /// User, password, port and database are optional (`postgres`, none, 5432, the user's name);
    /// user and password may be percent-encoded.
    ///
    /// ```swift
    /// let pg = try PostgresDriver(url: "postgres://postgres@127.0.0.1:5432/app_test")
    /// ```
    ///
    /// - Throws: ``PostgresURLError`` naming what is wrong with the URL.
    public init(url: String, maxConnections: Int = 10) throws {
        var configuration = try Configuration(url: url)
        configuration.maxConnections = maxConnections
        self.init(configuration: configuration)
    }

    /// The database's URL, without the password.
    public var url: String {
        "postgres://\(configuration.username)@\(configuration.host):\(configuration.port)/\(configuration.database)"
    }

    /// PostgreSQL's: `$n` placeholders, `RETURNING`, savepoints.
    public var capability: DriverCapability { .postgres }

    public var maxConnections: Int { configuration.maxConnections }

    /// Opens a connection to the server.
    ///
    /// - Throws: `QueryError` with `.cannotOpen` when the server cannot be reached, refuses
    ///   the login, or has no such database.
    public func connect() async throws -> any DatabaseConnection {
        try await open()
    }

    /// Opens a connection, typed (with ``Connection/underlying``, postgres-nio's connection).
    public func open() async throws -> Connection {
        try await open(onTestTransactionLoss: nil)
    }

    /// Opens a connection that calls `onTestTransactionLoss` if a statement ends its test
    /// transaction behind SQLTestKit's back.
    ///
    /// Every session runs with `TimeZone` set to UTC (a startup parameter, so it costs no round
    /// trip): a `Date` is bound as text without an offset, which `timestamptz` reads in the
    /// session's zone, so on a server whose zone is not UTC it would move. A statement may still
    /// `SET TIME ZONE` for its own session.
    func open(onTestTransactionLoss: (@Sendable (QueryError) -> Void)?) async throws -> Connection {
        var nioConfiguration = try configuration.postgresConnectionConfiguration()
        nioConfiguration.options.additionalStartupParameters.insert(("TimeZone", "UTC"), at: 0)
        do {
            let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: nioConfiguration,
                                                                  id: PostgresDriver.nextConnectionID(), logger: PostgresDriver.logger)
            return Connection(connection: connection, driver: self, onTestTransactionLoss: onTestTransactionLoss)
        } catch {
            throw connectError(error)
        }
    }

    private func connectError(_ error: any Error) -> QueryError {
        let mapped = PostgresErrorMapping.queryError(from: error, sql: "", arguments: [])
        var failure = QueryError(code: .cannotOpen, message: "cannot connect to \(url): \(mapped.databaseCode == nil ? String(describing: error) : mapped.message)",
                                 databaseCode: mapped.databaseCode, detail: mapped.detail)
        if configuration.tls != .disable, case .some(.sslUnsupported) = (error as? PSQLError)?.code {
            failure.message = "cannot connect to \(url): the server does not offer TLS, and sslmode=\(configuration.tls.rawValue) does not allow a plain connection"
            failure.suggestion = "enable ssl on the server, or use sslmode=prefer or sslmode=disable for a server without TLS"
            return failure
        }
        switch mapped.databaseCode {
        case "3D000": failure.suggestion = "create the database first (createdb \(configuration.database)), or use a PostgresTemplate, which creates a database per test"
        case "28P01", "28000": failure.suggestion = "check the user name and password in the URL (postgres://user:password@host:port/db)"
        default: failure.suggestion = "check that a PostgreSQL server listens on \(configuration.host):\(configuration.port); for tests, PostgresTestServer starts a private one"
        }
        return failure
    }

    /// Drops every table, view, sequence, type and function of the database's schemas (and
    /// makes an empty `public`). Refuses a database that is not a test database (see
    /// <doc:PostgreSQL#Never-wiping-a-real-database>) unless told otherwise.
    public func resetDatabase(allowingNonTestDatabase: Bool) async throws {
        try await open().closing { db in
            if !allowingNonTestDatabase {
                try await PostgresCatalog().checkIsTestDatabase(db, operation: "reset", overrideHint: "call resetDatabase(allowingNonTestDatabase: true)")
            }
            try await db.transaction { db in try await PostgresCatalog().dropEverything(on: db) }
        }
    }

    // MARK: - Shared

    static let logger = Logger(label: "sqltestkit.postgres")

    private static let connectionIDs = Mutex(0)

    static func nextConnectionID() -> Int {
        connectionIDs.withLock { id in
            id += 1
            return id
        }
    }
}

#endif

#if PostgreSQL
extension PostgresDriver.Configuration {
    /// postgres-nio's TLS setting for ``tls``.
    func nioTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let settings = tlsSettings() else { return .disable }
        let context = try NIOSSLContext(configuration: settings)
        return tls == .prefer ? .prefer(context) : .require(context)
    }

    /// The TLS settings `sslmode` and `sslrootcert` ask for; `nil` for `sslmode=disable`.
    func tlsSettings() -> TLSConfiguration? {
        var settings = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: settings.certificateVerification = .none
        case .verifyCA: settings.certificateVerification = .noHostnameVerification
        case .verifyFull: settings.certificateVerification = .fullVerification
        }
        if let rootCertificatePath { settings.trustRoots = .file(rootCertificatePath) }
        return settings
    }
}
#endif
