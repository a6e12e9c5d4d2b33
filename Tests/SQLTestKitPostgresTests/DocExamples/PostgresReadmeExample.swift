#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import SQLTestKitTesting
import Testing

enum PostgresBookstore {
    static let schemaSQL = try! String(contentsOfFile: "Examples/PostgreSQL/schema.sql",
                                       encoding: .utf8)
    static let fixtures = try! FixtureSet(directory: "Fixtures")
    // Built once (keyed by the schema's and fixtures' content) on the process's throwaway
    // server, or on the one SQLTESTKIT_POSTGRES_URL names.
    static let template = PostgresTemplate.onTestServer(schema: schemaSQL,
                                                        fixtures: fixtures)
}

@Suite(.enabled(if: PostgresTestServer.isAvailable),
       .isolatedDatabase(PostgresBookstore.template))
struct PostgresBookTests {
    @Test(arguments: 0..<200)                      // each in a test transaction of its own
    func renaming(index: Int) async throws {
        let db = try IsolatedDatabase.require()
        let ada = PostgresBookstore.fixtures.id(of: "ada", in: "author")!
        try await db.execute("UPDATE author SET name = \("Ada \(index)") WHERE id = \(ada)")
        let name = try await db.fetchOne(String.self,
                                         "SELECT name FROM author WHERE id = \(ada)")
        #expect(name == "Ada \(index)")
    }

    @Test func aFailedStatementDoesNotEndTheTest() async throws {
        let db = try IsolatedDatabase.require()
        // 23505 is .constraintUnique, as on SQLite
        await #expect(throws: QueryError.self) {
            try await db.execute(
                "INSERT INTO author(name, email) VALUES ('Copy', 'ada@example.com')")
        }
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 3)
    }
}

@Suite(.enabled(if: PostgresTestServer.isAvailable),
       .isolatedDatabase(PostgresBookstore.template.mode(.database)))
struct PostgresMigrationTests {
    @Test func codeThatCommitsAndChangesTheSchema() async throws {
        // a database of its own, dropped afterwards
        let db = try IsolatedDatabase.require()
        try await db.execute("ALTER TABLE book ADD COLUMN isbn TEXT")
        try await db.execute("VACUUM book")
        let id = try await db.execute("""
            INSERT INTO author(name, email) VALUES ('New', 'new@example.com') RETURNING id
            """)
        // the identity was moved past the fixtures' keys
        #expect(id.rows.first?["id"] != nil)
    }
}

@Test(.enabled(if: PostgresTestServer.isAvailable))
func aPostgresDriver() async throws {
    let server = try await PostgresTestServer.shared()   // a private cluster on 127.0.0.1
    // postgres://postgres@127.0.0.1:PORT/postgres
    let pg = try PostgresDriver(url: server.url)
    let db = try await pg.connect()
    let row = try await db.fetchOne("""
        SELECT \(Int64.max) AS big, \("é ✓") AS word, 12.50::numeric AS price,
               now() IS NOT NULL AS ok
        """)
    #expect(row?["big"] == .integer(.max))
    #expect(row?["word"] == .text("é ✓"))
    // numeric reads as its exact text
    #expect(row?["price"] == .text("12.50"))
    #expect(row?["ok"] == .integer(1))                      // bool reads as 1 or 0
    try await db.execute("CREATE TEMP TABLE reader(email TEXT UNIQUE)")
    try await db.execute("INSERT INTO reader VALUES (\("a@example.com"))")
    do {
        try await db.execute("INSERT INTO reader VALUES (\("a@example.com"))")
        Issue.record("a duplicate was accepted")
    // SQLSTATE 23505, caught as on SQLite
    } catch QueryError.Code.constraintUnique {
    }
    await db.close()
}
#endif
