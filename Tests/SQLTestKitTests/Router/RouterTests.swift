import Testing
import SQLTestKit

/// Sends reads to "replica" and writes to "default"; `audit` lives on "analytics", and may be
/// related to `book` only when `allowAuditJoins` is set.
struct ReadReplicaRouter: DatabaseRouter {
    var allowAuditJoins = false

    func databaseForReading(_ table: String, context: RoutingContext) -> String? {
        table == "audit" ? "analytics" : "replica"
    }

    func databaseForWriting(_ table: String, context: RoutingContext) -> String? {
        table == "audit" ? "analytics" : nil
    }

    func allowsRelation(_ first: String, on firstDatabase: String, _ second: String, on secondDatabase: String) -> Bool? {
        allowAuditJoins && [first, second].contains("audit") ? true : nil
    }
}

/// Tenant tables live in a schema named after the tenant; `plan` is shared and stays unqualified.
struct SchemaPerTenantRouter: DatabaseRouter {
    func schema(for table: String, context: RoutingContext) -> String? {
        table == "plan" ? nil : context.tenant
    }
}

@Suite("Routing between named databases")
struct RouterTests {
    @Test func tablesComeFromTheOneTokenizer() {
        func names(_ sql: String) -> [String] {
            SQLTokenizer.tableReferences(in: sql).map { ($0.schema.map { $0 + "." } ?? "") + $0.name + ($0.isWritten ? "!" : "") }
        }
        #expect(names("SELECT * FROM book b JOIN main.author AS a ON a.id = b.author_id") == ["book", "main.author"])
        #expect(names("SELECT * FROM book, \"order\" o, tag WHERE 1") == ["book", "order", "tag"])
        #expect(names("INSERT OR REPLACE INTO archive (id) SELECT id FROM book WHERE id IN (SELECT book_id FROM review)") == ["archive!", "book", "review"])
        #expect(names("UPDATE book SET price = (SELECT max(price) FROM book2)") == ["book!", "book2"])
        #expect(names("DELETE FROM review WHERE book_id IN (SELECT id FROM book)") == ["review!", "book"])
        #expect(names("WITH recent(id) AS (SELECT id FROM book) SELECT * FROM recent JOIN review ON review.book_id = recent.id") == ["book", "review"])
        #expect(names("CREATE TABLE IF NOT EXISTS acme.invoice (id INTEGER)") == ["acme.invoice!"])
        #expect(names("CREATE INDEX book_author ON book(author_id)") == ["book!"])
        #expect(names("SELECT name FROM pragma_table_info('book')") == [])
        #expect(names("SELECT 'FROM fake' FROM [real table] -- FROM comment") == ["real table"])
        #expect(names("SELECT 1") == [])
    }

    @Test func theDefaultsAreOneDatabase() async throws {
        let primary = MockDriver()
        let driver = RoutedDriver(databases: ["default": primary])
        let db = try await driver.connect()
        _ = try await db.fetchAll("SELECT * FROM book JOIN author ON author.id = book.author_id")
        try await db.execute("UPDATE book SET price = \(1)")
        #expect(primary.takeSQLs() == ["SELECT * FROM book JOIN author ON author.id = book.author_id", "UPDATE book SET price = 1"])
        let router = DefaultRouter()
        #expect(router.databaseForReading("book", context: RoutingContext()) == nil)
        #expect(router.databaseForWriting("book", context: RoutingContext()) == nil)
        #expect(router.allowsRelation("a", on: "default", "b", on: "default") == nil)
        #expect(router.allowsTable("book", on: "replica") == nil)
        #expect(router.schema(for: "book", context: RoutingContext(tenant: "acme")) == nil)
        #expect(driver.capability == primary.capability)
    }

