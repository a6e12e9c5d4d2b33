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

/// Fluent on a connection of its own: a test's isolated database.
func fluentDatabase(on connection: any DatabaseConnection) throws -> (any Database, Databases) {
    let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
    databases.use(.sqlTestKit(connection), as: .sqlTestKit)
    let db = try #require(databases.database(.sqlTestKit, logger: Logger(label: "test"), on: MultiThreadedEventLoopGroup.singleton.any()))
    return (db, databases)
}

enum LibraryTemplate {
    static let fixtures = try! FixtureSet(files: [
        "author.yml": "herbert: { name: Frank Herbert }\nausten: { name: Jane Austen }",
        "book.yml": """
            dune: { title: Dune, pages: 412, author: herbert }
            emma: { title: Emma, pages: 474, author: austen, subtitle: A Novel }
            """,
        "tag.yml": "classic: { name: classic }",
        "book_tag.yml": "dune_classic: { book: dune, tag: classic }",
        "loan.yml": """
            first: { book: dune, due: 2024-05-01T09:30:00Z, status: open, created_at: 2024-04-01T08:00:00Z }
            old: { book: emma, due: 2023-01-01, status: returned, deleted_at: 2023-01-02T00:00:00Z }
            """,
    ])

    /// Built once: the Fluent migration's schema and the fixtures.
    static let template = Task { try await DatabaseTemplate.migrated(by: [CreateLibrary(), CreateLoan()], fixtures: fixtures) }
}

