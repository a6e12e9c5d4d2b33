#if Fluent
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTesting
import Testing

/// A Fluent database on a fresh mock, without Vapor: FluentKit's own `Databases`.
func fluentDatabase(on driver: any SQLTestKit.DatabaseDriver) throws -> (any Database, Databases) {
    let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
    databases.use(.sqlTestKit(driver), as: .sqlTestKit)
    let db = try #require(databases.database(.sqlTestKit, logger: Logger(label: "test"), on: MultiThreadedEventLoopGroup.singleton.any()))
    return (db, databases)
}

@Suite("Fluent on the mock")
struct FluentMockTests {
    static let ann = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!

    @Test func theExactSQLFluentSendsIsAsserted() async throws {
        let mock = MockDriver(dialect: .sqlite)
        let (db, databases) = try fluentDatabase(on: mock)
        _ = try await Book.query(on: db).filter(\.$pages > 100).sort(\.$title).all()
        assertSQL(mock, [
            #"SELECT "book"."id" AS "book_id", "book"."title" AS "book_title", "book"."pages" AS "book_pages", "book"."subtitle" AS "book_subtitle", "book"."author_id" AS "book_author_id" FROM "book" WHERE "book"."pages" > 100 ORDER BY "book"."title" ASC"#,
        ])
        await databases.shutdownAsync()
    }

    @Test func scriptedRowsWithPlainColumnNamesDecodeIntoModelsNullIncluded() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script(.predicate("reads books") { $0.sql.contains(#"FROM "book""#) }, rows: [
            ["id": .text(Self.ann.uuidString), "title": "Dune", "pages": 412, "subtitle": nil, "author_id": .text(Self.ann.uuidString)],
        ])
        let (db, databases) = try fluentDatabase(on: mock)
        let books = try await Book.query(on: db).all()
        #expect(books.map(\.title) == ["Dune"])
        #expect(books.first?.pages == 412)
        #expect(books.first?.subtitle == nil)
        #expect(books.first?.$author.id == Self.ann)
        await databases.shutdownAsync()
    }

    @Test func aScriptWrittenWithQuestionMarksAnswersFluentsNumberedPlaceholders() async throws {
        let mock = MockDriver(dialect: .sqlite, strict: true)
        mock.script(#"SELECT "book"."id" AS "book_id", "book"."title" AS "book_title", "book"."pages" AS "book_pages", "book"."subtitle" AS "book_subtitle", "book"."author_id" AS "book_author_id" FROM "book" WHERE "book"."title" = ? LIMIT 1"#,
                    arguments: ["Dune"], rows: [["id": .text(Self.ann.uuidString), "title": "Dune", "pages": 412, "subtitle": nil, "author_id": .text(Self.ann.uuidString)]])
        let (db, databases) = try fluentDatabase(on: mock)
        // Fluent sends `?1`; the script's `?` answers it, as assertSQL accepts either.
        #expect(try await Book.query(on: db).filter(\.$title == "Dune").first()?.pages == 412)
        #expect(mock.log.statements.first?.sql.contains("= ?1 LIMIT 1") == true)
        try mock.verify()
        await databases.shutdownAsync()
    }

    @Test func anUnscriptedCreateGetsAKeyThroughReturning() async throws {
        let mock = MockDriver(dialect: .sqlite)
        let (db, databases) = try fluentDatabase(on: mock)
        let first = Tag(name: "classic"), second = Tag(name: "new")
        try await first.create(on: db)
        try await second.create(on: db)
        #expect(first.id == 1)
        #expect(second.id == 2)
        // A UUID key the model made itself comes back as it was sent.
        let author = Author(id: Self.ann, name: "Ann")
        try await author.create(on: db)
        #expect(author.id == Self.ann)
        await databases.shutdownAsync()
    }

    @Test func aCreateWhoseReturningRowNeverComesFailsAndSaysSo() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script(.predicate("inserts a tag") { $0.sql.hasPrefix(#"INSERT INTO "tag""#) }, answer: .empty)
        let (db, databases) = try fluentDatabase(on: mock)
        let error = await #expect(throws: FluentMissingRowError.self) { try await Tag(name: "lost").create(on: db) }
        #expect(error?.description.hasPrefix(#"creating a `tag` returned no row, so Fluent has no key for it: INSERT INTO "tag" ("id", "name") VALUES (NULL, ?1) RETURNING "id""#) == true)
        await databases.shutdownAsync()
    }
}

/// Reads of `book` go to the replica; everything else to the default database.
struct BookReplica: DatabaseRouter {
    func databaseForReading(_ table: String, context: RoutingContext) -> String? { table == "book" ? "replica" : nil }
}

@Suite("Fluent on a routed driver")
struct FluentRoutingTests {
    @Test func fluentsReadsAndWritesGoWhereTheRouterSends() async throws {
        let primary = MockDriver(dialect: .sqlite), replica = MockDriver(dialect: .sqlite)
        replica.script(.predicate("reads books") { $0.sql.contains(#"FROM "book""#) }, rows: [
            ["id": .text(UUID().uuidString), "title": "From the replica", "pages": 1, "subtitle": nil, "author_id": .text(UUID().uuidString)],
        ])
        let (db, databases) = try fluentDatabase(on: RoutedDriver(databases: ["default": primary, "replica": replica], router: BookReplica()))
        #expect(try await Book.query(on: db).all().map(\.title) == ["From the replica"])
        try await Tag(name: "new").create(on: db)
        #expect(replica.log.statements.map(\.kind) == [.select])
        #expect(primary.log.statements.map(\.kind) == [.insert])
        await databases.shutdownAsync()
    }
}

@Suite("Fluent transactions on a driver")
struct FluentConcurrentTransactionTests {
    @Test func concurrentTransactionsEachGetAConnectionAndAllCommit() async throws {
        let driver = SQLiteDriver.inMemory()
        let (db, databases) = try fluentDatabase(on: driver)
        try await CreateLibrary().prepare(on: db)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await db.transaction { db in
                        try await Tag(name: "tag \(index)").create(on: db)
                        try await Task.sleep(for: .milliseconds(5))
                        try await Tag(name: "tag \(index) again").create(on: db)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await Tag.query(on: db).count() == 16)
        await databases.shutdownAsync()
    }

    @Test func aPlainStatementOfAnotherTaskDoesNotLandInsideSomeonesTransaction() async throws {
        let (db, databases) = try fluentDatabase(on: SQLiteDriver.inMemory())
        try await CreateLibrary().prepare(on: db)
        struct Abandon: Error {}
        let began = AsyncStream<Void>.makeStream()
        let failing = Task {
            try await db.transaction { db in
                try await Tag(name: "rolled back").create(on: db)
                began.continuation.yield()
                try await Task.sleep(for: .milliseconds(50))
                throw Abandon()
            }
        }
        for await _ in began.stream { break }
        try await Tag(name: "kept").create(on: db)   // waits for the transaction to end
        _ = await failing.result
        #expect(try await Tag.query(on: db).all().map(\.name) == ["kept"])
        await databases.shutdownAsync()
    }
}
#endif
