#if PostgreSQL
import SQLTestKit

/// Makes the server itself refuse to commit a test transaction.
///
/// Reading transaction control in the SQL text, and the command tag after each statement,
/// both learn of a `COMMIT` sent past SQLTestKit (through ``PostgresDriver/Connection/run(_:)``,
/// `underlying`, or a spelling no lexer reads the way the server does) only once the server
/// has committed it, and other tests on the same database may already have seen the rows. So
/// every test transaction on PostgreSQL starts by inserting one row into a table with a
/// deferred constraint trigger that always raises: PostgreSQL runs it at `COMMIT`,
/// `COMMIT AND CHAIN`, `END` and `PREPARE TRANSACTION`, fails them, and rolls back. Savepoints
/// do not fire it, so the code's own transactions (savepoints inside a test transaction) work
/// as before.
///
/// Databases transaction mode makes from a template carry the table and its trigger in the
/// schema `sqltestkit` (outside the search path, so schema reads, dumps and resets never see
/// it); on any other database the session makes them once as temporary objects, which belong
/// to the session alone and vanish with it. Code that drops the guard's trigger or replaces its
/// function defeats it; the command-tag check still fails that test.
enum PostgresCommitGuard {
    /// The SQLSTATE the guard raises (a code of SQLTestKit's own).
    static let errorCode = "STK01"

    static let message = "SQLTestKit: a test transaction may not commit"

    /// Where a session arms the guard: the table of a database SQLTestKit made for
    /// transaction mode, or the session's own temporary one.
    enum Target: Equatable {
        case installed
        case temporary
        /// The session could not make it (a role without the TEMPORARY privilege): the
        /// command-tag check is left.
        case unavailable

        /// The statement that arms the guard in a transaction just begun: one row inserted.
        var armSQL: String? {
            switch self {
            case .installed: "INSERT INTO \(installedSchema).\(table) VALUES (true)"
            case .temporary: "INSERT INTO pg_temp.\(table) VALUES (true)"
            case .unavailable: nil
            }
        }
    }

    /// The schema a database made for transaction mode holds the guard in.
    static let installedSchema = "sqltestkit"
    static let table = "sqltestkit_commit_guard"

    /// The statements that make the guard in `schema`: the function that raises, the table,
    /// and the deferred trigger on it, which fires even with `session_replication_role` set to
    /// `replica`. In `pg_temp` the table is the session's own.
    static func creationStatements(in schema: String) -> [String] {
        [
            """
            CREATE FUNCTION \(schema).sqltestkit_refuse_commit() RETURNS trigger LANGUAGE plpgsql
              AS $body$ BEGIN RAISE EXCEPTION USING ERRCODE = '\(errorCode)', MESSAGE = '\(message)'; END $body$
            """,
            schema == "pg_temp" ? "CREATE TEMPORARY TABLE \(table) (armed boolean)" : "CREATE UNLOGGED TABLE \(schema).\(table) (armed boolean)",
            """
            CREATE CONSTRAINT TRIGGER sqltestkit_refuse_commit AFTER INSERT ON \(schema).\(table)
              DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION \(schema).sqltestkit_refuse_commit()
            """,
            "ALTER TABLE \(schema).\(table) ENABLE ALWAYS TRIGGER sqltestkit_refuse_commit",
        ]
    }

    /// Run once per session, outside any transaction, before its first test transaction: which
    /// guard the session has, `none` when it has to make its temporary one.
    static let prepareSessionSQL = """
        SELECT CASE WHEN to_regclass('\(installedSchema).\(table)') IS NOT NULL THEN 'installed'
                    WHEN to_regclass('pg_temp.\(table)') IS NOT NULL THEN 'temporary'
                    ELSE 'none' END
        """

    /// Makes the session's temporary guard, in one round trip and all or nothing. Temporary
    /// objects belong to the session alone and vanish with it; made once, a test transaction
    /// costs one insert more, not a catalog change.
    static let makeTemporarySQL = "DO $sqltestkit$ BEGIN\n"
        + creationStatements(in: "pg_temp").map { $0 + ";\n" }.joined() + "END $sqltestkit$"

    /// Installs the guard in a database SQLTestKit made for transaction mode.
    static let installStatements = ["CREATE SCHEMA \(installedSchema)"] + creationStatements(in: installedSchema)

    /// Whether `error` is the guard refusing a commit.
    static func refused(_ error: QueryError) -> Bool {
        error.databaseCode == errorCode
    }
}
#endif
