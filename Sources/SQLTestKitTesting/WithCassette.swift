import Foundation
import IssueReporting
import SQLTestKit

/// Whether a test records its cassette on the real database or replays it on a mock.
public enum CassetteMode: Sendable, Hashable {
    /// Replay when the cassette exists, record when it does not; record every cassette when
    /// the environment variable `SQLTESTKIT_RECORD_CASSETTES=1` is set.
    case automatic
    /// Record, whether or not the cassette exists (the per-test switch).
    case record
    /// Replay; a missing cassette fails the test instead of being recorded.
    case replay
}

/// Runs `body` on a database whose statements are recorded once and then replayed without it.
///
/// The first run (or any run with `SQLTESTKIT_RECORD_CASSETTES=1`, or `mode: .record`)
/// opens a database of the test's own from `source`, runs `body` on it, and writes every
/// statement with its answer to the cassette `__SQLCassettes__/<test file>/<test name>.cassette`
/// next to the test. Every later run replays it: `body` gets a connection to a
/// `MockDriver` that answers from the cassette, so the test needs no database or server.
///
/// ```swift
/// @Test func listsTitles() async throws {
///     try await withCassette(recordingOn: template) { db in
///         #expect(try await BookStore(db).titles() == ["Dune", "Emma"])
///     }
/// }
/// ```
///
/// Recording reports a new or changed cassette as a test failure, asking you to check it in
/// (as SQL snapshots do); an unchanged one is left byte for byte as it was. Replaying, a
/// statement the cassette does not hold throws `MockMismatch` with the nearest recorded
/// statement and the first difference, and statements recorded but no longer sent fail the
/// test. Statements are expected in the recorded order; pass `replayOrder: .any` for code
/// whose concurrent tasks interleave differently on each run. Give `named:` for a second
/// cassette in one test, and list `__SQLCassettes__` in the test target's `exclude:`.
///
/// `source` is called only to record, so making it may need the database — a template
/// migrated on a server (`{ try await todoTemplate.value }`) — and replaying still needs none.
nonisolated(nonsending)
public func withCassette<Source: IsolatedDatabaseSource, Result>(
    named name: String? = nil,
    recordingOn source: () async throws -> Source,
    mode: CassetteMode = .automatic,
    replayOrder: Cassette.ReplayOrder = .recorded,
    directory: String? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, function: StaticString = #function,
    line: UInt = #line, column: UInt = #column,
    _ body: (any DatabaseConnection) async throws -> Result
) async throws -> Result {
    let session = CassetteSession(name: name, mode: mode, directory: directory, fileID: fileID, filePath: filePath, function: function,
                                  line: line, column: column)
    if session.records {
        let opened = try await session.openingDatabase(source)
        let db = opened.database
        let result: Result
        do {
            result = try await IsolatedDatabase.$current.withValue(db) { try await body(opened.recorder.recording(db)) }
        } catch {
            try? await opened.source.closeIsolated(db)
            throw error
        }
        try await opened.source.closeIsolated(db)
        session.finishRecording(opened.recorder.cassette)
        return result
    }
    let mock = try session.replayingMock(order: replayOrder)
    let result = try await body(try await mock.connect())
    session.finishReplaying(mock)
    return result
}

/// `withCassette(recordingOn:_:)`
/// with a source made ahead: a `DatabaseTemplate`, or a `PostgresTemplate` (which reaches
/// its server only when a database is opened, so replaying needs none). Pass a closure
/// instead when making the source itself needs the database (a template migrated on a
/// server): it is only called to record.
///
/// ```swift
/// try await withCassette(recordingOn: template) { db in
///     #expect(try await BookStore(db).titles() == ["Dune", "Emma"])
/// }
/// ```
nonisolated(nonsending)
public func withCassette<Result>(
    named name: String? = nil,
    recordingOn source: some IsolatedDatabaseSource,
    mode: CassetteMode = .automatic,
    replayOrder: Cassette.ReplayOrder = .recorded,
    directory: String? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, function: StaticString = #function,
    line: UInt = #line, column: UInt = #column,
    _ body: (any DatabaseConnection) async throws -> Result
) async throws -> Result {
    try await withCassette(named: name, recordingOn: { source }, mode: mode, replayOrder: replayOrder, directory: directory,
                           fileID: fileID, filePath: filePath, function: function, line: line, column: column, body)
}

