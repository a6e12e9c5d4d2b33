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

final class Planet: Model, @unchecked Sendable {
    static let schema = "planet"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Parent(key: "star_id") var star: Star

    init() {}
}

final class Star: Model, @unchecked Sendable {
    static let schema = "star"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Children(for: \.$star) var planets: [Planet]

    init() {}
}

struct CreateGalaxy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("star").id().field("name", .string, .required).create()
        try await database.schema("planet").id().field("name", .string, .required)
            .field("star_id", .uuid, .required, .references("star", "id")).create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("planet").delete()
        try await database.schema("star").delete()
    }
}

/// The code under test: a repository function.
func planets(orbiting star: String, on db: any Database) async throws -> [Planet] {
    try await Planet.query(on: db).join(Star.self, on: \Planet.$star.$id == \Star.$id)
        .filter(Star.self, \.$name == star).sort(\.$name).all()
}

enum Galaxy {
    static let fixtures = try! FixtureSet(files: [
        "star.yml": "sun: { name: Sun }\nsirius: { name: Sirius }",
        "planet.yml": "earth: { name: Earth, star: sun }\nmars: { name: Mars, star: sun }",
    ])
    /// Built by the migrations the first time a test asks for it; copied for every test.
    static let template = DatabaseTemplate.fluent([CreateGalaxy()], fixtures: fixtures)

    /// FluentKit's databases without Vapor (in a Vapor app: `app.databases.use(…)`).
    static func database(_ factory: DatabaseConfigurationFactory)
        -> (any Database, Databases) {
        let databases = Databases(threadPool: NIOThreadPool.singleton,
                                  on: MultiThreadedEventLoopGroup.singleton)
        databases.use(factory, as: .sqlTestKit)
        let database = databases.database(.sqlTestKit, logger: Logger(label: "test"),
                                          on: databases.eventLoopGroup.any())!
        return (database, databases)
    }
}

@Suite struct GalaxyTests {
    @Test func theExactSQLOnTheMock() async throws {
        let mock = MockDriver(dialect: .sqlite)
        let (db, databases) = Galaxy.database(.sqlTestKit(mock))
        _ = try await planets(orbiting: "Sun", on: db)
        assertSQL(mock, [#"""
            SELECT "planet"."id" AS "planet_id", "planet"."name" AS "planet_name",
                   "planet"."star_id" AS "planet_star_id",
                   "star"."id" AS "star_id", "star"."name" AS "star_name"
            FROM "planet" INNER JOIN "star" ON "planet"."star_id" = "star"."id"
            WHERE "star"."name" = 'Sun' ORDER BY "planet"."name" ASC
            """#])
        await databases.shutdownAsync()
    }

    @Test func anIsolatedDatabaseWithFixtures() async throws {
        try await IsolatedDatabase.with(Galaxy.template) { connection in
            let (db, databases) = Galaxy.database(.sqlTestKit(connection))
            let names = try await planets(orbiting: "Sun", on: db).map(\.name)
            #expect(names == ["Earth", "Mars"])
            // rolled back after the test
            try await Planet.query(on: db).filter(\.$name == "Mars").delete()
            #expect(try await planets(orbiting: "Sun", on: db).map(\.name) == ["Earth"])
            await databases.shutdownAsync()
        }
    }

    @Test func starsWithTheirPlanetsInTwoQueries() async throws {
        try await IsolatedDatabase.with(Galaxy.template) { connection in
            let log = StatementLog()
            let recording = RecordingConnection(wrapping: connection, log: log)
            let (db, databases) = Galaxy.database(.sqlTestKit(recording))
            // `for star in stars { try await star.$planets.get(on: db) }` fails this: N+1.
            try await assertNoNPlusOne(log) {
                let stars = try await Star.query(on: db)
                    .with(\.$planets).sort(\.$name).all()
                #expect(stars.map { $0.planets.count } == [0, 2])
            }
            await databases.shutdownAsync()
        }
    }
}
#endif
