#if Fluent && PostgreSQL
import Fluent
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import SQLTestKitTesting
import Testing
import VaporTesting

// The PostgreSQL examples of SQLTestKit's "A mock you can trust" article, on the Vapor app in
// App/: a mock checked against the app's schema on the test server, and a test recorded once
// on PostgreSQL and replayed without it.

@Suite(.enabled(if: PostgresTestServer.isAvailable || ProcessInfo.processInfo.environment["SQLTESTKIT_REQUIRE_POSTGRES"] != nil,
                Comment(rawValue: PostgresTestServer.howToEnable)))
struct CheckedTodoMockTests {
    @Test func listingOpenTodosOnACheckedMock() async throws {
        let schema = try await todoTemplate.value.schema   // from the app's migrations
        let mock = try await MockDriver.postgres(schema: MockSchema(sql: schema))
        mock.script(.normalized("""
            SELECT todos.id AS todos_id, todos.title AS todos_title,
                   todos.status AS todos_status, todos.due AS todos_due
            FROM todos WHERE todos.status = 'open' ORDER BY todos.title ASC
            """), rows: [[
                "todos_id": "6c8a2f0e-5b1d-4c3a-9e7f-0a1b2c3d4e5f",
                "todos_title": "Buy groceries", "todos_status": "open", "todos_due": nil,
            ]])
        try await withApp(configure: { try await configure($0) }) { app in
            try app.databases.useSQLTestKit(mock)
            try await app.testing().test(.GET, "todos") { response async throws in
                let todos = try response.content.decode([Todo].self)
                #expect(todos.map(\.title) == ["Buy groceries"])
            }
        }
        try mock.verify()
    }
}

@Suite struct TodoCassetteTests {
    @Test func markingATodoDone() async throws {
        // Making the template needs the server; replaying does not call this closure.
        try await withCassette(recordingOn: { try await todoTemplate.value }) { db in
            try await withApp(configure: { try await configure($0) }) { app in
                try app.databases.useSQLTestKit(db)
                try await TodoTests().markingGroceriesDoneLeavesTheLaundry(app)
            }
        }
    }
}
#endif
