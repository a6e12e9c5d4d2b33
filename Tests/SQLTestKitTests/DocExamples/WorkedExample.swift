import SQLTestKit
import SQLTestKitTesting
import Testing

// The README's worked example: the app's data layer, how the app opens its database, and two
// tests. The README's blocks are found here line for line (DocExampleTests).

public struct Book: Decodable, Equatable, Sendable {
    public var id: Int
    public var title: String
}

/// The app's data layer, written against any connection: the real database in production,
/// the mock or an isolated copy in tests.
public struct BookRepository: Sendable {
    let db: any DatabaseConnection

    public init(_ db: any DatabaseConnection) { self.db = db }

    public func books(byAuthor authorID: Int) async throws -> [Book] {
        try await db.fetchAll(Book.self, """
            SELECT id, title FROM book WHERE author_id = \(authorID) ORDER BY title
            """)
    }

    public func rename(book id: Int, to title: String) async throws {
        try await db.execute("UPDATE book SET title = \(title) WHERE id = \(id)")
    }
}

/// Compiled, not run by the tests: it would make `books.sqlite` in the working directory.
func openTheAppsDatabase() async throws -> BookRepository {
    // In the app: its own database file, which SQLTestKit never takes for a test database.
    let database = try await SQLiteDriver(path: "books.sqlite").connect()
    let repository = BookRepository(database)
    return repository
}

struct BookRepositoryTests {
    @Test func renamingSendsOneUpdate() async throws {
        let mock = MockDriver(dialect: .sqlite)
        let repository = BookRepository(try await mock.connect())

        try await repository.rename(book: 7, to: "Dune Messiah")

        #expect(mock.takeSQLs() == ["UPDATE book SET title = 'Dune Messiah' WHERE id = 7"])
    }

    @Test func booksByAnAuthorOnTheExampleFixtures() async throws {
        let fixtures = try FixtureSet(directory: "Fixtures")
        try await IsolatedDatabase.with(DatabaseTemplate(fixtures: fixtures)) { db in
            let repository = BookRepository(db)
            let grace = try #require(fixtures.id(of: "grace", in: "author"))

            let books = try await repository.books(byAuthor: Int(grace))
            #expect(books.map(\.title) == [
                "A Manual for Compilers", "Compilers, Second Edition",
            ])

            try await repository.rename(book: books[0].id, to: "Compilers I")
            try await assertChanges(in: db, since: fixtures, [
                "~ book `compilers`: title 'A Manual for Compilers' → 'Compilers I'",
            ])
        }   // rolled back here: the next test starts from the fixtures again
    }
}
