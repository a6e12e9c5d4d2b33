import Foundation
import Testing
import SQLTestKit

/// The bookstore schema with a few rows, shared by the template and isolation tests.
enum TestBookstore {
    static let schema = try! String(contentsOf: ExampleSchemaTests.schemaURL, encoding: .utf8)
    static let seed = """
        INSERT INTO author(id, name, email, born) VALUES (1, 'Frank Herbert', 'frank@example.com', '1920-10-08'),
                                                        (2, 'Ursula K. Le Guin', 'ursula@example.com', '1929-10-21');
        INSERT INTO book(id, title, author_id, previous_book_id, price) VALUES
            (1, 'Dune', 1, NULL, 9.99), (2, 'Dune Messiah', 1, 1, 8.99), (3, 'A Wizard of Earthsea', 2, NULL, 7.5);
        INSERT INTO review(id, book_id, reviewer, rating, created_at) VALUES
            (1, 1, 'ann', 5, '2024-01-01 10:00:00'), (2, 1, 'bob', 4, '2024-01-02 11:00:00'), (3, 3, 'cy', 5, '2024-02-01 09:00:00');
        INSERT INTO tag(id, name) VALUES (1, 'sf'), (2, 'fantasy');
        INSERT INTO book_tag VALUES (1, 1), (2, 1), (3, 2);
        """
    static let template = DatabaseTemplate(schema: schema, seed: seed)
}

@Suite("Template databases")
struct TemplateTests {
    @Test func clonesStartFromTheSeedAndAreIndependent() async throws {
        let first = try await SQLiteDriver.cloning(TestBookstore.template).connect()
        let second = try await SQLiteDriver.cloning(TestBookstore.template).connect()
        try await first.execute("DELETE FROM review")
        #expect(try await first.fetchOne(Int.self, "SELECT count(*) FROM review") == 0)
        #expect(try await second.fetchOne(Int.self, "SELECT count(*) FROM review") == 3)
        #expect(try await second.fetchOne(Int.self, "PRAGMA foreign_keys") == 1)
    }

    @Test func aSingleConnectionCloneIsPrivateAndEnforcesForeignKeys() async throws {
        let db = try await SQLiteDriver.Connection.cloning(TestBookstore.template)
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book") == 3)
        #expect(try await db.fetchOne(Int.self, "PRAGMA foreign_keys") == 1)
        let orphan = await expectError(QueryError.self) { try await db.execute("INSERT INTO book(title, author_id) VALUES ('x', 99)") }
        #expect(orphan?.code == .constraintForeignKey)
        try await db.execute("DELETE FROM review")
        let other = try await SQLiteDriver.Connection.cloning(TestBookstore.template)
        #expect(try await other.fetchOne(Int.self, "SELECT count(*) FROM review") == 3)
    }

    @Test func aTemplateIsBuiltOncePerProcess() async throws {
        let template = DatabaseTemplate(schema: "CREATE TABLE r(x)", seed: "INSERT INTO r VALUES (random())")
        let a = try await SQLiteDriver.cloning(template).connect().fetchOne("SELECT x FROM r")?[0]
        let b = try await SQLiteDriver.cloning(template).connect().fetchOne("SELECT x FROM r")?[0]
        #expect(a != nil && a == b)
    }

    @Test func theKeyIsAStableHashOfTheContent() {
        #expect(DatabaseTemplate(schema: "CREATE TABLE t(x)").contentHash == DatabaseTemplate(schema: "CREATE TABLE t(x)").contentHash)
        #expect(DatabaseTemplate(schema: "CREATE TABLE t(x)").contentHash != DatabaseTemplate(schema: "CREATE TABLE t(y)").contentHash)
        #expect(DatabaseTemplate(schema: "a", seed: "b").contentHash != DatabaseTemplate(schema: "ab").contentHash)
        // FNV-1a 64 of the bytes [0, 0] (schema, seed and fixtures are empty), computed outside Swift.
        #expect(DatabaseTemplate(schema: "").contentHash == "08328807b4eb6fed")
    }

    @Test func aBrokenTemplateSaysSo() async throws {
        let error = await expectError(QueryError.self) {
            _ = try await SQLiteDriver.cloning(DatabaseTemplate(schema: "CREATE TABLE t(x)", seed: "INSERT INTO nope VALUES (1)"))
        }
        #expect(error?.message == "no such table: nope")
        #expect(error?.suggestion == "the template's schema or seed failed to build; every test using it fails the same way until it is fixed")
        let file = await expectError(TemplateError.self) { _ = try DatabaseTemplate(schemaFile: "/nonexistent/schema.sql") }
        #expect(file?.message.hasPrefix("cannot read the schema file /nonexistent/schema.sql") == true)
    }

    @Test func isolatedDatabasesRollBackWhateverHappens() async throws {
        struct Boom: Error {}
        let seen = try await IsolatedDatabase.with(TestBookstore.template) { db in
            try await db.execute("DELETE FROM book_tag")
            #expect(IsolatedDatabase.current === db)
            return try await db.fetchOne(Int.self, "SELECT count(*) FROM book_tag")
        }
        #expect(seen == 0)
        await #expect(throws: Boom.self) {
            try await IsolatedDatabase.with(TestBookstore.template) { db in
                try await db.execute("DELETE FROM book_tag")
                throw Boom()
            }
        }
        #expect(IsolatedDatabase.current == nil)
        let error = #expect(throws: TemplateError.self) { _ = try IsolatedDatabase.require() }
        #expect(error?.message == "no isolated database in this task")
    }

    @Test func aCancelledTestTransactionLeavesNothing() async throws {
        let db = try await makeDatabase("CREATE TABLE t(x)")
        let task = Task {
            try await db.testTransaction { db in
                try await db.execute("INSERT INTO t VALUES (1)")
                withUnsafeCurrentTask { $0?.cancel() }
                try Task.checkCancellation()
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM t") == 0)
        #expect(db.transactionState.depth == 0)
    }
}
