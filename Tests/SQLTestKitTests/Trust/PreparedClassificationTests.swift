@testable import SQLTestKit
import SQLTestKitSQLite
import Testing

/// The SQLite driver's second line of defence: the statement SQLite compiled (seen through its
/// authorizer) must be what the text-based interception took it for.
@Suite("Trust: the statement SQLite prepared decides")
struct PreparedClassificationTests {
    /// Prepares `sql` on a raw connection with SQLTestKit's observer, and returns what the
    /// check says of it when the text was read as `kind`.
    static func check(_ sql: String, readAs kind: StatementKind) throws -> TransactionControl? {
        var db: OpaquePointer?
        #expect(sqlite3_open(":memory:", &db) == SQLITE_OK)
        defer { sqlite3_close_v2(db) }
        let observer = PreparationObserver()
        sqlite3_set_authorizer(db, PreparationObserver.authorize, Unmanaged.passUnretained(observer).toOpaque())
        var statement: OpaquePointer?
        #expect(sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK)
        defer { sqlite3_finalize(statement) }
        try SQLiteDriver.Connection.Core.checkTransactionControl(of: statement!, kind: kind, observed: observer.control, sql: sql, arguments: [])
        return observer.control
    }

    @Test func whatSQLiteCompilesIsObserved() throws {
        #expect(try Self.check("; COMMIT", readAs: .transaction(.commit)) == .commit)
        #expect(try Self.check("END", readAs: .transaction(.commit)) == .commit)
        #expect(try Self.check("BEGIN IMMEDIATE", readAs: .transaction(.begin)) == .begin)
        #expect(try Self.check("ROLLBACK", readAs: .transaction(.rollback)) == .rollback)
        #expect(try Self.check("SAVEPOINT \"A b\"", readAs: .transaction(.savepoint("a B"))) == .savepoint("A b"))
        #expect(try Self.check("SELECT 1", readAs: .select) == nil)
    }

    @Test func aStatementReadAsSomethingElseIsRefused() {
        let error = #expect(throws: QueryError.self) { _ = try Self.check("; COMMIT", readAs: .other("")) }
        #expect(error?.code == .misuse)
        #expect(error?.message == "SQLite reads this statement as COMMIT, but its text does not start like one; refused, so it cannot end a transaction unseen")
        #expect(throws: QueryError.self) { _ = try Self.check("RELEASE sqltestkit_test_1", readAs: .transaction(.release("mine"))) }
        #expect(throws: QueryError.self) { _ = try Self.check("ROLLBACK", readAs: .transaction(.commit)) }
    }

    @Test func explainingTransactionControlRunsNone() throws {
        #expect(try Self.check("EXPLAIN COMMIT", readAs: .other("EXPLAIN")) == .commit)
    }
}
