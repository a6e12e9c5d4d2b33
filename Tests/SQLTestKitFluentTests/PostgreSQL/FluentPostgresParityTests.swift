#if Fluent && PostgreSQL
import FluentKit
import FluentPostgresDriver
import FluentSQL
import Foundation
import Logging
import SQLKit
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import Testing

extension FluentOnPostgreSQL {
    /// The same Fluent code on fluent-postgres-driver and on SQLTestKit's PostgreSQL driver,
    /// each on a database of its own on the test server: every statement's SQL and binds, every
    /// value read back, and the tables left behind must be the same.
    @Suite("Fluent on PostgreSQL: the SQL fluent-postgres-driver sends")
    struct Parity {
        static let ann = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
        static let bob = UUID(uuidString: "00000000-0000-0000-0000-0000000000A2")!
        static let dune = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!
        static let emma = UUID(uuidString: "00000000-0000-0000-0000-0000000000B2")!
        static let lost = UUID(uuidString: "00000000-0000-0000-0000-0000000000B3")!
        static let gadgets = (1...3).map { UUID(uuidString: "00000000-0000-0000-0000-0000000000C\($0)")! }

        struct Rollback: Error {}

        /// Fluent operations of every kind, numbered; what each one reads is written down.
        static func operations(_ db: any Database) async throws -> [String] {
            var seen: [String] = []
            func note(_ step: Int, _ what: Any) { seen.append("\(step): \(what)") }
            // Schema: tables, an enum type, every field type.
            try await CreateLibrary().prepare(on: db)                                                   // 1
            try await CreateGadget().prepare(on: db)                                                    // 2
            // Creates.
            try await Author(id: ann, name: "Ann").create(on: db)                                       // 3
            try await Author(id: bob, name: "Bob").create(on: db)                                       // 4
            try await Book(id: dune, title: "Dune", pages: 412, authorID: ann).create(on: db)           // 5
            let classic = Tag(name: "classic")
            try await classic.create(on: db)                                                            // 6: a generated key
            note(6, classic.id as Any)
            let scifi = Tag(name: "sci-fi")
            try await scifi.create(on: db)                                                              // 7
            for (index, id) in gadgets.enumerated() { try await Gadget.sample(index + 1, id: id).create(on: db) }  // 8
            // Reads, filters and sorts.
            note(9, try await Author.query(on: db).filter(\.$name == "Ann").sort(\.$name).first()?.name as Any)
            let book = try #require(try await Book.find(dune, on: db))                                  // 10
            note(10, book.title)
            book.subtitle = "a novel"
            try await book.save(on: db)                                                                 // 11: update
            try await book.$tags.attach([classic, scifi], on: db)                                       // 12: siblings
            note(13, try await Book.query(on: db).with(\.$author).with(\.$tags).all()
                .map { "\($0.title) by \($0.author.name), \($0.tags.map(\.name).sorted())" })          // 13: eager loading
            note(14, try await Author.query(on: db).with(\.$books).sort(\.$name).all().map { "\($0.name): \($0.books.count)" })
            note(15, try await Book.query(on: db).filter(\.$pages > 100).sort(\.$title, .descending).range(0..<5).all().map(\.title))
            note(16, try await Book.query(on: db).count())
            // PostgreSQL's sum of a bigint is numeric, which fluent-postgres-driver cannot read as
            // Int: both sides must fail the same way.
            do { note(17, try await Book.query(on: db).sum(\.$pages) as Any) } catch { note(17, "fails") }
            note(18, try await Gadget.query(on: db).average(\.$ratio) as Any)
            note(19, try await Gadget.query(on: db).max(\.$big) as Any)
            note(20, try await Book.query(on: db).paginate(PageRequest(page: 1, per: 10)).metadata)
            note(21, try await book.$author.get(on: db).name)
            note(22, try await Author.query(on: db).join(Book.self, on: \Author.$id == \Book.$author.$id)
                .filter(Book.self, \.$title == "Dune").all().map(\.name))
            note(23, try await Author.query(on: db).group(.or) { $0.filter(\.$name == "Ann").filter(\.$name == "Bob") }.count())
            note(24, try await Author.query(on: db).filter(\.$name ~~ ["Ann", "Zed"]).count())
            note(25, try await Author.query(on: db).filter(\.$name ~~ "nn").count())                  // contains
            note(26, try await Gadget.query(on: db).filter(\.$active == false).filter(\.$kind == .toy).all().map(\.name))
            note(27, try await Gadget.query(on: db).filter(\.$released > Date(timeIntervalSince1970: 1_714_555_801)).count())
            note(28, try await Gadget.query(on: db).filter(\.$note == nil).count())
            // Every field read back.
            for id in gadgets { note(29, try #require(try await Gadget.find(id, on: db)).fieldsDescription) }
            // Transactions: one that commits, one that rolls back.
            try await db.transaction { db in
                try await Book(id: emma, title: "Emma", pages: 300, authorID: bob).create(on: db)
            }                                                                                           // 30
            await #expect(throws: Rollback.self) {
                try await db.transaction { db in
                    try await Book(id: lost, title: "Lost", pages: 1, authorID: bob).create(on: db)
                    throw Rollback()
                }
            }                                                                                           // 31
            note(31, try await Book.find(lost, on: db) == nil)
            try await Book.query(on: db).filter(\.$title == "Emma").set(\.$pages, to: 301).update()     // 32: batch update
            try await book.$tags.detach(scifi, on: db)                                                  // 33
            // Soft delete, restore, force delete.
            let third = try #require(try await Gadget.find(gadgets[2], on: db))
            try await third.delete(on: db)                                                              // 34
            note(35, try await Gadget.query(on: db).count())
            note(36, try await Gadget.query(on: db).withDeleted().count())
            let deleted = try #require(try await Gadget.query(on: db).withDeleted().filter(\.$id == gadgets[2]).first())
            try await deleted.restore(on: db)                                                           // 37
            try await deleted.delete(force: true, on: db)                                               // 38
            // Schema changes: a new enum case, a new column.
            _ = try await db.enum("gadget_kind").case("widget").update()                               // 39
            try await db.schema("gadget").field("colour", .string).update()                            // 40
            // Raw SQLKit, an upsert and a delete.
            let sql = try #require(db as? any SQLDatabase)
            note(41, try await sql.select().column("title").from("book").where("pages", .greaterThan, 200).orderBy("title").all()
                .map { try $0.decode(column: "title", as: String.self) })
            try await sql.insert(into: "tag").columns("id", "name").values(SQLBind(1), SQLBind("classic, again"))
                .onConflict(with: ["id"]) { $0.set(excludedValueOf: "name") }.run()                   // 42: upsert
            note(43, try await Tag.find(1, on: db)?.name as Any)
            try await book.$tags.detachAll(on: db)                                                      // 44
            try await book.delete(on: db)                                                               // 45
            return seen
        }

        /// Random ids (pivot rows) and the present moment (timestamps) differ between the runs.
        static func masked(_ text: String) -> String {
            let fixed = ([ann, bob, dune, emma, lost] + gadgets).map(\.uuidString)
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            return text
                .replacing(/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/) { match in
                    fixed.contains(String(match.output).uppercased()) ? String(match.output) : "<random id>"
                }
                .replacing(try! Regex("\(today) [0-9:.+ ]+")) { _ in "<now> " }
        }

        /// Two logged statements are the same when equal, or (for eager loading's `IN` lists,
        /// which Fluent fills from a set) when only the order of their binds differs.
        static func same(_ expected: String, _ actual: String) -> Bool {
            guard expected != actual else { return true }
            guard let cut = expected.range(of: " IN ("), expected.prefix(upTo: cut.lowerBound) == actual.prefix(upTo: cut.lowerBound),
                  let open = expected.lastIndex(of: "["), let otherOpen = actual.lastIndex(of: "[") else { return false }
            return expected[..<open] == actual[..<otherOpen]
                && expected[open...].dropFirst().dropLast().split(separator: ", ").sorted()
                    == actual[otherOpen...].dropFirst().dropLast().split(separator: ", ").sorted()
        }

        /// Every table as text, rows in key order.
        static func tables(_ configuration: PostgresDriver.Configuration) async throws -> [String] {
            try await PostgresDriver(configuration: configuration).open().closing { db in
                var tables: [String] = []
                for table in ["author", "book", "tag", "book_tag", "gadget"] {
                    let rows = try await db.fetchAll(SQLQuery(sql: "SELECT * FROM \"\(table)\" ORDER BY 1"))
                    tables.append(table + ": " + rows.map { row in
                        row.columns.enumerated().filter { $0.element != "deleted_at" }.map { "\($0.element)=\(row[$0.offset])" }.joined(separator: ", ")
                    }.joined(separator: "\n  "))
                }
                return tables
            }
        }

        /// The same operations on `MockDriver(dialect: .postgres)`, answered with what the server
        /// answered SQLTestKit's driver: the mock must see the same statements, binds included,
        /// and the code must read the same values.
        @Test func theMockSeesTheSameStatementsAsTheDriver() async throws {
            let (recorded, driverSeen) = try await FluentPostgresTesting.withDatabase { configuration in
                let connection = try await PostgresDriver(configuration: configuration).connect()
                let recorder = AnswerRecorder(wrapping: connection)
                do {
                    let seen = try await FluentPostgresTesting.withFluent(.sqlTestKit(recorder), Self.operations)
                    await connection.close()
                    return (recorder, seen)
                } catch {
                    await connection.close()
                    throw error
                }
            }
            let mock = recorded.replayingMock()
            let mockSeen = try await FluentPostgresTesting.withFluent(.sqlTestKit(mock), Self.operations)
            func statements(_ queries: [(String, [SQLValue])]) -> [String] {
                queries.map { Self.masked("\($0.0) \($0.1)") }
            }
            let driverStatements = statements(recorded.recorded.map { ($0.query.sql, $0.query.arguments) })
            let mockStatements = statements(mock.log.statements.map { ($0.sql, $0.arguments) })
            #expect(driverStatements.count > 60)
            #expect(mockStatements.count == driverStatements.count)
            for (index, (expected, actual)) in zip(driverStatements, mockStatements).enumerated() where !Self.same(expected, actual) {
                Issue.record("statement \(index + 1) differs:\n  driver: \(expected)\n  mock:   \(actual)")
            }
            #expect(mockSeen.map(Self.masked) == driverSeen.map(Self.masked))
        }

        @Test func everyStatementReadAndRowIsTheRealDriversOne() async throws {
            let real = QueryCapture()
            let (realSeen, realTables) = try await FluentPostgresTesting.withDatabase { configuration in
                let seen = try await FluentPostgresTesting.withFluent(try FluentPostgresTesting.realDriver(configuration),
                                                                      logger: Logger(label: "real") { _ in real }, Self.operations)
                return (seen, try await Self.tables(configuration))
            }

            let ours = QueryCapture()
            let log = StatementLog()
            let (ourSeen, ourTables) = try await FluentPostgresTesting.withDatabase { configuration in
                let driver = RecordingDriver(wrapping: PostgresDriver(configuration: configuration), log: log)
                let seen = try await FluentPostgresTesting.withFluent(.sqlTestKit(driver), logger: Logger(label: "ours") { _ in ours }, Self.operations)
                return (seen, try await Self.tables(configuration))
            }

            let expected = real.statements.map(Self.masked)
            let actual = ours.statements.map(Self.masked)
            #expect(expected.count > 60)
            #expect(actual.count == expected.count)
            for (index, (expected, actual)) in zip(expected, actual).enumerated() where !Self.same(expected, actual) {
                Issue.record("statement \(index + 1) differs:\n  fluent-postgres-driver: \(expected)\n  SQLTestKit:             \(actual)")
            }
            // What SQLTestKit logged is what its driver was sent.
            #expect(log.statements.map(\.sql) == ours.sqls)
            #expect(ourSeen.map(Self.masked) == realSeen.map(Self.masked))
            #expect(ourTables.map(Self.masked) == realTables.map(Self.masked))
        }
    }
}
#endif
