import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLTestKit
import SQLTestKitFluent
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
    ])

    /// Built once: the Fluent migration's schema and the fixtures.
    static let template = Task { try await DatabaseTemplate.migrated(by: [CreateLibrary()], fixtures: fixtures) }
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
                        try await Book.query(on: db).filter(\.$title == "Emma").delete()
                        await Task.yield()
                        let count = try await Book.query(on: db).count()
                        await databases.shutdownAsync()
                        return count
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts.count == 200)
        #expect(counts.allSatisfy { $0 == 2 })
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
            await databases.shutdownAsync()
        }
    }
}
