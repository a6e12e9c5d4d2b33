#if Fluent
import FluentKit
import Foundation
import SQLKit
import SQLTestKit
import SQLTestKitFluent
import Testing

/// Many requests at once on one isolated database, as a Vapor app under test sees them: no
/// statement of one request may land in another request's transaction, and no row is lost.
@Suite("Fluent under 200 concurrent requests")
struct FluentConcurrencyTests {
    /// What each request does, chosen by its number.
    enum Request: CaseIterable {
        /// A plain create: must be kept.
        case create
        /// A Fluent transaction that commits two creates: both kept.
        case committedTransaction
        /// A Fluent transaction that throws after a create: nothing kept.
        case failedTransaction
        /// Raw SQLKit BEGIN … ROLLBACK inside withConnection: nothing kept.
        case rawRollback
        /// Raw SQLKit BEGIN … COMMIT inside withConnection: kept.
        case rawCommit
    }

    struct Abort: Error {}

    @Test func tenRunsOf200MixedRequestsKeepExactlyTheRowsTheyShould() async throws {
        var lost: [Int] = []
        for run in 0..<10 {
            try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
                let (db, databases) = try fluentDatabase(on: connection)
                let before = try await Tag.query(on: db).count()
                let expected = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<200 {
                        let request = Request.allCases[index % Request.allCases.count]
                        group.addTask { try await Self.perform(request, index: index, run: run, on: db) }
                    }
                    return try await group.reduce(0, +)
                }
                let after = try await Tag.query(on: db).count()
                #expect(expected == 200 / 5 * 4)
                if after - before != expected { lost.append(expected - (after - before)) }
                // No row of a request that rolled back is there; every kept one is.
                let names = Set(try await Tag.query(on: db).all().map(\.name))
                for index in 0..<200 {
                    let request = Request.allCases[index % Request.allCases.count]
                    switch request {
                    case .create, .rawCommit:
                        #expect(names.contains("r\(run)-\(index)"), "run \(run): request \(index) (\(request)) lost its row")
                    case .committedTransaction:
                        #expect(names.contains("r\(run)-\(index)-a") && names.contains("r\(run)-\(index)-b"), "run \(run): \(index)")
                    case .failedTransaction, .rawRollback:
                        #expect(!names.contains("r\(run)-\(index)"), "run \(run): \(index) (\(request)) kept a row")
                    }
                }
                await databases.shutdownAsync()
            }
        }
        #expect(lost.isEmpty, "rows lost per run: \(lost)")
    }

    /// Runs one request; returns how many rows it should leave.
    static func perform(_ request: Request, index: Int, run: Int, on db: any Database) async throws -> Int {
        let name = "r\(run)-\(index)"
        switch request {
        case .create:
            try await Tag(name: name).create(on: db)
            return 1
        case .committedTransaction:
            try await db.transaction { tx in
                try await Tag(name: name + "-a").create(on: tx)
                await Task.yield()
                try await Tag(name: name + "-b").create(on: tx)
            }
            return 2
        case .failedTransaction:
            do {
                try await db.transaction { tx in
                    try await Tag(name: name).create(on: tx)
                    await Task.yield()
                    throw Abort()
                }
            } catch is Abort {}
            return 0
        case .rawRollback, .rawCommit:
            let commit = request == .rawCommit
            let sql = try #require(db as? any SQLDatabase)
            try await sql.withSession { session in
                try await session.raw("BEGIN").run()
                try await session.raw("INSERT INTO tag(name) VALUES (\(bind: name))").run()
                await Task.yield()
                try await session.raw(commit ? "COMMIT" : "ROLLBACK").run()
            }
            return commit ? 1 : 0
        }
    }

    @Test func rawTransactionControlOutsideATransactionIsRefusedBeforeItRuns() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let (db, databases) = try fluentDatabase(on: connection)
            let sql = try #require(db as? any SQLDatabase)
            for statement in ["BEGIN", "begin transaction", "/* x */ START TRANSACTION", "COMMIT", "ROLLBACK"] {
                let error = await #expect(throws: FluentRawTransactionError.self) { try await sql.raw(SQLQueryString(statement)).run() }
                #expect(error?.description.contains("db.withConnection") == true)
            }
            // Nothing was sent: the connection's test transaction is as it was.
            #expect(connection.transactionState.depth == 1)
            await databases.shutdownAsync()
        }
    }
}
#endif
