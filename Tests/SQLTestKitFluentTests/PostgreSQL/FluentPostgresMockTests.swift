#if Fluent && PostgreSQL
import FluentKit
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTesting
import Testing

/// Fluent on `MockDriver(dialect: .postgres)`: no server needed.
@Suite("Fluent on the PostgreSQL mock")
struct FluentPostgresMockTests {
    static let ann = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
    static let dune = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!

    @Test func theExactSQLFluentPostgresDriverSendsIsRecorded() async throws {
        let mock = MockDriver(dialect: .postgres)
        try await FluentPostgresTesting.withFluent(.sqlTestKit(mock)) { db in
            try await Book(id: Self.dune, title: "Dune", pages: 412, authorID: Self.ann).create(on: db)
            _ = try await Book.query(on: db).filter(\.$pages > 100).sort(\.$title).all()
            try await db.transaction { db in try await Tag(name: "classic").create(on: db) }
        }
        #expect(mock.log.statements.map(\.sql) == [
            #"INSERT INTO "book" ("id", "title", "pages", "subtitle", "author_id") VALUES ($1, $2, $3, DEFAULT, $4) RETURNING "id""#,
            #"SELECT "book"."id" AS "book_id", "book"."title" AS "book_title", "book"."pages" AS "book_pages", "book"."subtitle" AS "book_subtitle", "book"."author_id" AS "book_author_id" FROM "book" WHERE "book"."pages" > $1 ORDER BY "book"."title" ASC"#,
            "BEGIN",
            #"INSERT INTO "tag" ("id", "name") VALUES (DEFAULT, $1) RETURNING "id""#,
            "COMMIT",
        ])
        // Binds as the PostgreSQL driver sends them: UUIDs as lower-case text.
        #expect(mock.log.statements.first?.arguments == [.text(Self.dune.uuidString.lowercased()), "Dune", 412, .text(Self.ann.uuidString.lowercased())])
        assertSQL(mock, [
            #"INSERT INTO book (id, title, pages, subtitle, author_id) VALUES ('00000000-0000-0000-0000-0000000000b1', 'Dune', 412, DEFAULT, '00000000-0000-0000-0000-0000000000a1') RETURNING id"#,
            #"SELECT book.id AS book_id, book.title AS book_title, book.pages AS book_pages, book.subtitle AS book_subtitle, book.author_id AS book_author_id FROM book WHERE book.pages > 100 ORDER BY book.title ASC"#,
            // assertSQL leaves transaction control out unless asked.
            #"INSERT INTO tag (id, name) VALUES (DEFAULT, 'classic') RETURNING id"#,
        ])
    }

    @Test func theSchemaIsFluentPostgresDriversWithARealEnumType() async throws {
        let mock = MockDriver(dialect: .postgres)
        try await FluentPostgresTesting.withFluent(.sqlTestKit(mock)) { db in
            try await CreateLoan().prepare(on: db)
        }
        let sqls = mock.log.statements.map(\.sql)
        #expect(sqls.first == #"CREATE TYPE "loan_status" AS ENUM ('open', 'returned')"#)
        #expect(sqls.contains(#"CREATE TABLE "loan" ("id" UUID PRIMARY KEY, "book_id" UUID NOT NULL REFERENCES "book" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, "due" TIMESTAMPTZ NOT NULL, "status" "loan_status" NOT NULL, "created_at" TIMESTAMPTZ, "deleted_at" TIMESTAMPTZ)"#))
    }

    /// The values a scripted row holds are the values SQLTestKit's PostgreSQL driver reads:
    /// `bool` as 0/1, UUIDs, timestamps, `numeric`, arrays and `jsonb` as text.
    static let gadgetRow: KeyValuePairs<String, SQLValue> = [
        "id": .text("00000000-0000-0000-0000-0000000000c1"), "name": "gadget", "count": 7, "small": -299, "medium": 100_000,
        "big": .integer(.max), "ratio": 1.125, "price": "11.25", "active": 1, "released": "2024-05-01 09:30:01.123456",
        "day": "2024-05-02", "retired": nil, "note": "a note", "tags": #"["a","b \"quoted\""]"#, "scores": "[1,-1,0]",
        "part_ids": #"["00000000-0000-0000-0000-000000000001"]"#, "kind": "toy", "backup_kind": nil,
        "settings": #"{"volume": 3, "modes": ["quiet"], "calibrated": 721692800.5}"#, "labels": #"{"size": "3"}"#,
        "image": .blob([0, 1, 255]), "address_street": "1 Main St", "address_city": nil, "deleted_at": nil,
    ]

    @Test func scriptedRowsDecodeIntoEveryFieldType() async throws {
        let mock = MockDriver(dialect: .postgres)
        mock.script(.predicate("reads gadgets") { $0.sql.contains(#"FROM "gadget""#) }, rows: [Self.gadgetRow])
        let gadget = try await FluentPostgresTesting.withFluent(.sqlTestKit(mock)) { db in
            try #require(try await Gadget.query(on: db).first())
        }
        #expect(gadget.id == UUID(uuidString: "00000000-0000-0000-0000-0000000000C1"))
        #expect(gadget.big == .max)
        #expect(gadget.price == Decimal(string: "11.25"))
        #expect(gadget.active)
        #expect(gadget.released == Date(timeInterval: 767_871_001.123456, since: Date(timeIntervalSince1970: 946_684_800)))
        #expect(gadget.day == Date(timeIntervalSince1970: 1_714_608_000))
        #expect(gadget.retired == nil)
        #expect(gadget.tags == ["a", "b \"quoted\""])
        #expect(gadget.scores == [1, -1, 0])
        #expect(gadget.partIDs == [UUID(uuidString: "00000000-0000-0000-0000-000000000001")!])
        #expect(gadget.kind == .toy)
        #expect(gadget.backupKind == nil)
        #expect(gadget.settings == Gadget.Settings(volume: 3, modes: ["quiet"], calibrated: Date(timeIntervalSinceReferenceDate: 721_692_800.5)))
        #expect(gadget.labels == ["size": "3"])
        #expect(gadget.image == Data([0, 1, 255]))
        #expect(gadget.address.street == "1 Main St")
        #expect(gadget.address.city == nil)
    }

    @Test func aScriptedValueOfTheWrongTypeNamesItsColumn() async throws {
        let mock = MockDriver(dialect: .postgres)
        var row = ResultRow(Self.gadgetRow).dictionary
        row["count"] = "seven"
        row["settings"] = "{not json"
        let columns = Self.gadgetRow.map(\.key)
        mock.script(.predicate("reads gadgets") { $0.sql.contains(#"FROM "gadget""#) },
                    answer: .rows([ResultRow(columns: ResultColumns(columns), values: columns.map { row[$0]! })]))
        let error = await #expect(throws: (any Error).self) {
            try await FluentPostgresTesting.withFluent(.sqlTestKit(mock)) { db in _ = try await Gadget.query(on: db).first() }
        }
        #expect("\(String(describing: error))".contains("column `count` holds TEXT 'seven', which does not read as Int"))
        row["count"] = 7
        let jsonMock = MockDriver(dialect: .postgres)
        jsonMock.script(.predicate("reads gadgets again") { $0.sql.contains(#"FROM "gadget""#) },
                    answer: .rows([ResultRow(columns: ResultColumns(columns), values: columns.map { row[$0]! })]))
        let jsonError = await #expect(throws: (any Error).self) {
            try await FluentPostgresTesting.withFluent(.sqlTestKit(jsonMock)) { db in _ = try await Gadget.query(on: db).first() }
        }
        #expect("\(String(describing: jsonError))".contains("column `settings`: the JSON {not json does not decode as Settings"))
    }
}
#endif
