import Foundation
import Testing
import SQLTestKit
import SQLTestKitTesting
import SQLTestKitTestSupport

/// What a statement gave back, to compare a recorded run with its replay cell for cell.
enum Outcome: Equatable {
    case result(columns: [[String]], values: [[SQLValue]], affected: Int, lastInsertID: Int64?)
    case row([String]?, [SQLValue]?)
    case error(QueryError.Code, String, String?)
}

/// Runs statements and keeps what each gave back, errors included.
struct Workload {
    var outcomes: [Outcome] = []

    mutating func run(_ db: any DatabaseConnection, _ query: SQLQuery) async {
        do {
            let result = try await db.execute(query)
            outcomes.append(.result(columns: result.rows.map(\.columnNames), values: result.rows.map(\.values),
                                    affected: result.rowsAffected, lastInsertID: result.lastInsertID))
        } catch let error as QueryError {
            outcomes.append(.error(error.code, error.message, error.databaseCode))
        } catch {
            outcomes.append(.error(.error, "\(error)", nil))
        }
    }

    /// A bookstore's statements: schema, hostile values, reads, writes, a constraint error and
    /// transactions that commit and roll back.
    static func bookstore(on db: any DatabaseConnection, title: String = "title", author: Int64 = 2) async throws -> [Outcome] {
        var work = Workload()
        await work.run(db, "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT UNIQUE NOT NULL, price REAL, cover BLOB, note)")
        for value in CassetteFormatTests.hostileValues {
            await work.run(db, "INSERT INTO book(title, price, cover, note) VALUES (\("t\(work.outcomes.count)"), \(0.5), \([UInt8]([1, 2])), \(value))")
        }
        await work.run(db, SQLQuery(sql: "SELECT id, \(title), price, cover, note FROM book ORDER BY id"))
        await work.run(db, "SELECT count(*) AS n, max(price) AS top FROM book WHERE id > \(author)")
        await work.run(db, "UPDATE book SET price = price * \(2) WHERE id <= \(3)")
        await work.run(db, "INSERT INTO book(title) VALUES (\("t1"))")   // a duplicate title
        do {
            try await db.transaction { db in
                await work.run(db, "DELETE FROM book WHERE id = \(1)")
                throw CancellationError()
            }
        } catch {}
        try await db.transaction { db in
            await work.run(db, "DELETE FROM book WHERE id = \(2)")
        }
        let row = try await db.fetchOne("SELECT title, note FROM book WHERE id = \(3)")
        work.outcomes.append(.row(row?.columnNames, row?.values))
        await work.run(db, "SELECT id FROM book WHERE id = \(-1)")
        await work.run(db, "SELEC nonsense")
        return work.outcomes
    }
}

@Suite("Cassettes: recorded once on SQLite, replayed on the mock")
struct CassetteReplayTests {
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-cassettes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(to path: String, title: String = "title") async throws -> [Outcome] {
        let recorder = CassetteRecordingDriver(wrapping: SQLiteDriver.inMemory())
        let db = try await recorder.connect()
        let outcomes = try await Workload.bookstore(on: db, title: title)
        await db.close()
        try recorder.cassette.write(to: path)
        return outcomes
    }

