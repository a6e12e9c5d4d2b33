import Foundation
import Testing
import SQLTestKit
import SQLTestKitTesting
import SQLTestKitTestSupport

/// A source that fails the test if anything opens it: replaying must not need the database.
struct NoDatabase: IsolatedDatabaseSource {
    func openIsolated() async throws -> any DatabaseConnection {
        Issue.record("the database was opened while replaying")
        throw QueryError(code: .cannotOpen, message: "no database here")
    }

    func closeIsolated(_ db: any DatabaseConnection) async throws {}
}

@Suite("withCassette: record when missing or asked, replay otherwise")
struct WithCassetteTests {
    static let template = DatabaseTemplate(schema: "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL);",
                                           seed: "INSERT INTO book(title) VALUES ('Dune'), ('Emma');")

    static func titles(_ db: any DatabaseConnection) async throws -> [String] {
        try await db.fetchAll("SELECT title FROM book ORDER BY id").compactMap { $0["title"]?.string }
    }

    @Test func recordsWhenMissingThenReplaysWithoutTheDatabase() async throws {
        let directory = try CassetteReplayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/WithCassetteTests/listsTitles.cassette"
        func listsTitles(_ source: some IsolatedDatabaseSource, mode: CassetteMode = .automatic) async throws -> [String] {
            try await withCassette(recordingOn: source, mode: mode, directory: directory, function: "listsTitles()") { db in
                try await db.execute("UPDATE book SET title = upper(title) WHERE id = \(2)")
                return try await Self.titles(db)
            }
        }
        var titles: [String] = []
        let recorded = try await CollectedIssues.during { titles = try await listsTitles(Self.template) }
        #expect(titles == ["Dune", "EMMA"])
        #expect(recorded == ["Recorded a new cassette at \(path) (2 statements); review it, check it in and run the test again"])
        #expect(FileManager.default.fileExists(atPath: path))

        let replayed = try await CollectedIssues.during { titles = try await listsTitles(NoDatabase()) }
        #expect(titles == ["Dune", "EMMA"])
        #expect(replayed.isEmpty)

        // Recording again, unchanged: nothing to report, the file untouched.
        let again = try await CollectedIssues.during { titles = try await listsTitles(Self.template, mode: .record) }
        #expect(again.isEmpty)
        // The test's changes did not outlive it: the template's database is as it was.
        #expect(try await IsolatedDatabase.with(Self.template) { try await Self.titles($0) } == ["Dune", "Emma"])
    }

    @Test func replayModeWithoutACassetteFails() async throws {
        let directory = try CassetteReplayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = await #expect(throws: CassetteError.self) {
            try await withCassette(recordingOn: NoDatabase(), mode: .replay, directory: directory) { _ in }
        }
        #expect(error?.message == "the test replays its cassette, and there is none")
        #expect(error?.suggestion == "record it once with SQLTESTKIT_RECORD_CASSETTES=1 (or mode: .record) where the database is available")
        // Missing, and no database to record it on.
        let noServer: () async throws -> any DatabaseDriver = { throw QueryError(code: .cannotOpen, message: "no server") }
        let unavailable = await #expect(throws: CassetteError.self) {
            try await withCassette(recordingOn: noServer, directory: directory) { (_: any DatabaseDriver) in }
        }
        #expect(unavailable?.message.hasPrefix("there is no cassette yet, and recording it needs the database, which did not open: ") == true)
    }

    @Test func aTestThatNoLongerSendsARecordedStatementFails() async throws {
        let directory = try CassetteReplayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await CollectedIssues.during {
            try await withCassette(recordingOn: { SQLiteDriver.inMemory() }, directory: directory, function: "shrinks()") { driver in
                let db = try await driver.connect()
                try await db.execute("CREATE TABLE t(x)")
                try await db.execute("INSERT INTO t VALUES (1)")
            }
        }
        let issues = try await CollectedIssues.during {
            try await withCassette(recordingOn: { SQLiteDriver.inMemory() }, directory: directory, function: "shrinks()") { driver in
                let db = try await driver.connect()
                try await db.execute("CREATE TABLE t(x)")
            }
        }
        #expect(issues.count == 1)
        #expect(issues.first?.contains("holds 1 statement the test did not send:") == true)
        #expect(issues.first?.contains("shrinks.cassette:8: INSERT INTO t VALUES (1)") == true)
    }
}
