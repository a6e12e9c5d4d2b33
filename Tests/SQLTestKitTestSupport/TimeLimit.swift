import Synchronization

/// A body that was still running when its time was up.
public struct TimedOut: Error, CustomStringConvertible {
    /// The time it had.
    public let seconds: Int

    public var description: String { "still running after \(seconds) s" }
}

/// Runs `body`, throwing ``TimedOut`` if it has not finished after `seconds`, without waiting
/// for it: a test whose body hangs then fails and ends, leaving the stuck task behind, instead
/// of hanging the whole run (a task group, or a time limit that cancels, would wait for it).
public func within<Value: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
    let race = Race<Value>()
    return try await withCheckedThrowingContinuation { continuation in
        race.waiting.withLock { $0 = continuation }
        Task {
            do {
                race.finish(.success(try await body()))
            } catch {
                race.finish(.failure(error))
            }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            race.finish(.failure(TimedOut(seconds: seconds)))
        }
    }
}

/// The first of a body and a timer to finish resumes the waiting test.
private final class Race<Value: Sendable>: Sendable {
    let waiting = Mutex<CheckedContinuation<Value, any Error>?>(nil)
    func finish(_ result: Result<Value, any Error>) { waiting.withLock { $0.take() }?.resume(with: result) }
}
