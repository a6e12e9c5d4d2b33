import ArgumentParser
import Foundation
import SQLTestKit
#if PostgreSQL
import SQLTestKitPostgres
#endif

/// `--database postgres://…`: a PostgreSQL database instead of an SQLite file. The
/// PostgreSQL driver is compiled only with the package's `PostgreSQL` trait, so the command's
/// first build on a fresh machine does not build postgres-nio unless asked to.
enum PostgresTarget {
    static func isURL(_ database: String) -> Bool {
        let lowered = database.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// What to run instead, when this build has no PostgreSQL driver.
    static let rebuildHint = "this sqltestkit was built without PostgreSQL; build it with the PostgreSQL trait: swift run --traits PostgreSQL sqltestkit …"

    /// A connection to the database the URL names.
    static func connect(_ url: String) async throws -> any DatabaseConnection {
        #if PostgreSQL
        do {
            return try await PostgresDriver(url: url).connect()
        } catch let error as PostgresURLError {
            Output.error("error: \(error)")
            throw ExitCode.validationFailure
        } catch let error as QueryError {
            Output.error("error: \(error.message)" + (error.suggestion.map { "\n  suggestion: \($0)" } ?? ""))
            throw ExitCode.unusable
        }
        #else
        Output.error("error: \(url) is a PostgreSQL database, but \(rebuildHint)")
        throw ExitCode.unusable
        #endif
    }

    /// The URL without its password, for messages.
    static func shown(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at,
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
