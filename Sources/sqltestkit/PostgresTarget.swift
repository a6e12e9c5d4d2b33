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

    /// A connection to the database the URL names, created first when the server has no
    /// such database (as `load` creates a missing SQLite file): it carries SQLTestKit's
    /// marker, so it is a test database.
    static func connectCreatingMissing(_ url: String) async throws -> any DatabaseConnection {
        #if PostgreSQL
        if let driver = try? PostgresDriver(url: url) {
            do {
                return try await driver.connect()
            } catch let error as QueryError where error.databaseCode == "3D000" {
                let name = driver.configuration.database
                do {
                    try await PostgresTemplate.onServer(driver.configuration.database("postgres")) { admin in
                        try await PostgresTemplate.createMarkedDatabase(name, on: admin)
                    }
                } catch let failure as QueryError {
                    Output.error("error: \(shown(url)) does not exist and could not be created: \(failure.message)"
                                 + "\n  suggestion: create it first (createdb \(name)), or connect as a role that may create databases")
                    throw ExitCode.unusable
                }
                Output.print("created the database \(name)")
            } catch {
                // Reported as any other connection failure, below.
            }
        }
        #endif
        return try await connect(url)
    }

    /// Refuses a database argument that is neither a PostgreSQL URL nor an existing file.
    static func requireExisting(_ database: String) throws {
        guard isURL(database) || FileManager.default.fileExists(atPath: database) else {
            Output.error("error: there is no database at \(database)")
            throw ExitCode.unusable
        }
    }

    /// A connection to the database an argument names: PostgreSQL, or an SQLite file opened
    /// as it is (no switch to WAL, nothing written).
    static func open(_ database: String) async throws -> any DatabaseConnection {
        isURL(database) ? try await connect(database) : try await SQLiteDriver(path: database).connect()
    }

    /// The URL without its password, for messages.
    static func shown(_ url: String) -> String {
        DatabaseURL.hidingPassword(url)
    }
}
