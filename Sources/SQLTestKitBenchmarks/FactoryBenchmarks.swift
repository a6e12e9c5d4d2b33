import Foundation
import SQLTestKit

/// `RowFactory` against the same inserts written by hand.
enum FactoryBenchmarks {
    static let schema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL, pages INTEGER NOT NULL,
                          author_id INTEGER NOT NULL REFERENCES author(id));
        CREATE TABLE review(id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES book(id),
                            stars INTEGER NOT NULL, body TEXT NOT NULL);
        """

    /// 10,000 reviews, each with its book and the book's author (30,000 inserts), into
    /// in-memory SQLite inside one transaction: `factory.insert("review")` against the same
    /// three `INSERT … RETURNING *` per review, with the same values, written by hand.
    static func run(_ harness: inout Harness) async throws {
        guard harness.wants("factory") else { return }
        let rows = 10_000
        func database() async throws -> any DatabaseConnection {
            let db = try await SQLiteDriver.inMemory().connect()
            try await db.executeScript(schema)
            return db
        }
        let factory = { () async throws -> Duration in
            let db = try await database()
            return try await Harness.time(setUp: {}) { _ in
                let factory = RowFactory(db)
                try await db.transaction { _ in
                    for _ in 0..<rows { try await factory.insert("review") }
                }
            }
        }
        let byHand = { () async throws -> Duration in
            let db = try await database()
            return try await Harness.time(setUp: {}) { _ in
                try await db.transaction { db in
                    for number in 1...rows {
                        let author = try await db.fetchOne("""
                            INSERT INTO author (name, email) VALUES (\("author name \(number)"), \("author email \(number)")) RETURNING *
                            """)
                        let book = try await db.fetchOne("""
                            INSERT INTO book (title, pages, author_id) VALUES (\("book title \(number)"), \(number), \(author?["id"] ?? .null)) RETURNING *
                            """)
                        _ = try await db.fetchOne("""
                            INSERT INTO review (book_id, stars, body) VALUES (\(book?["id"] ?? .null), \(number), \("review body \(number)")) RETURNING *
                            """)
                    }
                }
            }
        }
        let timings = try await Harness.alternate(runs: harness.runs, [factory, byHand])
        harness.compare("RowFactory, 10,000 rows with their parents", ours: timings[0], raw: timings[1], per: rows, target: 2,
                        rawLabel: "by hand")
    }
}
