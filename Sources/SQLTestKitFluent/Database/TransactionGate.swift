#if Fluent
import Synchronization

/// Lets one holder at a time use a shared connection — a Fluent transaction, a
/// `withConnection` closure, or one plain statement: a second `BEGIN` there would fail
/// ("cannot start a transaction within a transaction"), and a plain statement of another task
/// would land inside the open transaction. Waiting suspends the task (it never blocks a
/// thread), and waiters go in the order they came.
final class TransactionGate: Sendable {
    /// One holding of the gate. Code that runs for the holder — the closure of a transaction,
    /// `withConnection` or `withSession`, and the tasks it starts — carries it as a task-local
    /// value, so a request that comes from that code through the outer database (and so asks
    /// for the gate again) is told apart from a request of another task.
    final class Turn: Sendable {
        /// The turn the current task runs for, if any.
        @TaskLocal static var current: Turn?
    }

    private struct State {
        var held: Turn?
        /// Waiting turns, in the order they came.
        var waiters: [(continuation: CheckedContinuation<Bool, Never>, turn: Turn)] = []
    }

    private let state = Mutex(State())

    /// Waits until no transaction holds the gate, then holds it for `turn`.
    ///
    /// Throws ``FluentDeadlockError`` (with `sql`, the statement asking, if any) instead of
    /// waiting when the code asking runs for the turn that holds the gate: the turn would wait
    /// for itself, forever.
    func acquire(for turn: Turn, sql: String?) async throws {
        let asking = Turn.current
        let waitsForItself = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let outcome = state.withLock { state -> Bool? in
                guard let held = state.held else {
                    state.held = turn
                    return false
                }
                if let asking, asking === held { return true }
                state.waiters.append((continuation, turn))
                return nil
            }
            if let outcome { continuation.resume(returning: outcome) }
        }
        if waitsForItself { throw FluentDeadlockError(sql: sql) }
    }

    /// Hands the gate to the next waiter, or opens it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard !state.waiters.isEmpty else {
                state.held = nil
                return nil
            }
            let next = state.waiters.removeFirst()
            state.held = next.turn
            return next.continuation
        }
        next?.resume(returning: false)
    }
}
#endif
