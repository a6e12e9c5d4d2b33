#if Fluent && PostgreSQL
import FluentKit
import FluentPostgresDriver
import Foundation
import NIOPosix
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import SQLTestKitTesting
import Testing

// The examples of the "Fluent on PostgreSQL" article, compiled and run as written.

extension FluentOnPostgreSQL {
    @Suite("Fluent on PostgreSQL: the article's examples")
    struct ArticleExamples {
        @Test func theMockRecordsWhatFluentPostgresDriverSends() async throws {
            let mock = MockDriver(dialect: .postgres)
            let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
            databases.use(.sqlTestKit(mock), as: .psql)
            let db = try #require(databases.database(logger: .init(label: "test"),
                                                     on: MultiThreadedEventLoopGroup.singleton.any()))
            try await Tag(name: "classic").create(on: db)
            assertSQL(mock, [#"INSERT INTO tag (id, name) VALUES (DEFAULT, 'classic') RETURNING id"#])
            #expect(mock.log.statements.first?.sql
                    == #"INSERT INTO "tag" ("id", "name") VALUES (DEFAULT, $1) RETURNING "id""#)
            await databases.shutdownAsync()
        }

        @Test func aTemplateFromTheMigrationsInEitherMode() async throws {
            let template = try await PostgresTemplate.migrated(
                by: [CreateLibrary(), CreateLoan()], fixtures: LibraryTemplate.fixtures,
                mode: .transaction)
            try await IsolatedDatabase.with(template) { connection in
                try await FluentPostgresTesting.withFluent(.sqlTestKit(connection)) { db in
                    let loans = try await Loan.query(on: db).all()
                    #expect(loans.map(\.status) == [.open])
                }
            }
        }
    }
}
#endif
