#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import SQLTestKitTesting
import Testing

extension PostgreSQL {
    @Suite("Fixtures into PostgreSQL")
    struct Fixtures {
        /// A fresh database with the bookstore schema.
        static func withBookstore<Result>(_ body: (PostgresDriver.Connection) async throws -> Result) async throws -> Result {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript(try PostgresTesting.bookstoreSchema)
                return try await body(db)
            }
        }

        @Test func theExampleFixturesLoadWithLabelsReferencesAndTypes() async throws {
            try await Self.withBookstore { db in
                let fixtures = try PostgresTesting.bookstoreFixtures
                let summary = try await fixtures.load(into: db)
                #expect(summary.tables.map(\.name) == ["author", "book", "review", "tag", "book_tag"])
                let ada = try #require(fixtures.id(of: "ada", in: "author"))
                let notes = try #require(fixtures.id(of: "notes", in: "book"))
                let book = try #require(try await db.fetchOne("SELECT author_id, price, in_print, metadata, cover, published FROM book WHERE id = \(notes)"))
                #expect(book["author_id"] == .integer(ada))
                #expect(book["price"] == .text("12.50"))
                #expect(book["in_print"] == .integer(1))
                #expect(book["metadata"] == .text("{\"pages\": 66, \"languages\": [\"en\", \"fr\"]}"))
                #expect(book["cover"]?.storageClass == "BLOB")
                #expect(book["published"] == .text("1843-10-01"))
                #expect(try await db.fetchOne("SELECT active FROM author WHERE id = \(ada)")?[0] == .integer(0))
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book_tag") == 4)
                // The linus row sets its own key (42); every sequence is moved past the largest key.
                let next = try await db.execute("INSERT INTO author(name, email) VALUES (\("New"), \("new@example.com")) RETURNING id")
                let largest = try await db.fetchOne(Int64.self, "SELECT max(id) FROM author WHERE email <> 'new@example.com'")
                #expect(next.rows.first?["id"]?.integerValue == (largest ?? 0) + 1)
                let review = try await db.execute("INSERT INTO review(book_id, reviewer, rating, created_at) VALUES (\(notes), \("Z"), \(3), \("2024-01-01T00:00:00Z")) RETURNING id")
                let largestReview = try await db.fetchOne(Int64.self, "SELECT max(id) FROM review WHERE reviewer <> 'Z'")
                #expect(review.rows.first?["id"]?.integerValue == (largestReview ?? 0) + 1)
                // assertTableRows reads PostgreSQL's catalog.
                let history = try #require(fixtures.id(of: "history", in: "tag"))
                let languages = try #require(fixtures.id(of: "languages", in: "tag"))
                let systems = try #require(fixtures.id(of: "systems", in: "tag"))
                try await assertTableRows("tag", in: db, [
                    ["id": .integer(history), "name": "History"],
                    ["id": .integer(languages), "name": "Programming Languages"],
                    ["id": .integer(systems), "name": "Systems"],
                ])
            }
        }

        @Test func aFailedLoadLeavesTheDatabaseExactlyAsItWas() async throws {
            try await PostgresTesting.withDatabase { driver in
                let db = try await driver.open()
                try await db.executeScript(try PostgresTesting.bookstoreSchema)
                try await db.execute("INSERT INTO tag(id, name) VALUES (1, 'kept')")
                // Rows go in (authors, the first tag) before the server refuses the second tag.
                let directory = try Self.directory([
                    "tag.yml": "a: { name: Alpha }\nb: { name: Alpha }\nc: { name: Gamma }\nd: { name: Gamma }\n",
                    "author.yml": "x: { name: X, email: x@example.com }\n",
                ])
                let error = try await #require(throws: FixtureError.self) { try await FixtureSet(directory: directory).load(into: db) }
                // Both duplicates are found (each refused row is rolled back alone), tied to their rows and twins.
                #expect(error.problems.count == 2)
                let first = try #require(error.problems.first)
                #expect(first.description.hasPrefix("\(directory)/tag.yml:2"))
                #expect(first.message.contains("duplicate key value violates unique constraint \"tag_name_key\""))
                #expect(first.columnName == "name")
                #expect(first.suggestion == "the row `a` has the same value; change one of them")
                #expect(error.problems.last?.description.hasPrefix("\(directory)/tag.yml:4") == true)
                // A missing NOT NULL value is found before anything is sent.
                let directory2 = try Self.directory(["author.yml": "y: { name: Y }\n"])
                let missing = try await #require(throws: FixtureError.self) { try await FixtureSet(directory: directory2).load(into: db) }
                #expect(missing.problems.first?.description.hasPrefix("\(directory2)/author.yml:1") == true)
                #expect(missing.problems.first?.message.contains("email") == true)
                await db.close()
                // Checked again by a new connection: exactly as before.
                let again = try await driver.open()
                #expect(try await again.fetchAll(String.self, "SELECT name FROM tag") == ["kept"])
                #expect(try await again.fetchOne(Int.self, "SELECT count(*) FROM author") == 0)
                await again.close()
            }
        }

