/// A table keyed by SQL text that compares texts only when their hashes agree.
///
/// The mock looks every statement up by its text, and scripted texts tend to share long
/// prefixes (`SELECT … WHERE id = 1`, `… = 2`, …). A `[String: Value]` compares the whole
/// text at every occupied slot it probes; this keeps each text's hash next to it, so a lookup
/// hashes once and compares one text, the one whose hash matches.
struct SQLTextIndex<Value> {
    private var entries: [Int: (text: String, value: Value)] = [:]
    /// Texts whose hash another text already holds (a 64-bit collision: kept for correctness).
    private var collided: [String: Value] = [:]
    /// The hash of a text: ``StableHash/textHash(_:)``, or a weaker one in tests that need
    /// collisions.
    private let hash: @Sendable (String) -> Int

    init(hash: @escaping @Sendable (String) -> Int = StableHash.textHash) {
        self.hash = hash
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count + collided.count }

    subscript(text: String) -> Value? {
        if let entry = entries[hash(text)], entry.text == text { return entry.value }
        return collided.isEmpty ? nil : collided[text]
    }

    /// Sets the value for `text`, or changes the one it has: `update` receives `nil` when
    /// there is none yet.
    mutating func update(_ text: String, _ update: (Value?) -> Value) {
        let hash = self.hash(text)
        if let entry = entries[hash] {
            if entry.text == text {
                entries[hash] = (text, update(entry.value))
            } else {
                collided[text] = update(collided[text])
            }
        } else {
            entries[hash] = (text, update(nil))
        }
    }

    mutating func removeAll() {
        entries.removeAll()
        collided.removeAll()
    }
}
