#if Fluent
import FluentKit
import Foundation
import NIOCore
import SQLKit
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTestSupport
import Testing

/// Code inside a Fluent transaction that sends on the outer database instead of the one the
/// closure is given would wait for its own transaction. It fails at once, naming what it sent.
/// Before the fix, each of these waited forever; each now fails after 10 s if it waits.
@Suite("Fluent: the outer database inside its own transaction")
struct FluentDeadlockTests {
    @Test func aCreateOnTheOuterDatabaseFailsInsteadOfWaitingAndTheTransactionRollsBack() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let (db, databases) = try fluentDatabase(on: connection)
            let error = await #expect(throws: FluentDeadlockError.self) {
                try await within(seconds: 10) {
                    try await db.transaction { tx in
                        try await Tag(name: "inside").create(on: tx)
                        try await Tag(name: "outer").create(on: db)
                    }
                }
            }
            #expect(error?.sql == #"INSERT INTO "tag" ("id", "name") VALUES (NULL, ?1) RETURNING "id""#)
            #expect(error?.description == """
                `INSERT INTO "tag" ("id", "name") VALUES (NULL, ?1) RETURNING "id"` was sent on the outer Fluent \
                database by code running inside its own `transaction { }` (or `withConnection { }`, \
                `withSession { }`) closure, which holds the database's connection until it returns: this \
                would wait for the closure, and the closure for it, forever
                  suggestion: use the database the closure is given (`try await db.transaction { tx in \
                try await Planet.query(on: tx).all() }`, not `on: db`); a task the closure starts to run \
                after the transaction can be started with `Task.detached`
                """)
            // The transaction rolled back, and the connection is free again.
            let names = try await Tag.query(on: db).all().map(\.name)
            #expect(names == ["classic"])
            try await Tag(name: "after").create(on: db)
            #expect(try await Tag.query(on: db).count() == 2)
            await databases.shutdownAsync()
        }
    }

    @Test func aTransactionOrSessionOnTheOuterDatabaseFailsToo() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let (db, databases) = try fluentDatabase(on: connection)
            let nested = await #expect(throws: FluentDeadlockError.self) {
                try await within(seconds: 10) {
                    try await db.transaction { _ in try await db.transaction { tx in try await Tag(name: "x").create(on: tx) } }
                }
            }
            #expect(nested?.sql == nil)
            #expect(nested?.description.hasPrefix("a transaction or session was started on the outer Fluent database") == true)
            let sql = try #require(db as? any SQLDatabase)
            let session = await #expect(throws: FluentDeadlockError.self) {
                try await within(seconds: 10) { try await db.transaction { _ in try await sql.withSession { _ in } } }
            }
            #expect(session?.sql == nil)
            // A nested transaction on the closure's database still runs inside the outer one.
            try await db.transaction { tx in try await tx.transaction { inner in try await Tag(name: "nested").create(on: inner) } }
            #expect(try await Tag.query(on: db).filter(\.$name == "nested").count() == 1)
            await databases.shutdownAsync()
        }
    }

    @Test func aDetachedTaskOrAnotherRequestStillWaitsItsTurn() async throws {
        try await IsolatedDatabase.with(try await LibraryTemplate.template.value) { connection in
            let (db, databases) = try fluentDatabase(on: connection)
            // Started detached inside the closure, not awaited there: it takes its turn after the commit.
            let later = try await db.transaction { tx in
                let later = Task.detached { try await Tag(name: "later").create(on: db) }
                try await Tag(name: "inside").create(on: tx)
                return later
            }
            try await later.value
            let names = try await Tag.query(on: db).sort(\.$id).all().map(\.name)
            #expect(names == ["classic", "inside", "later"])
            // A task the closure starts runs for the transaction: on the outer database, it fails
            // rather than wait (awaited in the closure, it would wait forever).
            let child = try await within(seconds: 10) {
                try await db.transaction { _ in await Task { try await Tag(name: "child").create(on: db) }.result }
            }
            #expect(throws: FluentDeadlockError.self) { try child.get() }
            let grouped = await #expect(throws: FluentDeadlockError.self) {
                try await within(seconds: 10) {
                    try await db.transaction { _ in
                        async let count = Tag.query(on: db).count()
                        _ = try await count
                    }
                }
            }
            #expect(grouped?.sql?.hasPrefix("SELECT COUNT(") == true)
            // Requests of other tasks at the same time as transactions still take turns.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            try await db.transaction { tx in try await Tag(name: "t\(index)").create(on: tx) }
                        } else {
                            try await Tag(name: "p\(index)").create(on: db)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Tag.query(on: db).count() == 23)
            // The futures API: a transaction's closure of futures is watched the same way.
            let futures = await #expect(throws: FluentDeadlockError.self) {
                try await within(seconds: 10) {
                    try await db.transaction { (_: any Database) -> EventLoopFuture<Void> in
                        Tag(name: "future").create(on: db)
                    }.get()
                }
            }
            #expect(futures?.sql?.hasPrefix("INSERT INTO") == true)
            await databases.shutdownAsync()
        }
    }
}
#endif
