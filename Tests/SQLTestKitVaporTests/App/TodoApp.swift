#if Fluent && PostgreSQL
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

// A small Vapor app as Vapor's template makes it: a Todo model, its migration, routes, and a
// `configure` that picks PostgreSQL (the template's default) or SQLite.

final class Todo: Model, Content, @unchecked Sendable {
    static let schema = "todos"

    enum Status: String, Codable, Sendable { case open, done }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Enum(key: "status") var status: Status
    @OptionalField(key: "due") var due: Date?

    init() {}
    init(id: UUID? = nil, title: String, status: Status = .open, due: Date? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.due = due
    }
}

struct CreateTodo: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let status = try await database.enum("todo_status").case("open").case("done").create()
        try await database.schema("todos").id()
            .field("title", .string, .required)
            .field("status", status, .required)
            .field("due", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("todos").delete()
        try await database.enum("todo_status").delete()
    }
}

/// The app's databases, migrations and routes, as `configure.swift` sets them up.
func configure(_ app: Application, database: TodoDatabase = .postgres) async throws {
    switch database {
    case .postgres:
        // Production reads DATABASE_URL; tests replace the database after this runs.
        app.databases.use(.postgres(configuration: SQLPostgresConfiguration(
            hostname: Environment.get("DATABASE_HOST") ?? "localhost", username: "vapor", password: "vapor",
            database: "vapor_database", tls: .disable)), as: .psql)
    case .sqlite:
        app.databases.use(.sqlite(.file("db.sqlite")), as: .sqlite)
    }
    app.migrations.add(CreateTodo())
    try routes(app)
}

enum TodoDatabase { case postgres, sqlite }

func routes(_ app: Application) throws {
    let todos = app.grouped("todos")
    todos.get { req async throws -> [Todo] in
        try await Todo.query(on: req.db).filter(\.$status == .open).sort(\.$title).all()
    }
    todos.post { req async throws -> Todo in
        let todo = try req.content.decode(Todo.self)
        try await todo.save(on: req.db)
        return todo
    }
    todos.post(":id", "done") { req async throws -> Todo in
        guard let todo = try await Todo.find(req.parameters.get("id"), on: req.db) else { throw Abort(.notFound) }
        todo.status = .done
        try await req.db.transaction { db in try await todo.save(on: db) }
        return todo
    }
}
#endif
