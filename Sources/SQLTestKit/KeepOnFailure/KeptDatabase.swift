/// What a failed test kept: where it is and the command that opens it. Its ``description``
/// is the line the test's output gets.
///
/// ```swift
/// let kept = try await template.closeIsolated(db, keepingAt: location)
/// print(kept)   // kept the database of the failed test ReviewTests/deletesAReview: sqlite3 '…'
/// ```
public struct KeptDatabase: Sendable, Hashable, CustomStringConvertible {
    /// How the database was kept.
    public enum Kind: String, Sendable, Hashable {
        /// An SQLite file: the database as the test left it.
        case sqliteFile
        /// A PostgreSQL database left on its server instead of being dropped.
        case postgresDatabase
        /// A fixture directory (`schema.sql` and a file per table) of what the test saw,
        /// loadable with `sqltestkit load`.
        case dump
    }

    /// How it was kept.
    public var kind: Kind
    /// The test, as `Suite/test`.
    public var test: String
    /// The file, directory or database URL (without its password).
    public var location: String
    /// The shell command that opens it: `sqlite3 …`, `psql …`, `sqltestkit load …`.
    public var openCommand: String
    /// A dump written besides (a kept PostgreSQL database is dumped too), if any.
    public var dumpDirectory: String?

    /// A kept database.
    public init(kind: Kind, test: String, location: String, openCommand: String, dumpDirectory: String? = nil) {
        self.kind = kind
        self.test = test
        self.location = location
        self.openCommand = openCommand
        self.dumpDirectory = dumpDirectory
    }

    /// A kept SQLite file, opened with `sqlite3`.
    public static func sqliteFile(_ path: String, test: String) -> KeptDatabase {
        KeptDatabase(kind: .sqliteFile, test: test, location: path, openCommand: "sqlite3 " + KeepOnFailure.shellQuoted(path))
    }

    /// A dump in `directory`, loaded with `sqltestkit load` into `database` (a file, or a
    /// `postgres://` URL; `traits` are the package traits the command needs).
    public static func dump(_ directory: String, test: String, into database: String, traits: String? = nil) -> KeptDatabase {
        let run = traits.map { "swift run --traits \($0) sqltestkit" } ?? "swift run sqltestkit"
        return KeptDatabase(kind: .dump, test: test, location: directory,
                            openCommand: "\(run) load \(KeepOnFailure.shellQuoted(directory)) -d \(KeepOnFailure.shellQuoted(database))",
                            dumpDirectory: directory)
    }

    /// The line for the test's output: `kept the database of the failed test Suite/test: <command>`.
    public var description: String {
        var line = "kept the database of the failed test \(test): \(openCommand)"
        if kind != .dump, let dumpDirectory { line += " (also dumped to \(KeepOnFailure.shellQuoted(dumpDirectory)))" }
        return line
    }
}

/// A failed test's database could not be kept; the test's own failure stands.
public struct KeepError: Error, Sendable, CustomStringConvertible {
    /// The test, as `Suite/test`.
    public var test: String
    /// Why.
    public var reason: String

    /// An error for `test`.
    public init(test: String, reason: String) {
        self.test = test
        self.reason = reason
    }

    public var description: String {
        "could not keep the database of the failed test \(test): \(reason)"
    }
}
