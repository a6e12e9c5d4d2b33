#if Fluent && PostgreSQL
import Fluent
import FluentPostgresDriver
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import SQLTestKitTesting
import Testing
import VaporTesting

// The examples of the Vapor guide (SQLTestKitFluent's "TestingAVaporApp" article), compiled
// and run as written against the app in App/.

/// The fixtures live in the test target, next to the tests (excluded from the build in
/// Package.swift), found from this file's path wherever the package is checked out.
let todoFixtures = try! FixtureSet(directory: URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path)

/// Built once, from the migrations `configure` registers: no second list to keep in step.
let todoTemplate = Task {
    try await withApp(configure: { try await configure($0) }) { app in
        try await PostgresTemplate.migrated(by: app.migrations, fixtures: todoFixtures)
    }
}

@Suite(.enabled(if: PostgresTestServer.isAvailable || ProcessInfo.processInfo.environment["SQLTESTKIT_REQUIRE_POSTGRES"] != nil,
                Comment(rawValue: PostgresTestServer.howToEnable)))
struct TodoTests {
    @Test func listingOpenTodosSendsOneQuery() async throws {
        let mock = MockDriver(dialect: .postgres)
        mock.script(.normalized("""
            SELECT todos.id AS todos_id, todos.title AS todos_title,
                   todos.status AS todos_status, todos.due AS todos_due
            FROM todos WHERE todos.status = 'open' ORDER BY todos.title ASC
            """), rows: [[
                "id": "6c8a2f0e-5b1d-4c3a-9e7f-0a1b2c3d4e5f", "title": "Buy groceries",
                "status": "open", "due": nil,
            ]])
        try await withApp(configure: { try await configure($0) }) { app in
            try app.databases.useSQLTestKit(mock)
            try await app.testing().test(.GET, "todos") { response async throws in
                #expect(response.status == .ok)
                let todos = try response.content.decode([Todo].self)
                #expect(todos.map(\.title) == ["Buy groceries"])
            }
        }
        try mock.verify()
    }

    @Test func markingATodoDoneOnPostgreSQL() async throws {
        try await IsolatedDatabase.with(try await todoTemplate.value) { db in
            try await withApp(configure: { try await configure($0) }) { app in
                try app.databases.useSQLTestKit(db)
                try await markingGroceriesDoneLeavesTheLaundry(app)
            }
        }
    }

    /// The test's requests, the same on either database.
    func markingGroceriesDoneLeavesTheLaundry(_ app: Application) async throws {
        let groceries = try #require(todoFixtures.uuid(of: "groceries", in: "todos"))
        try await app.testing().test(.POST, "todos/\(groceries)/done") { response async in
            #expect(response.status == .ok)
        }
        try await app.testing().test(.GET, "todos") { response async throws in
            let todos = try response.content.decode([Todo].self)
            #expect(todos.map(\.title) == ["Do the laundry"])
        }
    }

    @Test func markingATodoDoneOnSQLite() async throws {
        let setUp: @Sendable (Application) async throws -> Void = {
            try await configure($0, database: .sqlite)
        }
        let template = try await withApp(configure: setUp) { app in
            try await DatabaseTemplate.migrated(by: app.migrations, fixtures: todoFixtures)
        }
        try await IsolatedDatabase.with(template) { db in
            try await withApp(configure: setUp) { app in
                try app.databases.useSQLTestKit(db)
                try await markingGroceriesDoneLeavesTheLaundry(app)
            }
        }
    }

    @Test func creatingATodoWithTheProductionDriver() async throws {
        try await todoTemplate.value.withDatabase { database in
            try await withApp(configure: { try await configure($0) }) { app in
                let postgres = try SQLPostgresConfiguration(sqlTestKit: database)
                app.databases.use(.postgres(configuration: postgres), as: .psql)
                try await app.testing().test(.POST, "todos", beforeRequest: { request in
                    try request.content.encode(Todo(title: "Write the guide"))
                }, afterResponse: { response async in
                    #expect(response.status == .ok)
                })
                let titles = try await Todo.query(on: app.db).sort(\.$title).all().map(\.title)
                #expect(titles == ["Buy groceries", "Do the laundry", "File taxes",
                                   "Write the guide"])
            }
        }
    }
}
#endif
