#if Fluent
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTestSupport
import SQLTestKitTesting
import Testing

@Suite("Fluent: migrations, snapshots and what the adapter refuses")
struct FluentEdgeTests {
    @Test func fluentsMigratorPreparesAndRevertsThroughSQLTestKit() async throws {
        let connection = try await SQLiteDriver.inMemory().connect()
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(.sqlTestKit(connection), as: .sqlTestKit)
        let migrations = Migrations()
        migrations.add(CreateLibrary(), CreateLoan())
        let migrator = Migrator(databases: databases, migrations: migrations, logger: Logger(label: "test"),
                                on: MultiThreadedEventLoopGroup.singleton.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
        let tables = try await connection.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { $0[0] }
        // FluentKit keeps enum cases in `_fluent_enums` on databases without enum types, as on fluent-sqlite-driver.
        #expect(tables == ["_fluent_enums", "_fluent_migrations", "author", "book", "book_tag", "loan", "tag"])
        #expect(try await connection.fetchOne("SELECT count(*) FROM _fluent_migrations")?[0] == 2)
        // Fluent's own records are not changes of the code under test.
        #expect(try await FixtureSet(files: ["tag.yml": ""]).changes(in: connection).lines.isEmpty)
        try await migrator.revertAllBatches().get()
        let left = try await connection.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { $0[0] }
        #expect(left == ["_fluent_migrations"])
        await databases.shutdownAsync()
        await connection.close()
    }

    @Test func snapshotsRecordWhatFluentSent() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fluent-snapshots-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func run(_ minimum: Int) async throws -> [String] {
            let mock = MockDriver(dialect: .sqlite)
            let (db, databases) = try fluentDatabase(on: mock)
            _ = try await Book.query(on: db).filter(\.$pages > minimum).all()
            await databases.shutdownAsync()
            return CollectedIssues.during { assertSQLSnapshot(mock, named: "books", snapshotDirectory: directory) }
        }
        #expect(try await run(100).first?.hasPrefix("Recorded a new SQL snapshot at") == true)
        #expect(try await run(100).isEmpty)
        #expect(try await run(200).first?.contains("+ -- arguments: 200") == true)
    }

    @Test func aMockInAnotherDialectIsRefusedWithWhatItNeeds() async throws {
        let mock = MockDriver(dialect: .mysql)
        let (db, databases) = try fluentDatabase(on: mock)
        let error = await #expect(throws: FluentUnsupportedError.self) { _ = try await Book.query(on: db).all() }
        #expect(error?.description == "SQLTestKit cannot run queries on a mysql database for Fluent: the adapter sends what fluent-sqlite-driver or fluent-postgres-driver sends; use a mock or database in the `.sqlite` or `.postgres` dialect")
        #expect(mock.log.statements.isEmpty, "refused before anything is sent")
        await databases.shutdownAsync()
    }

    @Test func anAlterSQLiteCannotDoIsRefusedByName() async throws {
        let (db, databases) = try fluentDatabase(on: SQLiteDriver.inMemory())
        try await CreateLibrary().prepare(on: db)
        let error = await #expect(throws: FluentUnsupportedError.self) {
            try await db.schema("book").updateField("pages", .string).update()
        }
        #expect(error?.description == "SQLTestKit cannot run changing a column's type or a constraint of an existing table for Fluent: SQLite's ALTER TABLE cannot do it (fluent-sqlite-driver refuses it too)")
        await databases.shutdownAsync()
    }
}
#endif
