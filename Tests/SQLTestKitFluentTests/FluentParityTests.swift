#if Fluent
import FluentKit
import FluentSQL
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLTestKit
import SQLTestKitFluent
import Testing

/// The same Fluent code run on fluent-sqlite-driver and on SQLTestKit: every statement, its
/// SQL and its binds, must be what the real driver sends.
@Suite("Fluent: the SQL recorded is the SQL fluent-sqlite-driver sends")
struct FluentParityTests {
    static let ann = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
    static let dune = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!
    static let emma = UUID(uuidString: "00000000-0000-0000-0000-0000000000B2")!

    /// Model operations of every kind Fluent has, in order.
    static func operations(_ db: any Database) async throws {
        try await CreateLibrary().prepare(on: db)
        try await Author(id: ann, name: "Ann").create(on: db)
        try await Book(id: dune, title: "Dune", pages: 412, authorID: ann).create(on: db)
        let tag = Tag(name: "classic")
        try await tag.create(on: db)
        _ = try await Author.query(on: db).filter(\.$name == "Ann").sort(\.$name).first()
        let book = try #require(try await Book.find(dune, on: db))
        book.subtitle = "a novel"
        try await book.save(on: db)
        try await book.$tags.attach(tag, on: db)
        _ = try await Book.query(on: db).with(\.$author).with(\.$tags).all()
        _ = try await Book.query(on: db).filter(\.$pages > 100).sort(\.$title, .descending).range(0..<5).all()
        _ = try await Book.query(on: db).count()
        _ = try await Book.query(on: db).sum(\.$pages)
        _ = try await Book.query(on: db).paginate(PageRequest(page: 1, per: 10))
        _ = try await book.$author.get(on: db)
        try await db.transaction { db in
            try await Book(id: emma, title: "Emma", pages: 300, authorID: ann).create(on: db)
        }
        try await Book.query(on: db).filter(\.$title == "Emma").set(\.$pages, to: 301).update()
        try await book.$tags.detach(tag, on: db)
        try await book.delete(on: db)
        let sql = try #require(db as? any SQLDatabase)
        _ = try await sql.select().column("title").from("book").where("pages", .greaterThan, 200).all()
        try await CreateLibrary().revert(on: db)
    }

    /// The pivot rows' ids are random on each side (Fluent makes them): compared as `<random id>`.
    static func maskingRandomIDs(_ statement: String) -> String {
        let fixed = [ann, dune, emma].map(\.uuidString)
        return statement.replacing(/[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/) { match in
            fixed.contains(String(match.output)) ? String(match.output) : "<random id>"
        }
    }

    @Test func everyStatementIsTheRealDriversStatement() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let capture = QueryCapture()
        let logger = Logger(label: "parity") { _ in capture }

        let real = Databases(threadPool: NIOThreadPool.singleton, on: group)
        real.use(.sqlite(.memory), as: .sqlite)
        try await Self.operations(try #require(real.database(.sqlite, logger: logger, on: group.any())))
        await real.shutdownAsync()

        let log = StatementLog()
        let ours = Databases(threadPool: NIOThreadPool.singleton, on: group)
        ours.use(.sqlTestKit(RecordingDriver(wrapping: SQLiteDriver.inMemory(), log: log)), as: .sqlite)
        try await Self.operations(try #require(ours.database(.sqlite, logger: Logger(label: "ours"), on: group.any())))
        await ours.shutdownAsync()

        let recorded = log.statements.map { entry in entry.sql + " " + entry.arguments.map { "\($0.fluentDescription)" }.description }
            .map(Self.maskingRandomIDs)
        let expectedStatements = capture.statements.map(Self.maskingRandomIDs)
        #expect(expectedStatements.count > 20)
        #expect(recorded.count == expectedStatements.count)
        for (index, (expected, actual)) in zip(expectedStatements, recorded).enumerated() where expected != actual {
            Issue.record("statement \(index + 1) differs:\n  fluent-sqlite-driver: \(expected)\n  SQLTestKit:           \(actual)")
        }
    }
}
#endif
