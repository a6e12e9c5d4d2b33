#if Fluent
import FluentKit
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLTestKit
import SQLTestKitFluent
import Testing

/// Putting SQLTestKit behind an app's databases after `configure(app)`: Vapor's
/// `app.databases` is FluentKit's `Databases`, used here directly.
@Suite("Fluent: SQLTestKit behind the app's default database")
struct FluentSwapTests {
    static let reports = DatabaseID(string: "reports")

    /// What `configure(app)` leaves: the app's own SQLite as the default, a second database.
    static func configured() -> Databases {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(.sqlite(.memory), as: .sqlite)
        databases.use(.sqlite(.memory), as: reports)
        return databases
    }

    static func db(_ databases: Databases, _ id: DatabaseID? = nil) throws -> any Database {
        try #require(databases.database(id, logger: Logger(label: "test"), on: MultiThreadedEventLoopGroup.singleton.any()))
    }

    @Test func theDefaultDatabaseIsServedFromTheMockEvenAfterTheAppUsedItsOwn() async throws {
        let databases = Self.configured()
        // The app already talked to its own database: Fluent made and kept its driver.
        try await CreateLibrary().prepare(on: try Self.db(databases))
        let mock = MockDriver(dialect: .sqlite)
        #expect(try databases.useSQLTestKit(mock) == .sqlite)
        _ = try await Author.query(on: try Self.db(databases)).all()
        _ = try await Author.query(on: try Self.db(databases, .sqlite)).all()
        #expect(mock.log.statements.count == 2)
        #expect(mock.log.statements.first?.sql.hasPrefix(#"SELECT "author"."id" AS "author_id""#) == true)
        // The other database is the app's own still.
        try await CreateLibrary().prepare(on: try Self.db(databases, Self.reports))
        #expect(mock.log.statements.count == 2)
        await databases.shutdownAsync()
    }

    @Test func aNamedDatabaseIsReplacedAndTheDefaultStays() async throws {
        let databases = Self.configured()
        let mock = MockDriver(dialect: .sqlite)
        try databases.useSQLTestKit(mock, as: Self.reports)
        _ = try await Author.query(on: try Self.db(databases, Self.reports)).all()
        #expect(mock.log.statements.count == 1)
        // The default is still the app's SQLite, not the mock.
        try await CreateLibrary().prepare(on: try Self.db(databases))
        #expect(mock.log.statements.count == 1)
        await databases.shutdownAsync()
    }

    @Test func aMockRegisteredTheOldWayUnderAnUnusedIDSaysSoWhenVerified() async throws {
        let databases = Self.configured()
        let mock = MockDriver(dialect: .postgres)
        mock.script(.predicate("reads authors") { $0.sql.contains(#"FROM "author""#) }, rows: [])
        // FluentKit's own registration cannot refuse an ID the app never asks for…
        databases.use(.sqlTestKit(mock), as: DatabaseID(string: "psql"))
        try await CreateLibrary().prepare(on: try Self.db(databases))
        _ = try await Author.query(on: try Self.db(databases)).all()   // the app's own SQLite answers
        // …so the mock says it was never asked.
        let error = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(error?.description.contains("the mock was never connected: nothing sent it a statement") == true)
        #expect(error?.description.contains("`try app.databases.useSQLTestKit(mock)` replaces the app's default") == true)
        await databases.shutdownAsync()
    }

    @Test func anIDTheAppDoesNotUseIsRefusedLoudly() async throws {
        let databases = Self.configured()
        let error = #expect(throws: FluentDatabaseSwapError.self) { try databases.useSQLTestKit(MockDriver(dialect: .postgres), as: DatabaseID(string: "psql")) }
        #expect(error?.description == """
            the app has no database `.psql` (it has `.reports`, `.sqlite`): registered there, SQLTestKit would never be used and the \
            app would keep its own database
              suggestion: `try app.databases.useSQLTestKit(…)` replaces the default database, whatever its ID; or name one the app \
            uses: `as: .reports`
            """)
        #expect(databases.ids() == [.sqlite, Self.reports], "nothing was registered")
        let empty = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        let none = #expect(throws: FluentDatabaseSwapError.self) { try empty.useSQLTestKit(MockDriver(dialect: .sqlite)) }
        #expect(none?.description.hasPrefix("the app has no default database to serve from SQLTestKit") == true)
        await databases.shutdownAsync()
    }
}
#endif
