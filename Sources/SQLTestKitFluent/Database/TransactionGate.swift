#if Fluent
import Synchronization

/// Lets one holder at a time use a shared connection — a Fluent transaction, a
/// `withConnection` closure, or one plain statement: a second `BEGIN` there would fail
/// ("cannot start a transaction within a transaction"), and a plain statement of another task
/// would land inside the open transaction. Waiting suspends the task (it never blocks a
/// thread), and waiters go in the order they came.
final class TransactionGate: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Waits until no transaction holds the gate, then holds it.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.held {
                    state.waiters.append(continuation)
                    return false
                }
                state.held = true
                return true
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Hands the gate to the next waiter, or opens it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

}
#endif
