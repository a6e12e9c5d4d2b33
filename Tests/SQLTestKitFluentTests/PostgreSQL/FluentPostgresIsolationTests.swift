#if Fluent && PostgreSQL
import FluentKit
import FluentPostgresDriver
import PostgresKit
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import SQLTestKitTesting
import Testing

extension FluentOnPostgreSQL {
    /// Templates built from Fluent migrations on PostgreSQL, and Fluent inside the per-test
    /// databases made from them, in both modes.
    @Suite("Fluent on isolated PostgreSQL databases")
    struct Isolation {
        static let migrations: [any Migration] = [CreateLibrary(), CreateLoan(), CreateGadget()]

        /// Built once per mode: migrations on a scratch database, the schema read back.
        static let templates = Task {
            let transaction = try await PostgresTemplate.migrated(by: migrations, fixtures: LibraryTemplate.fixtures, mode: .transaction)
            return [PostgresTemplate.Mode.transaction: transaction, .database: transaction.mode(.database)]
        }

        static func template(_ mode: PostgresTemplate.Mode) async throws -> PostgresTemplate {
            try #require(try await templates.value[mode])
        }

        @Test func theMigrationsSchemaIsReadBackWithItsEnumTypesAndTypes() async throws {
            let schema = try await Self.template(.transaction).schema
            #expect(schema.contains("CREATE TYPE \"loan_status\" AS ENUM ('open', 'returned')"))
            #expect(schema.contains("CREATE TYPE \"gadget_kind\" AS ENUM ('tool', 'toy', 'gizmo')"))
            for column in ["\"released\" timestamp with time zone NOT NULL", "\"part_ids\" uuid[] NOT NULL", "\"settings\" jsonb NOT NULL",
                           "\"kind\" gadget_kind NOT NULL", "\"price\" numeric(12,2) NOT NULL", "\"image\" bytea NOT NULL"] {
                #expect(schema.contains(column), "\(column) in \(schema)")
            }
        }

        @Test(arguments: [PostgresTemplate.Mode.transaction, .database])
        func fixturesLoadWithUUIDLabelsEnumsAndDatesAndFluentReadsThem(mode: PostgresTemplate.Mode) async throws {
            try await IsolatedDatabase.with(try await Self.template(mode)) { connection in
                try await FluentPostgresTesting.withFluent(.sqlTestKit(connection)) { db in
                    let dune = try #require(LibraryTemplate.fixtures.uuid(of: "dune", in: "book"))
                    let book = try #require(try await Book.find(dune, on: db))
                    #expect(book.title == "Dune")
                    #expect(try await book.$author.get(on: db).name == "Frank Herbert")
                    #expect(try await book.$tags.get(on: db).map(\.name) == ["classic"])
                    let loans = try await Loan.query(on: db).all()
                    #expect(loans.map(\.status) == [.open])
                    #expect(loans.first?.due == Date(timeIntervalSince1970: 1_714_555_800))
                    #expect(loans.first?.createdAt == Date(timeIntervalSince1970: 1_711_958_400))
                    #expect(try await Loan.query(on: db).withDeleted().count() == 2)
                }
            }
        }

        @Test(arguments: [PostgresTemplate.Mode.transaction, .database])
        func everyFieldTypeRoundTripsAndFluentTransactionsAreSavepoints(mode: PostgresTemplate.Mode) async throws {
            let template = try await Self.template(mode)
            let log = StatementLog()
            let id = UUID()
            try await IsolatedDatabase.with(template) { connection in
                try await FluentPostgresTesting.withFluent(.sqlTestKit(RecordingConnection(wrapping: connection, log: log))) { db in
                    let written = Gadget.sample(5, id: id)
                    // A `date` column keeps the day: midnight UTC reads back as written.
                    written.day = Date(timeIntervalSince1970: 1_714_953_600)
                    try await db.transaction { db in try await written.create(on: db) }
                    await #expect(throws: (any Error).self) {
                        try await db.transaction { db in
                            try await Gadget.sample(6).create(on: db)
                            try await Gadget.sample(5).create(on: db)   // the same name: unique violation
                        }
                    }
                    let read = try #require(try await Gadget.find(id, on: db))
                    #expect(read.fieldsDescription == written.fieldsDescription)
                    #expect(try await Gadget.query(on: db).count() == 1)
                }
            }
            let control = log.statements.filter(\.kind.isTransactionControl).map(\.sql)
            if mode == .transaction {
                // Fluent's BEGIN and COMMIT ran as savepoints of the test's transaction.
                #expect(control == ["SAVEPOINT sqltestkit_begin_1", "RELEASE sqltestkit_begin_1",
                                    "SAVEPOINT sqltestkit_begin_2", "ROLLBACK TO sqltestkit_begin_2", "RELEASE sqltestkit_begin_2"])
            } else {
                #expect(control == ["BEGIN", "COMMIT", "BEGIN", "ROLLBACK"])
            }
            // Nothing escaped: the next copy has no gadget.
            try await IsolatedDatabase.with(template) { connection in
                let count = try await connection.fetchOne(Int.self, "SELECT count(*) FROM gadget")
                #expect(count == 0)
            }
        }

        @Test func fluentPostgresDriverRunsOnADatabaseOfItsOwnWithTheFixtures() async throws {
            let template = try await Self.template(.transaction)
            let dune = try #require(LibraryTemplate.fixtures.uuid(of: "dune", in: "book"))
            try await template.withDatabase { database in
                try await FluentPostgresTesting.withFluent(.postgres(configuration: try SQLPostgresConfiguration(sqlTestKit: database))) { db in
                    #expect(try await Book.find(dune, on: db)?.title == "Dune")
                    // The production driver's own transaction commits, in its own database.
                    try await db.transaction { db in try await Gadget.sample(1).create(on: db) }
                    #expect(try await Gadget.query(on: db).count() == 1)
                }
            }
            try await IsolatedDatabase.with(template) { connection in
                let count = try await connection.fetchOne(Int.self, "SELECT count(*) FROM gadget")
                #expect(count == 0)
            }
        }

        @Test func theAppsRegisteredMigrationsBuildBothTemplatesWhateverTheirDatabaseID() async throws {
            let migrations = Migrations()
            migrations.add(CreateLibrary())
            migrations.add(CreateLoan(), to: .psql)
            let postgres = try await PostgresTemplate.migrated(by: migrations)
            let sqlite = try await DatabaseTemplate.migrated(by: migrations)
            for table in ["author", "book", "tag", "book_tag", "loan", "_fluent_migrations"] {
                #expect(postgres.schema.contains("CREATE TABLE \"\(table)\""), "\(table) on PostgreSQL")
                #expect(sqlite.schema.contains("CREATE TABLE \"\(table)\"") || sqlite.schema.contains("CREATE TABLE \(table)"), "\(table) on SQLite")
            }
            // The migration that fails fails the template, with its own error.
            let failing = Migrations()
            failing.add(CreateLoan())   // needs the book table, which no migration made
            await #expect(throws: (any Error).self) { _ = try await PostgresTemplate.migrated(by: failing) }
        }
    }
}
#endif