@Suite("Fluent inside isolated, fixture-loaded databases")
struct FluentIsolationTests {
    @Test func fixturesLoadForFluentModelsWithStableUUIDsAndReferencesByLabel() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let (db, databases) = try fluentDatabase(on: connection)
            let dune = try #require(LibraryTemplate.fixtures.uuid(of: "dune", in: "book"))
            #expect(dune == FixtureSet.derivedUUID(for: "dune"))
            let book = try #require(try await Book.find(dune, on: db))
            #expect(book.title == "Dune")
            #expect(try await book.$author.get(on: db).name == "Frank Herbert")
            #expect(try await book.$tags.get(on: db).map(\.name) == ["classic"])
            let emma = try #require(try await Book.query(on: db).filter(\.$title == "Emma").with(\.$author).first())
            #expect(emma.subtitle == "A Novel")
            #expect(emma.author.id == LibraryTemplate.fixtures.uuid(of: "austen", in: "author"))
            await databases.shutdownAsync()
        }
    }

    @Test func datesInFixturesAreStoredAsFluentStoresThemWithTimestampsSoftDeleteAndEnums() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let (db, databases) = try fluentDatabase(on: connection)
            // Soft-deleted rows are left out, as Fluent leaves them out.
            let loans = try await Loan.query(on: db).all()
            #expect(loans.count == 1)
            let loan = try #require(loans.first)
            #expect(loan.due == Date(timeIntervalSince1970: 1_714_555_800))   // 2024-05-01T09:30:00Z
            #expect(loan.createdAt == Date(timeIntervalSince1970: 1_711_958_400))
            #expect(loan.status == .open)
            #expect(try await Loan.query(on: db).withDeleted().count() == 2)
            // Fluent's own rows sort with the fixtures' (all are numbers, not text).
            let dune = try #require(LibraryTemplate.fixtures.uuid(of: "dune", in: "book"))
            try await Loan(bookID: dune, due: Date(timeIntervalSince1970: 1_700_000_000), status: .open).create(on: db)
            let dues = try await Loan.query(on: db).sort(\.$due).all().map(\.due.timeIntervalSince1970)
            #expect(dues == [1_700_000_000, 1_714_555_800])
            let stored = try await connection.fetchAll("SELECT typeof(due), typeof(status) FROM loan").map(\.values)
            #expect(stored.allSatisfy { $0 == ["real", "text"] })
            await databases.shutdownAsync()
        }
    }

    @Test func fluentsOwnTransactionsBecomeSavepointsAndNothingEscapes() async throws {
        let template = try await LibraryTemplate.template.value
        let log = StatementLog()
        try await IsolatedDatabase.with(template) { connection in
            let (db, databases) = try fluentDatabase(on: RecordingConnection(wrapping: connection, log: log))
            let herbert = try #require(LibraryTemplate.fixtures.uuid(of: "herbert", in: "author"))
            try await db.transaction { db in
                try await Book(title: "Children of Dune", pages: 444, authorID: herbert).create(on: db)
            }
            // A failing transaction rolls back only itself.
            await #expect(throws: (any Error).self) {
                try await db.transaction { db in
                    try await Book(title: "Heretics of Dune", pages: 480, authorID: herbert).create(on: db)
                    try await Book(title: "Broken", pages: 1, authorID: UUID()).create(on: db)   // no such author
                }
            }
            #expect(try await Book.query(on: db).count() == 3)
            await databases.shutdownAsync()
        }
        let control = log.statements.filter(\.kind.isTransactionControl).map(\.sql)
        // Fluent's BEGIN TRANSACTION ran as a savepoint of the test's transaction, and so did the rest.
        #expect(control == ["SAVEPOINT sqltestkit_begin_1", "RELEASE sqltestkit_begin_1",
                            "SAVEPOINT sqltestkit_begin_2", "ROLLBACK TO sqltestkit_begin_2", "RELEASE sqltestkit_begin_2"])
        // Nothing escaped: a new copy has the fixtures alone.
        try await IsolatedDatabase.with(template) { connection in
            let count = try await connection.fetchOne("SELECT count(*) FROM book")?[0]
            #expect(count == 2)
        }
    }

    @Test func twoHundredParallelTestsEachSeeOnlyTheirOwnChanges() async throws {
        let template = try await LibraryTemplate.template.value
        let herbert = try #require(LibraryTemplate.fixtures.uuid(of: "herbert", in: "author"))
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await IsolatedDatabase.with(template) { connection in
                        let (db, databases) = try fluentDatabase(on: connection)
                        try await Book(title: "Book \(index)", pages: index, authorID: herbert).create(on: db)
                        try await Book.query(on: db).filter(\.$title == "Dune").set(\.$pages, to: index).update()
                        await Task.yield()
                        let count = try await Book.query(on: db).count()
                        let pages = try await Book.query(on: db).filter(\.$title == "Dune").first()?.pages
                        await databases.shutdownAsync()
                        return pages == index ? count : -1
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts.count == 200)
        #expect(counts.allSatisfy { $0 == 3 })
    }

    @Test func aLazyParentInALoopIsNPlusOneAndEagerLoadingIsNot() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let log = StatementLog()
            let (db, databases) = try fluentDatabase(on: RecordingConnection(wrapping: connection, log: log))
            let lazy = try await CollectedIssues.during {
                try await assertNoNPlusOne(log) {
                    for book in try await Book.query(on: db).all() { _ = try await book.$author.get(on: db) }
                }
            }
            #expect(lazy.count == 1)
            #expect(lazy.first?.contains("2× SELECT author.id AS author_id, author.name AS author_name FROM author WHERE author.id = ? LIMIT ?") == true)
            let eager = try await CollectedIssues.during {
                try await assertQueryCount(2, log) { _ = try await Book.query(on: db).with(\.$author).all() }
            }
            #expect(eager.isEmpty)
            // Saving several models updates one row per statement: on purpose, not N+1.
            let saves = try await CollectedIssues.during {
                try await assertNoNPlusOne(log) {
                    let books = try await Book.query(on: db).with(\.$author).all()
                    for book in books { book.pages += 1; try await book.save(on: db) }
                }
            }
            #expect(saves.isEmpty)
            await databases.shutdownAsync()
        }
    }
}
#endif