    @Test func aRecordingReplaysCellForCell() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bookstore.cassette"
        let recorded = try await Self.record(to: path)
        let mock = MockDriver(replaying: try Cassette(contentsOf: path))
        let replayed = try await Workload.bookstore(on: try await mock.connect())
        #expect(replayed.count == recorded.count)
        for (index, (got, want)) in zip(replayed, recorded).enumerated() {
            #expect(got == want, "statement \(index + 1)")
        }
        // The recording holds rows, keys, changes and errors, not only empty answers.
        #expect(recorded.contains { if case .error(.constraintUnique, _, _) = $0 { true } else { false } })
        #expect(recorded.contains { if case .error(.error, "near \"SELEC\": syntax error", _) = $0 { true } else { false } })
        #expect(recorded.contains { if case .result(_, let values, _, _) = $0 { values.count == CassetteFormatTests.hostileValues.count } else { false } })
        try mock.verify()
        // The replay logged what the code sent, so SQL assertions work on it as on any mock.
        #expect(mock.takeSQLs().first == "CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT UNIQUE NOT NULL, price REAL, cover BLOB, note)")
    }

    @Test func reRecordingAnUnchangedTestLeavesTheFileIdentical() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bookstore.cassette"
        _ = try await Self.record(to: path)
        let first = try Data(contentsOf: URL(fileURLWithPath: path))
        let recorder = CassetteRecordingDriver(wrapping: SQLiteDriver.inMemory())
        _ = try await Workload.bookstore(on: try await recorder.connect())
        #expect(try recorder.cassette.write(to: path) == false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == first)
        #expect(recorder.cassette.text.utf8.count == first.count)
    }

    @Test func aChangedQueryFailsReplayWithTheDifference() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bookstore.cassette"
        _ = try await Self.record(to: path)
        let cassette = try Cassette(contentsOf: path)
        let line = try #require(cassette.text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex(of: "> SELECT id, title, price, cover, note FROM book ORDER BY id")) + 1

        // A renamed column: the nearest recorded statement, where it is, the first differing token.
        let mock = MockDriver(replaying: cassette)
        let outcomes = try await Workload.bookstore(on: try await mock.connect(), title: "upper(title) AS title")
        guard case .error(_, let message, _)? = outcomes.first(where: { if case .error = $0 { true } else { false } }) else {
            Issue.record("the changed query was answered")
            return
        }
        #expect(message.contains("SQL:       SELECT id, upper(title) AS title, price, cover, note FROM book ORDER BY id"))
        #expect(message.contains("the cassette expects next (\(path):\(line)):"))
        #expect(message.contains("first difference at token 4"))
        #expect(message.contains("suggestion: if the change is intended, record the cassette again with SQLTESTKIT_RECORD_CASSETTES=1"))
        // One change, one failure: the statements after it still lined up.
        let verification = #expect(throws: MockVerificationError.self) { try mock.verify() }
        #expect(verification?.problems.count == 1)
        #expect(outcomes.filter { if case .error(_, let text, _) = $0 { text.contains("is not in") } else { false } }.count == 1)

        // A statement left out: the cassette's next one is reported as not sent.
        let short = MockDriver(replaying: cassette)
        let shortDB = try await short.connect()
        for entry in cassette.entries.dropLast() { _ = try? await shortDB.execute(SQLQuery(sql: entry.sql, arguments: entry.arguments)) }
        let unsent = #expect(throws: MockVerificationError.self) { try short.verify() }
        #expect(unsent?.description.contains("\(path) holds 1 statement the test did not send:\n  \(path):") == true)
        #expect(unsent?.description.contains("SELEC nonsense") == true)

        // A changed argument: the recorded arguments and the first that differs.
        let other = MockDriver(replaying: cassette)
        let db = try await other.connect()
        _ = try? await Workload.bookstore(on: db, author: 5)
        let problems = other.problems.map(\.description)
        #expect(problems.first?.contains("the cassette expects next (\(path):") == true)
        #expect(problems.first?.contains("argument 1 differs: recorded INTEGER 2, sent INTEGER 5") == true)

        // A statement sent before its turn: where it was recorded, and what to do if the order does not matter.
        let early = MockDriver(replaying: cassette)
        let error = await #expect(throws: MockMismatch.self) {
            _ = try await early.connect().execute("UPDATE book SET price = price * \(2) WHERE id <= \(3)")
        }
        #expect(error?.description.contains("the statement was recorded later (\(path):") == true)
        #expect(error?.description.contains("replay with order: .any when the order does not matter") == true)
    }

    @Test func statementsFromConcurrentTasksReplayInAnyOrder() async throws {
        let recorder = CassetteRecordingDriver(wrapping: SQLiteDriver.inMemory())
        let setup = try await recorder.connect()
        try await setup.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
        for id in 1...20 { try await setup.execute("INSERT INTO t VALUES (\(id), \("v\(id)"))") }
        for id in 1...20 { _ = try await setup.fetchAll("SELECT v FROM t WHERE id = \(id)") }
        let mock = MockDriver(replaying: recorder.cassette, order: .any)
        let db = try await mock.connect()
        try await db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
        for id in 1...20 { try await db.execute("INSERT INTO t VALUES (\(id), \("v\(id)"))") }
        let values = try await withThrowingTaskGroup(of: (Int, SQLValue?).self) { group in
            for id in (1...20).reversed() {
                group.addTask { (id, try await mock.connect().fetchOne("SELECT v FROM t WHERE id = \(id)")?["v"]) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(values.count == 20)
        #expect((1...20).allSatisfy { values[$0] == .text("v\($0)") })
        try mock.verify()
    }

    @Test func aPermutedInListReplaysButNothingLooser() async throws {
        let recorder = CassetteRecordingDriver(wrapping: SQLiteDriver.inMemory())
        let db = try await recorder.connect()
        try await db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
        try await db.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        let recorded = try await db.fetchAll(SQLQuery(sql: "SELECT v FROM t WHERE id IN (?, ?, ?) ORDER BY id", arguments: [3, 1, 2]))
        let mock = MockDriver(replaying: recorder.cassette)
        let replay = try await mock.connect()
        try await replay.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
        try await replay.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        // The same set, in the order another run of the ORM sends it.
        let rows = try await replay.fetchAll(SQLQuery(sql: "SELECT v FROM t WHERE id IN (?, ?, ?) ORDER BY id", arguments: [1, 2, 3]))
        #expect(rows == recorded)
        try mock.verify()
        // Another set is not the same statement.
        let other = MockDriver(replaying: recorder.cassette)
        let second = try await other.connect()
        try await second.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
        try await second.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        let error = await #expect(throws: MockMismatch.self) {
            _ = try await second.fetchAll(SQLQuery(sql: "SELECT v FROM t WHERE id IN (?, ?, ?) ORDER BY id", arguments: [1, 2, 4]))
        }
        #expect(error?.description.contains("the cassette expects next (entry 3):") == true)
        #expect(error?.description.contains("argument 1 differs: recorded INTEGER 3, sent INTEGER 1") == true)
    }
}