    @Test func readsGoToTheReplicaAndWritesToThePrimary() async throws {
        let primary = MockDriver(), replica = MockDriver(), analytics = MockDriver()
        let driver = RoutedDriver(databases: ["default": primary, "replica": replica, "analytics": analytics], router: ReadReplicaRouter())
        let db = try await driver.connect()
        _ = try await db.fetchAll("SELECT * FROM book WHERE id = \(1)")
        try await db.execute("INSERT INTO book (title) VALUES (\("Dune"))")
        try await db.execute("INSERT INTO audit (what) VALUES (\("added Dune"))")
        _ = try await db.fetchOne("SELECT count(*) FROM audit")
        #expect(replica.takeSQLs() == ["SELECT * FROM book WHERE id = 1"])
        #expect(primary.takeSQLs() == ["INSERT INTO book (title) VALUES ('Dune')"])
        #expect(analytics.takeSQLs() == ["INSERT INTO audit (what) VALUES ('added Dune')", "SELECT count(*) FROM audit"])
    }

    @Test func aTransactionStaysOnOneDatabase() async throws {
        let primary = MockDriver(), replica = MockDriver(), analytics = MockDriver()
        let driver = RoutedDriver(databases: ["default": primary, "replica": replica, "analytics": analytics], router: ReadReplicaRouter())
        let db = try await driver.connect()
        try await db.transaction { db in
            _ = try await db.fetchOne("SELECT price FROM book WHERE id = \(1)")   // read in a transaction: the primary
            try await db.execute("UPDATE book SET price = \(2) WHERE id = \(1)")
        }
        #expect(primary.takeSQLs() == ["BEGIN", "SELECT price FROM book WHERE id = 1", "UPDATE book SET price = 2 WHERE id = 1", "COMMIT"])
        #expect(replica.takeSQLs() == [])

        let error = await expectError(RoutingError.self) {
            try await db.transaction { db in
                try await db.execute("UPDATE book SET price = \(3)")
                try await db.execute("INSERT INTO audit (what) VALUES ('x')")
            }
        }
        #expect(error?.description == """
            a transaction is open on default, but the router sends writes to `audit` to analytics; a transaction stays on one database
              SQL: INSERT INTO audit (what) VALUES ('x')
              suggestion: commit first, or route the tables this transaction writes to one database
            """)
        #expect(primary.takeSQLs() == ["BEGIN", "UPDATE book SET price = 3", "ROLLBACK"])
        #expect(analytics.takeSQLs() == [])
        // An empty transaction sends nothing anywhere.
        try await db.transaction { _ in }
        #expect(primary.takeSQLs() == [])
    }

    @Test func relationsAcrossDatabasesAreRefusedUnlessAllowed() async throws {
        let primary = MockDriver(), replica = MockDriver(), analytics = MockDriver()
        let databases: [String: any DatabaseDriver] = ["default": primary, "replica": replica, "analytics": analytics]
        let strict = try await RoutedDriver(databases: databases, router: ReadReplicaRouter()).connect()
        let refused = await expectError(RoutingError.self) {
            _ = try await strict.fetchAll("SELECT * FROM book JOIN audit ON audit.book_id = book.id")
        }
        #expect(refused?.message == "the statement relates `book` (on replica) and `audit` (on analytics), and the router does not allow a relation across those databases")
        #expect(refused?.suggestion == "query the two tables separately, route them to one database, or allow the relation in the router's allowsRelation")
        let lenient = try await RoutedDriver(databases: databases, router: ReadReplicaRouter(allowAuditJoins: true)).connect()
        _ = try await lenient.fetchAll("SELECT * FROM book JOIN audit ON audit.book_id = book.id")
        #expect(replica.takeSQLs() == ["SELECT * FROM book JOIN audit ON audit.book_id = book.id"])
    }

    @Test func anUnknownDatabaseNameIsNamed() async throws {
        struct Typo: DatabaseRouter {
            func databaseForReading(_ table: String, context: RoutingContext) -> String? { "replca" }
        }
        let db = try await RoutedDriver(databases: ["default": MockDriver(), "replica": MockDriver()], router: Typo()).connect()
        let error = await expectError(RoutingError.self) { _ = try await db.fetchAll("SELECT * FROM book") }
        #expect(error?.message == "the router sent the statement to `replca`, but this routed driver has no such database (it has `default`, `replica`)")
        #expect(error?.suggestion == "did you mean `replica`?")

        // Without a "default" database, what the router has no opinion on has nowhere to go.
        let noDefault = try await RoutedDriver(databases: ["primary": MockDriver()]).connect()
        let missing = await expectError(RoutingError.self) { try await noDefault.execute("DELETE FROM book") }
        #expect(missing?.description == """
            the router sent the statement to `default`, but this routed driver has no such database (it has `primary`)
              SQL: DELETE FROM book
              suggestion: add the database to RoutedDriver(databases:)
            """)
    }

    @Test func schemaPerTenantQualifiesTenantTablesOnly() async throws {
        let mock = MockDriver()
        let db = try await RoutedDriver(databases: ["default": mock], router: SchemaPerTenantRouter()).connect()
        try await RoutingContext.with(tenant: "acme") {
            #expect(RoutingContext.current.tenant == "acme")
            _ = try await db.fetchAll("SELECT * FROM invoice JOIN plan ON plan.id = invoice.plan_id WHERE invoice.id = \(7)")
        }
        _ = try await db.fetchAll("SELECT * FROM invoice")   // no tenant: unqualified
        #expect(mock.takeSQLs() == [
            #"SELECT * FROM "acme"."invoice" JOIN plan ON plan.id = invoice.plan_id WHERE invoice.id = 7"#,
            "SELECT * FROM invoice",
        ])
    }

    @Test func schemaPerTenantOnSQLiteUsesAttachedDatabases() async throws {
        let db = try await RoutedDriver(databases: ["default": SQLiteDriver.inMemory()], router: SchemaPerTenantRouter()).connect()
        try await db.executeScript("""
            CREATE TABLE plan (id INTEGER PRIMARY KEY, name TEXT);
            INSERT INTO plan VALUES (1, 'basic');
            ATTACH DATABASE ':memory:' AS acme;
            ATTACH DATABASE ':memory:' AS globex;
            CREATE TABLE acme.invoice (id INTEGER PRIMARY KEY, plan_id INTEGER, total REAL);
            CREATE TABLE globex.invoice (id INTEGER PRIMARY KEY, plan_id INTEGER, total REAL);
            """)
        for (tenant, total) in [("acme", 10.0), ("globex", 99.0)] {
            try await RoutingContext.with(tenant: tenant) {
                try await db.execute("INSERT INTO invoice (plan_id, total) VALUES (\(1), \(total))")
            }
        }
        let acme = try await RoutingContext.with(tenant: "acme") {
            try await db.fetchAll("SELECT plan.name, invoice.total FROM invoice JOIN plan ON plan.id = invoice.plan_id")
        }
        #expect(acme.map(\.values) == [["basic", 10.0]])
        #expect(try await db.fetchOne("SELECT total FROM globex.invoice")?[0] == 99.0)
    }

    @Test func fixturesAreLoadedOnlyWhereTheRouterAllowsTheirTable() async throws {
        struct Split: DatabaseRouter {
            func allowsTable(_ table: String, on database: String) -> Bool? {
                table == "event" ? database == "analytics" : database == "default"
            }
        }
        let schema = "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE event (id INTEGER PRIMARY KEY, what TEXT);"
        let primary = SQLiteDriver.inMemory(), analytics = SQLiteDriver.inMemory()
        for driver in [primary, analytics] { try await driver.connect().executeScript(schema) }
        let fixtures = try FixtureSet(files: ["author.yml": "ann: { name: Ann }", "event.csv": "what\nsigned up\nlogged in\n"])
        let routed = RoutedDriver(databases: ["default": primary, "analytics": analytics], router: Split())
        let summaries = try await fixtures.load(into: routed)
        #expect(summaries.mapValues { $0.tables.map(\.name) } == ["default": ["author"], "analytics": ["event"]])
        let counts = { (driver: SQLiteDriver) in try await driver.connect().fetchOne("SELECT (SELECT count(*) FROM author), (SELECT count(*) FROM event)")!.values }
        #expect(try await counts(primary) == [1, 0])
        #expect(try await counts(analytics) == [0, 2])
        #expect(fixtures.allowed(on: "analytics", by: Split()).tables == ["event"])
    }
}
