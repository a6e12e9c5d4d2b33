#if Fluent && PostgreSQL
import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres

/// Fluent on PostgreSQL: SQLTestKit's driver against fluent-postgres-driver on the same
/// server, and a Vapor-style suite of 200 tests isolated both ways.
enum FluentPostgresBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        guard harness.wants("fluent-postgres") || harness.wants("vapor-suite") || harness.wants("fluent-cassette") else { return }
        guard PostgresTestServer.isAvailable else {
            harness.report("fluent-postgres: skipped", PostgresTestServer.howToEnable)
            return
        }
        let server = try await PostgresTestServer.shared().configuration
        if harness.wants("fluent-postgres") { try await operations(&harness, server: server) }
        if harness.wants("vapor-suite") { try await suite(&harness, server: server) }
        if harness.wants("fluent-cassette") { try await cassetteSuite(&harness, server: server) }
    }

    // MARK: find, filtered all(), create

    static func operations(_ harness: inout Harness, server: PostgresDriver.Configuration) async throws {
        let iterations = 500
        try await PostgresTemplate.withScratchDatabase("bench_fluent_real", on: server) { realConfiguration in
            try await PostgresTemplate.withScratchDatabase("bench_fluent_ours", on: server) { ourConfiguration in
                let real = try await FluentBenchmarks.database(.postgres(configuration: try SQLPostgresConfiguration(sqlTestKit: realConfiguration)))
                let ours = try await FluentBenchmarks.database(.sqlTestKit(PostgresDriver(configuration: ourConfiguration)))
                let id = FluentBenchmarks.firstID
                func find(_ db: any Database) -> () async throws -> Duration {
                    { try await Harness.time(setUp: {}) { _ in for _ in 0..<iterations { _ = try await BenchItem.find(id, on: db) } } }
                }
                func list(_ db: any Database) -> () async throws -> Duration {
                    { try await Harness.time(setUp: {}) { _ in
                        for _ in 0..<iterations { _ = try await BenchItem.query(on: db).filter(\.$score < 10).sort(\.$score).all() }
                    } }
                }
                func create(_ db: any Database) -> () async throws -> Duration {
                    { try await Harness.time(setUp: {}) { _ in
                        for index in 0..<iterations { try await BenchItem(id: UUID(), title: "Created \(index)", score: 1000 + index).create(on: db) }
                    } }
                }
                let runs = min(harness.runs, 7)
                let finds = try await Harness.alternate(runs: runs, warmingUp: true, [find(ours.0), find(real.0)])
                harness.compare("Fluent find on PostgreSQL", ours: finds[0], raw: finds[1], per: iterations, target: 1.2, rawLabel: "fluent-pg")
                let lists = try await Harness.alternate(runs: runs, warmingUp: true, [list(ours.0), list(real.0)])
                harness.compare("Fluent filtered all(), 10 rows, on PostgreSQL", ours: lists[0], raw: lists[1], per: iterations, target: 1.2, rawLabel: "fluent-pg")
                let creates = try await Harness.alternate(runs: runs, [create(ours.0), create(real.0)])
                harness.compare("Fluent create on PostgreSQL", ours: creates[0], raw: creates[1], per: iterations, target: 1.2, rawLabel: "fluent-pg")
                await real.1.shutdownAsync()
                await ours.1.shutdownAsync()
            }
        }
    }

    // MARK: A Vapor-style suite of 200 tests

    static let suiteSize = 200

    /// One test's work: what a Vapor app's test does through `app.db` after setting up.
    static func testBody(_ db: any Database, index: Int) async throws {
        let author = BenchAuthor(name: "author \(index)")
        try await author.create(on: db)
        try await BenchBook(title: "book \(index)", authorID: try author.requireID()).create(on: db)
        let books = try await BenchBook.query(on: db).with(\.$author).all()
        precondition(books.count == 1 && books[0].author.name == "author \(index)", "each test sees its own rows alone")
    }

    static func suite(_ harness: inout Harness, server: PostgresDriver.Configuration) async throws {
        // The real driver, as Vapor's template tests run: serialized, each test migrating and
        // reverting its database.
        let serialized = try await PostgresTemplate.withScratchDatabase("bench_vapor_suite", on: server) { configuration in
            try await Harness.time(setUp: {}) { _ in
                for index in 0..<suiteSize {
                    let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
                    databases.use(.postgres(configuration: try SQLPostgresConfiguration(sqlTestKit: configuration)), as: .psql)
                    let migrations = Migrations()
                    migrations.add(CreateBenchLibrary())
                    let migrator = Migrator(databases: databases, migrations: migrations, logger: Logger(label: "bench"),
                                            on: MultiThreadedEventLoopGroup.singleton.any())
                    try await migrator.setupIfNeeded().get()
                    try await migrator.prepareBatch().get()
                    let db = databases.database(.psql, logger: Logger(label: "bench"), on: MultiThreadedEventLoopGroup.singleton.any())!
                    try await testBody(db, index: index)
                    try await migrator.revertAllBatches().get()
                    await databases.shutdownAsync()
                }
            }
        }
        // SQLTestKit: a template from the same migrations, built once in the run, and every test
        // in parallel in its own test transaction.
        var templateBuild = Duration.zero
        let parallel = try await Harness.time(setUp: {}) { _ in
            let start = ContinuousClock.now
            let template = try await PostgresTemplate.migrated(by: [CreateBenchLibrary()], mode: .transaction, server: server)
            try await template.prepare()
            templateBuild = ContinuousClock.now - start
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<suiteSize {
                    group.addTask {
                        try await IsolatedDatabase.with(template) { connection in
                            let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
                            databases.use(.sqlTestKit(connection), as: .psql)
                            let db = databases.database(.psql, logger: Logger(label: "bench"), on: MultiThreadedEventLoopGroup.singleton.any())!
                            do {
                                try await testBody(db, index: index)
                                await databases.shutdownAsync()
                            } catch {
                                await databases.shutdownAsync()
                                throw error
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        harness.report("Vapor-style suite, 200 tests, PostgreSQL",
                       "SQLTestKit, parallel, transaction mode \(harness.format(parallel)) (template \(harness.format(templateBuild))); fluent-postgres-driver serialized with autoMigrate/autoRevert \(harness.format(serialized)); \(String(format: "%.1f", serialized.seconds / parallel.seconds))× faster",
                       target: "≥ 5× faster")
    }
}

extension FluentPostgresBenchmarks {
    // MARK: The same suite recorded on the server, then replayed without it

    /// One test's work with keys of its own (a replay needs the statements of the recording,
    /// so nothing random may go into them).
    static func cassetteTestBody(_ db: any Database, index: Int) async throws {
        let author = BenchAuthor(name: "author \(index)")
        author.id = UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", index))
        try await author.create(on: db)
        let book = BenchBook(title: "book \(index)", authorID: try author.requireID())
        book.id = UUID(uuidString: String(format: "00000000-0000-0000-0001-%012d", index))
        try await book.create(on: db)
        let books = try await BenchBook.query(on: db).with(\.$author).all()
        precondition(books.count == 1 && books[0].author.name == "author \(index)", "each test sees its own rows alone")
        try await BenchBook.query(on: db).set(\.$title, to: "renamed \(index)").filter(\.$id == book.requireID()).update()
        let count = try await BenchBook.query(on: db).count()
        precondition(count == 1, "one book")
    }

    /// Runs one test's body on a Fluent database over `source`, shutting Fluent down after.
    static func withFluent(_ factory: DatabaseConfigurationFactory, _ body: (any Database) async throws -> Void) async throws {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(factory, as: .psql)
        let db = databases.database(.psql, logger: Logger(label: "bench"), on: MultiThreadedEventLoopGroup.singleton.any())!
        do {
            try await body(db)
            await databases.shutdownAsync()
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }

    /// 200 tests in parallel: recorded on the server (each in its own test transaction, its
    /// cassette written to disk), then replayed from those files on mocks with no server.
    static func cassetteSuite(_ harness: inout Harness, server: PostgresDriver.Configuration) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-bench-cassettes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let template = try await PostgresTemplate.migrated(by: [CreateBenchLibrary()], mode: .transaction, server: server)
        try await template.prepare()
        var recordings: [Duration] = []
        var replays: [Duration] = []
        for _ in 0..<min(harness.runs, 5) {
            recordings.append(try await Harness.time(setUp: {}) { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<suiteSize {
                        group.addTask {
                            try await IsolatedDatabase.with(template) { connection in
                                let recorder = CassetteRecorder(capability: connection.capability)
                                try await withFluent(.sqlTestKit(recorder.recording(connection))) { try await cassetteTestBody($0, index: index) }
                                try recorder.cassette.write(to: "\(directory)/test\(index).cassette")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            })
            replays.append(try await Harness.time(setUp: {}) { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<suiteSize {
                        group.addTask {
                            let mock = MockDriver(replaying: try Cassette(contentsOf: "\(directory)/test\(index).cassette"))
                            try await withFluent(.sqlTestKit(mock)) { try await cassetteTestBody($0, index: index) }
                            try mock.verify()
                        }
                    }
                    try await group.waitForAll()
                }
            })
        }
        let recorded = Harness.median(recordings), replayed = Harness.median(replays)
        harness.report("Fluent suite, 200 tests, cassettes",
                       "recorded on PostgreSQL \(harness.format(recorded)); replayed without a server \(harness.format(replayed)); \(String(format: "%.1f", Harness.pairedRatio(recordings, replays)))× faster")
    }
}

final class BenchAuthor: Model, @unchecked Sendable {
    static let schema = "bench_author"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    init() {}
    init(name: String) { self.name = name }
}

final class BenchBook: Model, @unchecked Sendable {
    static let schema = "bench_book"
    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Parent(key: "author_id") var author: BenchAuthor
    init() {}
    init(title: String, authorID: UUID) {
        self.title = title
        self.$author.id = authorID
    }
}

struct CreateBenchLibrary: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bench_author").id().field("name", .string, .required).create()
        try await database.schema("bench_book").id().field("title", .string, .required)
            .field("author_id", .uuid, .required, .references("bench_author", "id")).create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bench_book").delete()
        try await database.schema("bench_author").delete()
    }
}
#endif
