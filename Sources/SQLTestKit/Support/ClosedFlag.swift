import Synchronization

/// A thread-safe flag that is set once (a connection's "closed").
package final class ClosedFlag: Sendable {
    private let value = Atomic<Bool>(false)

    package init() {}

    package var isSet: Bool { value.load(ordering: .acquiring) }

    package func set() { value.store(true, ordering: .releasing) }
}