        @Test func aReferenceToAMissingParentNamesTheRow() async throws {
            try await Self.withBookstore { db in
                let directory = try Self.directory([
                    "author.yml": "ann: { name: Ann, email: ann@example.com }\n",
                    // author_id 999 is deferrable (checked at the end), previous_book_id is not.
                    "book.yml": "lost:\n  title: Lost\n  author_id: 999\n",
                ])
                let error = try await #require(throws: FixtureError.self) { try await FixtureSet(directory: directory).load(into: db) }
                let problem = try #require(error.problems.first)
                #expect(problem.description.hasPrefix("\(directory)/book.yml:3"))
                #expect(problem.message.contains("references a missing `author` row (author_id = 999)"))
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM author") == 0)
            }
        }

        @Test func compositeKeysAreReadFromTheCatalog() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript("""
                    CREATE TABLE shelf(room TEXT, number INTEGER, PRIMARY KEY (room, number));
                    CREATE TABLE slot(id BIGSERIAL PRIMARY KEY, room TEXT, number INTEGER,
                        FOREIGN KEY (room, number) REFERENCES shelf(room, number) DEFERRABLE);
                    """)
                let good = try Self.directory([
                    "shelf.yml": "- { room: A, number: 1 }\n- { room: B, number: 2 }\n",
                    "slot.yml": "- { room: A, number: 1 }\n- { room: B, number: 2 }\n- { room: ~, number: 3 }\n",
                ])
                try await FixtureSet(directory: good).load(into: db)
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM slot") == 3)
                let bad = try Self.directory([
                    "shelf.yml": "- { room: A, number: 1 }\n",
                    "slot.yml": "- { id: 7, room: A, number: 1 }\n- { id: 8, room: A, number: 9 }\n",
                ])
                let error = try await #require(throws: FixtureError.self) { try await FixtureSet(directory: bad).load(into: db) }
                #expect(error.problems.count == 1)
                #expect(error.problems.first?.description.hasPrefix("\(bad)/slot.yml:2") == true)
                #expect(error.problems.first?.message.contains("references a missing `shelf` row (room, number = 'A', 9)") == true)
                // The good load is still there.
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM slot") == 3)
            }
        }

        @Test func aNonTestDatabaseIsRefusedUntilOverridden() async throws {
            try await PostgresTesting.withDatabase(named: "bookstore_prod") { driver in
                let db = try await driver.open()
                try await db.executeScript(try PostgresTesting.bookstoreSchema)
                try await db.execute("INSERT INTO tag(name) VALUES ('precious')")
                let fixtures = try PostgresTesting.bookstoreFixtures
                let error = try await #require(throws: NotATestDatabaseError.self) { try await fixtures.load(into: db) }
                #expect(error.description.hasPrefix("refusing to load fixtures into the PostgreSQL database `bookstore_prod_"))
                #expect(error.description.contains("SQLTestKit did not create it (it has no `sqltestkit test database` comment) and its name does not say it is a test database"))
                #expect(error.description.contains("pass allowingNonTestDatabase: true (or --allow-non-test-database to sqltestkit)"))
                let reset = try await #require(throws: NotATestDatabaseError.self) { try await driver.resetDatabase() }
                #expect(reset.description.contains("call resetDatabase(allowingNonTestDatabase: true)"))
                #expect(try await db.fetchAll(String.self, "SELECT name FROM tag") == ["precious"])
                // Told to, it goes ahead.
                try await fixtures.load(into: db, allowingNonTestDatabase: true)
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM tag") == 3)
                // Once marked, it is a test database.
                let name = try #require(try await db.fetchOne(String.self, "SELECT current_database()"))
                try await db.execute(SQLQuery(sql: "COMMENT ON DATABASE \"\(name)\" IS 'sqltestkit test database'"))
                try await fixtures.load(into: db)
                await db.close()
                try await driver.resetDatabase()
                let after = try await driver.open()
                #expect(try await after.fetchOne(Int.self, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0)
                await after.close()
            }
        }

        @Test func aDumpLoadsBackCellForCell() async throws {
            try await Self.withBookstore { db in
                let fixtures = try PostgresTesting.bookstoreFixtures
                try await fixtures.load(into: db)
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgdump-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: directory) }
                let written = try await FixtureSet.dump(from: db, to: directory)
                #expect(written.first?.hasSuffix("schema.sql") == true)
                let schema = try String(contentsOfFile: directory + "/schema.sql", encoding: .utf8)
                #expect(schema.contains("CREATE TABLE \"author\""))
                #expect(schema.contains("GENERATED BY DEFAULT AS IDENTITY"))
                #expect(schema.contains("\"id\" bigserial"))
                #expect(schema.contains("FOREIGN KEY (author_id) REFERENCES author(id) DEFERRABLE"))
                try await PostgresTesting.withConnection { copy in
                    let dumped = try FixtureSet(directory: directory)
                    let schemaSQL = try #require(dumped.schemaSQL)
                    try await dumped.load(into: copy, schema: FixtureSchema(sql: schemaSQL, source: directory + "/schema.sql"))
                    for table in ["author", "book", "review", "tag", "book_tag"] {
                        let order = table == "book_tag" ? "book_id, tag_id" : "id"
                        let original = try await db.fetchAll(SQLQuery(sql: "SELECT * FROM \(table) ORDER BY \(order)")).map(\.values)
                        let loaded = try await copy.fetchAll(SQLQuery(sql: "SELECT * FROM \(table) ORDER BY \(order)")).map(\.values)
                        #expect(loaded == original, "\(table)")
                    }
                }
            }
        }

        @Test func hostileTextSurvivesTheCopyPath() async throws {
            // Rows go in through COPY's text format: its escapes must not leak into the values.
            try await PostgresTesting.withConnection { db in
                try await db.execute("CREATE TABLE odd(id BIGINT PRIMARY KEY, body TEXT, raw BYTEA, note TEXT)")
                let texts = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", "\\N", "", "ünïcødé 🧪", "quote \" and ' both"]
                var json = "["
                for (index, text) in texts.enumerated() {
                    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                        .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\t", with: "\\t")
                    json += (index == 0 ? "" : ",") + "{\"id\": \(index + 1), \"body\": \"\(escaped)\", \"note\": null}"
                }
                json += "]"
                let directory = try Self.directory(["odd.json": json])
                try await FixtureSet(directory: directory).load(into: db)
                let read = try await db.fetchAll(String.self, "SELECT body FROM odd ORDER BY id")
                #expect(read == texts)
                #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM odd WHERE note IS NULL") == texts.count)
            }
        }

        @Test func checkAgainstALiveSchemaChangesNothing() async throws {
            try await Self.withBookstore { db in
                try await db.execute("INSERT INTO tag(name) VALUES ('kept')")
                let good = try await PostgresTesting.bookstoreFixtures.check(against: db)
                #expect(good.isEmpty, "\(good)")
                let directory = try Self.directory(["author.yml": "x:\n  name: X\n  emial: x@example.com\n"])
                let problems = try await FixtureSet(directory: directory).check(against: db)
                #expect(problems.map(\.description).contains { $0.hasPrefix("\(directory)/author.yml:3") && $0.contains("did you mean `email`?") })
                #expect(try await db.fetchAll(String.self, "SELECT name FROM tag") == ["kept"])
            }
        }

        static func directory(_ files: [String: String]) throws -> String {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgfix-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
            return directory
        }
    }
}
#endif
