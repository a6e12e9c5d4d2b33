import Foundation
import Synchronization

/// Runs async work to its end from synchronous code that is not on one of Swift's
/// cooperative threads, and returns its result.
///
/// Two places need it, both synchronous by their framework's design: a GRDB write access (a
/// fixture load holds GRDB's writer for its whole length, so the app's writes wait in GRDB's
/// queue instead of failing with `database is locked`), and XCTest's `invokeTest()` (the test's
/// database must exist before the test's task starts, to be bound as its task-local:
/// `DatabaseTestCase`, `GRDBTestCase`). The
/// work runs on the cooperative pool while the calling thread — GRDB's writer queue, or
/// XCTest's main thread — waits, so no cooperative thread is ever blocked.
package func waitingFor<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = Outcome<Value>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let result: Result<Value, any Error>
        do {
            result = .success(try await work())
        } catch {
            result = .failure(error)
        }
        outcome.result.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return try outcome.result.withLock { $0! }.get()
}

/// Where ``waitingFor(_:)``'s work leaves its result.
private final class Outcome<Value: Sendable>: Sendable {
    let result = Mutex<Result<Value, any Error>?>(nil)
}