/// `withCassette(recordingOn:_:)`
/// for code that takes a driver: recording, `body` gets `makeDriver()`'s driver with every
/// connection recorded; replaying, a `MockDriver` answering from the cassette.
///
/// ```swift
/// try await withCassette(recordingOn: { SQLiteDriver.inMemory() }) { driver in
///     let store = BookStore(driver: driver)
///     // ...
/// }
/// ```
nonisolated(nonsending)
public func withCassette<Result>(
    named name: String? = nil,
    recordingOn makeDriver: () async throws -> any DatabaseDriver,
    mode: CassetteMode = .automatic,
    replayOrder: Cassette.ReplayOrder = .recorded,
    directory: String? = nil,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, function: StaticString = #function,
    line: UInt = #line, column: UInt = #column,
    _ body: (any DatabaseDriver) async throws -> Result
) async throws -> Result {
    let session = CassetteSession(name: name, mode: mode, directory: directory, fileID: fileID, filePath: filePath, function: function,
                                  line: line, column: column)
    if session.records {
        let driver = CassetteRecordingDriver(wrapping: try await session.openingDatabase { try await makeDriver() })
        let result = try await body(driver)
        session.finishRecording(driver.cassette)
        return result
    }
    let mock = try session.replayingMock(order: replayOrder)
    let result = try await body(mock)
    session.finishReplaying(mock)
    return result
}

/// A cassette that cannot be used: missing when it must be replayed, or unreadable, or the
/// database to record it on cannot be opened.
public struct CassetteError: Error, Sendable, CustomStringConvertible {
    /// The cassette file.
    public var path: String
    /// What went wrong.
    public var message: String
    /// What to do about it.
    public var suggestion: String

    public var description: String { "\(message)\n  cassette: \(path)\n  suggestion: \(suggestion)" }
}

/// One test's use of its cassette: where it is, whether this run records it, and the reports
/// at the end.
struct CassetteSession {
    static let recordVariable = "SQLTESTKIT_RECORD_CASSETTES"

    let path: String
    let exists: Bool
    let records: Bool
    let fileID: StaticString
    let filePath: StaticString
    let line: UInt
    let column: UInt

    init(name: String?, mode: CassetteMode, directory: String?, fileID: StaticString, filePath: StaticString, function: StaticString,
         line: UInt, column: UInt) {
        path = TestArtifact.path(filePath: "\(filePath)", function: "\(function)", name: name, directory: directory,
                                 folder: "__SQLCassettes__", fileExtension: "cassette")
        exists = FileManager.default.fileExists(atPath: path)
        records = switch mode {
        case .record: true
        case .replay: false
        case .automatic: !exists || TestArtifact.isSet(Self.recordVariable)
        }
        (self.fileID, self.filePath, self.line, self.column) = (fileID, filePath, line, column)
    }

    /// Opens the database to record on; when it cannot be opened, says that recording needed it.
    nonisolated(nonsending)
    func openingDatabase<Database>(_ open: () async throws -> Database) async throws -> Database {
        do {
            return try await open()
        } catch {
            throw CassetteError(
                path: path,
                message: (exists ? "recording the cassette" : "there is no cassette yet, and recording it") + " needs the database, which did not open: \(error)",
                suggestion: exists ? "replay it (unset \(Self.recordVariable)), or make the database available"
                    : "run the test once where the database is available and check the cassette in")
        }
    }

    /// Makes the source and opens a database of the test's own from it, with a recorder for it.
    nonisolated(nonsending)
    func openingDatabase<Source: IsolatedDatabaseSource>(_ makeSource: () async throws -> Source) async throws
        -> (database: any DatabaseConnection, source: Source, recorder: CassetteRecorder) {
        let (db, source) = try await openingDatabase { () async throws -> (any DatabaseConnection, Source) in
            let source = try await makeSource()
            return (try await source.openIsolated(), source)
        }
        return (db, source, CassetteRecorder(capability: db.capability))
    }

    func replayingMock(order: Cassette.ReplayOrder) throws -> MockDriver {
        guard exists else {
            throw CassetteError(path: path, message: "the test replays its cassette, and there is none",
                                suggestion: "record it once with \(Self.recordVariable)=1 (or mode: .record) where the database is available")
        }
        do {
            return MockDriver(replaying: try Cassette(contentsOf: path), order: order)
        } catch let error as CassetteFormatError {
            throw CassetteError(path: path, message: "the cassette cannot be read: \(error.description)",
                                suggestion: "record it again with \(Self.recordVariable)=1")
        }
    }

    func finishRecording(_ cassette: Cassette) {
        do {
            guard try cassette.write(to: path) else { return }
            let count = cassette.entries.count
            reportIssue("\(exists ? "Recorded a changed cassette" : "Recorded a new cassette") at \(path) (\(count) statement\(count == 1 ? "" : "s")); review it, check it in and run the test again",
                        fileID: fileID, filePath: filePath, line: line, column: column)
        } catch {
            reportIssue("cannot write the cassette \(path): \(error)", fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }

    func finishReplaying(_ mock: MockDriver) {
        for problem in mock.problems {
            reportIssue("replaying \(path):\n\(problem)", fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }
}
