#if Fluent
import FluentKit
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLTestKit
import SQLTestKitFluent

/// The Fluent adapter: Fluent's `find` and a filtered `all()` on the mock and on SQLTestKit's
/// SQLite, each against fluent-sqlite-driver (in memory) doing the same work.
enum FluentBenchmarks {
    static func run(_ harness: inout Harness) async throws {
        guard harness.wants("fluent") else { return }
        let iterations = 2_000
        let real = try await database(.sqlite(.memory))
        let sqlite = try await database(.sqlTestKit(SQLiteDriver.inMemory()))
        let mock = MockDriver(dialect: .sqlite)
        let mockDB = try await database(.sqlTestKit(mock), seeded: false)
        let id = Self.firstID
        // Scripted as tests script them: the statement as Fluent sends it.
        let columns = #"SELECT "bench_item"."id" AS "bench_item_id", "bench_item"."title" AS "bench_item_title", "bench_item"."score" AS "bench_item_score" FROM "bench_item""#
        mock.script(.exact(columns + #" WHERE "bench_item"."id" = ?1 LIMIT 1"#), rows: [["id": .text(id.uuidString), "title": "Item 0", "score": 0]])
        mock.script(.exact(columns + #" WHERE "bench_item"."score" < ?1 ORDER BY "bench_item"."score" ASC"#), rows: (0..<10).map { index in
            ["id": .text(UUID().uuidString), "title": .text("Item \(index)"), "score": .integer(Int64(index))]
        })

        func find(_ db: any Database) -> () async throws -> Duration {
            { try await Harness.time(setUp: {}) { _ in
                for _ in 0..<iterations { _ = try await BenchItem.find(id, on: db) }
            } }
        }
        func list(_ db: any Database) -> () async throws -> Duration {
            { try await Harness.time(setUp: {}) { _ in
                for _ in 0..<iterations { _ = try await BenchItem.query(on: db).filter(\.$score < 10).sort(\.$score).all() }
            } }
        }
        let finds = try await Harness.alternate(runs: harness.runs, [find(mockDB.0), find(real.0), find(sqlite.0)])
        harness.compare("Fluent find: the mock vs fluent-sqlite-driver", ours: finds[0], raw: finds[1], per: iterations, target: 1)
        harness.compare("Fluent find: SQLTestKit's SQLite vs fluent-sqlite-driver", ours: finds[2], raw: finds[1], per: iterations, target: 1.2)
        let lists = try await Harness.alternate(runs: harness.runs, [list(mockDB.0), list(real.0), list(sqlite.0)])
        harness.compare("Fluent filtered all(), 10 rows: the mock vs fluent-sqlite-driver", ours: lists[0], raw: lists[1], per: iterations, target: 1)
        harness.compare("Fluent filtered all(), 10 rows: SQLTestKit's SQLite vs fluent-sqlite-driver", ours: lists[2], raw: lists[1], per: iterations, target: 1.2)
        for (_, databases) in [real, sqlite, mockDB] { await databases.shutdownAsync() }
    }

    static let firstID = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!

    /// A Fluent database with the benchmark's table and 100 rows (unless `seeded` is false).
    static func database(_ factory: DatabaseConfigurationFactory, seeded: Bool = true) async throws -> (any Database, Databases) {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(factory, as: .sqlTestKit)
        let db = databases.database(.sqlTestKit, logger: Logger(label: "bench"), on: MultiThreadedEventLoopGroup.singleton.any())!
        guard seeded else { return (db, databases) }
        try await db.schema("bench_item").id().field("title", .string, .required).field("score", .int, .required).create()
        for index in 0..<100 {
            try await BenchItem(id: index == 0 ? firstID : UUID(), title: "Item \(index)", score: index).create(on: db)
        }
        return (db, databases)
    }
}

final class BenchItem: Model, @unchecked Sendable {
    static let schema = "bench_item"
    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "score") var score: Int

    init() {}
    init(id: UUID, title: String, score: Int) {
        self.id = id
        self.title = title
        self.score = score
    }
}
#endif
