#if Fluent && PostgreSQL
import FluentKit
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitPostgres
import SQLTestKitTesting
import SQLTestKitTestSupport
import Testing

/// A Fluent test on PostgreSQL recorded once on the test server, replayed without one.
enum FluentCassette {
    static let ann = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
    static let frank = UUID(uuidString: "00000000-0000-0000-0000-0000000000A2")!
    static let dune = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!
    static let justice = UUID(uuidString: "00000000-0000-0000-0000-0000000000B2")!

    /// The committed cassette, next to this file.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__SQLCassettes__").path
    static let path = directory + "/FluentCassetteTests/library.cassette"

    /// A Fluent test's work on a library, and what it read.
    static func library(on db: any Database) async throws -> [String] {
        try await CreateLibrary().prepare(on: db)
        try await Author(id: ann, name: "Ann Leckie").create(on: db)
        try await Author(id: frank, name: "Frank Herbert").create(on: db)
        try await Book(id: dune, title: "Dune", pages: 412, authorID: frank).create(on: db)
        try await Book(id: justice, title: "Ancillary Justice", pages: 386, authorID: ann).create(on: db)
        let tag = Tag(name: "classic")
        try await tag.create(on: db)
        var read = ["tag \(tag.id ?? 0)"]
        let long = try await Book.query(on: db).filter(\.$pages > 400).with(\.$author).all()
        read += long.map { "\($0.title) by \($0.author.name)" }
        read.append("books \(try await Book.query(on: db).count())")
        try await db.transaction { db in
            try await Book.query(on: db).filter(\.$title == "Dune").set(\.$subtitle, to: "Desert planet").update()
        }
        read.append("subtitle \(try await Book.find(dune, on: db)?.subtitle ?? "none")")
        do {
            try await Author(id: ann, name: "Ann again").create(on: db)
            read.append("a duplicate key was accepted")
        } catch {
            read.append("refused: \((error as? QueryError).map { "\($0.databaseCode ?? "") \($0.code.caseName)" } ?? "\(error)")")
        }
        try await Book.query(on: db).filter(\.$pages < 400).delete()
        read.append("left \(try await Book.query(on: db).all().map(\.title))")
        return read
    }

    static let expected = [
        "tag 1", "Dune by Frank Herbert", "books 2", "subtitle Desert planet",
        "refused: 23505 constraintPrimaryKey", #"left ["Dune"]"#,
    ]
}

@Suite("A Fluent test on PostgreSQL replayed from its cassette, with no server")
struct FluentCassetteTests {
    @Test func replaysWithoutAServer() async throws {
        let noServer: () async throws -> any SQLTestKit.DatabaseDriver = {
            Issue.record("replaying needed the server")
            throw QueryError(code: .cannotOpen, message: "no server")
        }
        let read = try await withCassette(named: nil, recordingOn: noServer, mode: .replay, directory: FluentCassette.directory,
                                          function: "library()") { driver in
            try await FluentPostgresTesting.withFluent(.sqlTestKit(driver)) { db in try await FluentCassette.library(on: db) }
        }
        #expect(read == FluentCassette.expected)
    }

    @Test func aChangedFluentQueryFailsReplayWithTheDifference() async throws {
        let mock = MockDriver(replaying: try Cassette(contentsOf: FluentCassette.path))
        let error = await #expect(throws: (any Error).self) {
            try await FluentPostgresTesting.withFluent(.sqlTestKit(mock)) { db in
                try await CreateLibrary().prepare(on: db)
                try await Author(id: FluentCassette.ann, name: "Ann Leckie").create(on: db)
                try await Author(id: FluentCassette.frank, name: "Frank Herbert").create(on: db)
                _ = try await Book.query(on: db).filter(\.$pages > 400).all()   // the test reads books before creating them now
            }
        }
        let text = String(describing: error ?? QueryError(code: .error, message: ""))
        #expect(text.contains("is not in \(FluentCassette.path):"))
        #expect(text.contains("the cassette expects next (\(FluentCassette.path):"))
        #expect(text.contains("first difference at token 1: recorded `INSERT`, sent has `SELECT`"))
        #expect(text.contains("the statement was recorded later (\(FluentCassette.path):"))
    }
}

extension FluentOnPostgreSQL {
    @Suite("Fluent cassettes recorded on the test server")
    struct Cassettes {
        @Test func recordingAgainGivesTheCommittedCassetteByteForByte() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-fluent-cassette-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var read: [String] = []
            let issues = try await CollectedIssues.during {
                read = try await FluentPostgresTesting.withDatabase { configuration in
                    try await withCassette(recordingOn: { PostgresDriver(configuration: configuration) }, mode: .record, directory: directory,
                                           function: "library()") { driver in
                        try await FluentPostgresTesting.withFluent(.sqlTestKit(driver)) { db in try await FluentCassette.library(on: db) }
                    }
                }
            }
            #expect(read == FluentCassette.expected)
            #expect(issues.count == 1)
            #expect(issues.first?.hasPrefix("Recorded a new cassette at \(directory)/FluentCassetteTests/library.cassette") == true)
            let recorded = try String(contentsOfFile: directory + "/FluentCassetteTests/library.cassette", encoding: .utf8)
            let committed = try String(contentsOfFile: FluentCassette.path, encoding: .utf8)
            #expect(recorded == committed, "the committed cassette is out of date: copy \(directory)/FluentCassetteTests/library.cassette over it")
        }
    }
}
#endif
