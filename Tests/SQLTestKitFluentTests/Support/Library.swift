#if Fluent
import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLTestKit
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A small Fluent app: authors, books with a parent, tags through a pivot.
final class Author: Model, @unchecked Sendable {
    static let schema = "author"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Children(for: \.$author) var books: [Book]

    init() {}
    init(id: UUID? = nil, name: String) {
        self.id = id
        self.name = name
    }
}

final class Book: Model, @unchecked Sendable {
    static let schema = "book"
    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "pages") var pages: Int
    @OptionalField(key: "subtitle") var subtitle: String?
    @Parent(key: "author_id") var author: Author
    @Siblings(through: BookTag.self, from: \.$book, to: \.$tag) var tags: [Tag]

    init() {}
    init(id: UUID? = nil, title: String, pages: Int, authorID: UUID) {
        self.id = id
        self.title = title
        self.pages = pages
        self.$author.id = authorID
    }
}

final class Tag: Model, @unchecked Sendable {
    static let schema = "tag"
    @ID(custom: .id) var id: Int?
    @Field(key: "name") var name: String

    init() {}
    init(name: String) { self.name = name }
}

final class BookTag: Model, @unchecked Sendable {
    static let schema = "book_tag"
    @ID(key: .id) var id: UUID?
    @Parent(key: "book_id") var book: Book
    @Parent(key: "tag_id") var tag: Tag

    init() {}
}

struct CreateLibrary: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("author").id().field("name", .string, .required).create()
        try await database.schema("book").id()
            .field("title", .string, .required)
            .field("pages", .int, .required)
            .field("subtitle", .string)
            .field("author_id", .uuid, .required, .references("author", "id"))
            .create()
        try await database.schema("tag").field(.id, .int, .identifier(auto: true)).field("name", .string, .required).create()
        try await database.schema("book_tag").id()
            .field("book_id", .uuid, .required, .references("book", "id"))
            .field("tag_id", .int, .required, .references("tag", "id"))
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["book_tag", "tag", "book", "author"] { try await database.schema(table).delete() }
    }
}

/// Collects what sqlite-kit logs at debug level for each query: the SQL and its binds, as
/// fluent-sqlite-driver sends them.
final class QueryCapture: LogHandler, @unchecked Sendable {
    private let entries = Mutex<[(sql: String, binds: [String])]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message.description == "Executing query", case .string(let sql)? = event.metadata?["sql"] else { return }
        var binds: [String] = []
        if case .array(let values)? = event.metadata?["binds"] { binds = values.map { "\($0)" } }
        entries.withLock { $0.append((sql, binds)) }
    }

    /// Each statement's SQL and binds: `SELECT … WHERE "id" = $1 ["5"]`.
    var statements: [String] { entries.withLock { $0.map { $0.sql + " " + $0.binds.description } } }
    /// Each statement's SQL alone.
    var sqls: [String] { entries.withLock { $0.map(\.sql) } }
}

extension SQLValue {
    /// The value as sqlite-kit writes a bind into its log.
    var fluentDescription: String {
        switch self {
        case .null: "\(SQLiteData.null)"
        case .integer(let value): "\(SQLiteData.integer(Int(value)))"
        case .real(let value): "\(SQLiteData.float(value))"
        case .text(let value): value   // sqlite-kit writes text binds as they are
        case .blob(let bytes): "\(SQLiteData.blob(ByteBuffer(bytes: bytes)))"
        }
    }
}

/// A loan: a date field, timestamps, soft delete and an enum stored as a string.
final class Loan: Model, @unchecked Sendable {
    static let schema = "loan"

    enum Status: String, Codable, Sendable { case open, returned }

    @ID(key: .id) var id: UUID?
    @Parent(key: "book_id") var book: Book
    @Field(key: "due") var due: Date
    @Enum(key: "status") var status: Status
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}
    init(bookID: UUID, due: Date, status: Status) {
        self.$book.id = bookID
        self.due = due
        self.status = status
    }
}

struct CreateLoan: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let status = try await database.enum("loan_status").case("open").case("returned").create()
        try await database.schema("loan").id()
            .field("book_id", .uuid, .required, .references("book", "id"))
            .field("due", .datetime, .required)
            .field("status", status, .required)
            .field("created_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("loan").delete()
        try await database.enum("loan_status").delete()
    }
}
#endif
