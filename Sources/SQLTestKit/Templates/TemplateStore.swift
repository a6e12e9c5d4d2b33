import Synchronization
import SQLTestKitSQLite

/// Built templates, one per content hash for the life of the process. Concurrent requests for
/// a template not yet built wait for the same build.
final class TemplateStore: Sendable {
    static let shared = TemplateStore()

    private let builds = Mutex<[String: Task<TemplateSource, any Error>]>([:])

    func source(for template: DatabaseTemplate) async throws -> TemplateSource {
        let key = template.contentHash
        let task = builds.withLock { builds in
            if let existing = builds[key] { return existing }
            let build = Task { try await TemplateSource.build(template) }
            builds[key] = build
            return build
        }
        return try await task.value
    }
}

/// One built template, kept as the bytes of its database file (`sqlite3_serialize`). A clone
/// deserializes the bytes into a private connection and copies them into the new database with
/// SQLite's backup API, so clones of one template run in parallel with no shared connection.
final class TemplateSource: Sendable {
    /// The serialized database.
    let image: [UInt8]

    init(image: [UInt8]) { self.image = image }

    /// Builds the template in a private in-memory database (schema, seed SQL, then fixtures)
    /// and keeps its bytes.
    static func build(_ template: DatabaseTemplate) async throws -> TemplateSource {
        let configuration = SQLiteDriver.Configuration()
        let db = SQLiteDriver.Connection(handle: try SQLiteHandle.open(":memory:", configuration: configuration), cacheCapacity: 16, capability: configuration.capability)
        defer { Task { await db.close() } }
        do {
            try await db.executeScript(template.schema)
            if let builder = template.builder { try await builder(db) }
            if !template.seed.isEmpty { try await db.executeScript(template.seed) }
        } catch let error as QueryError {
            var failure = error
            failure.suggestion = "the template's \(template.seed.isEmpty ? "schema" : "schema or seed") failed to build; every test using it fails the same way until it is fixed"
            throw failure
        }
        if let fixtures = template.fixtures { try await fixtures.load(into: db) }
        return TemplateSource(image: try db.withDatabasePointer { try SQLiteImage(serializing: $0) }.bytes)
    }

    /// Makes `db`'s main database a private, writable copy of the template, in memory.
    func load(into db: OpaquePointer) throws {
        try SQLiteImage(bytes: image).deserialize(into: db)
    }

    /// Replaces the database behind `destination` (a shared in-memory database) with a copy
    /// of the template, through a private connection and the backup API.
    func copy(into destination: OpaquePointer) throws {
        var scratch: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &scratch, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let scratch else {
            throw QueryError(code: .cannotOpen, message: "cannot open a connection to copy the template through")
        }
        defer { sqlite3_close_v2(scratch) }
        try load(into: scratch)
        guard let backup = sqlite3_backup_init(destination, "main", scratch, "main") else {
            throw QueryError(code: .init(rawValue: sqlite3_errcode(destination)),
                             message: "cannot copy the template: \(String(cString: sqlite3_errmsg(destination)))")
        }
        let step = sqlite3_backup_step(backup, -1)
        let finish = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finish == SQLITE_OK else {
            throw QueryError(code: .init(rawValue: step == SQLITE_DONE ? finish : step),
                             message: "copying the template failed: \(String(cString: sqlite3_errmsg(destination)))")
        }
    }
}
