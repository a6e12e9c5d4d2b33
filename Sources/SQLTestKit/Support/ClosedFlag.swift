import Synchronization

/// A thread-safe flag that is set once (a connection's "closed").
final class ClosedFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
