/// A table keyed by SQL text that compares texts only when their hashes agree.
///
/// The mock looks every statement up by its text, and scripted texts tend to share long
/// prefixes (`SELECT … WHERE id = 1`, `… = 2`, …). A `[String: Value]` compares the whole
/// text at every occupied slot it probes; this keeps each text's hash next to it, so a lookup
/// hashes once and compares only texts whose full hash matches (one, short of a collision).
///
/// The table is open-addressed over the texts' own hashes: a `Dictionary` keyed by the hash
/// would hash that hash again with `Hasher` on every lookup.
struct SQLTextIndex<Value: Sendable>: Sendable {
    private struct Entry {
        var hash: Int
        var text: String
        var value: Value
    }

    /// The text ``lookup(_:)`` found last and its entry (entries never move or go, short of
    /// `removeAll`).
    private var lastFound: (text: String, entry: Int)?
    /// The entries in insertion order; slots point into it.
    private var entries: [Entry] = []
    /// Positions in `entries`, -1 for an empty slot. The count is a power of two at least
    /// twice the number of entries, probed linearly from the hash's low bits.
    private var slots: [Int32] = []
    /// A weaker hash than ``StableHash/textHash(_:)``, for tests that need collisions; `nil`
    /// (every real index) calls that one directly rather than through a closure.
    private let customHash: (@Sendable (String) -> Int)?

    init(hash: (@Sendable (String) -> Int)? = nil) {
        customHash = hash
    }

    private func hash(_ text: String) -> Int {
        if let customHash { return customHash(text) }
        return StableHash.textHash(text)
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    subscript(text: String) -> Value? {
        guard !entries.isEmpty else { return nil }
        let position = find(text, hash: hash(text))
        return position.entry.map { entries[$0].value }
    }

    /// The value for `text`, like the subscript, remembering where it was found: the same
    /// string sent again (a SQL constant bound to new arguments, say) is then found by its
    /// storage alone, without hashing or comparing its bytes.
    mutating func lookup(_ text: String) -> Value? {
        if let lastFound, Self.sameStorage(lastFound.text, text) { return entries[lastFound.entry].value }
        guard !entries.isEmpty, let entry = find(text, hash: hash(text)).entry else { return nil }
        lastFound = (text, entry)
        return entries[entry].value
    }

    /// Whether two strings are one heap buffer. Only strings too long to be stored inline
    /// count (shorter ones are copied out for reading, so their addresses say nothing), and
    /// `lastFound` holds its text, so no other string can occupy that buffer meanwhile.
    private static func sameStorage(_ first: String, _ second: String) -> Bool {
        let count = first.utf8.count
        guard count > 15, count == second.utf8.count else { return false }
        return first.withUTF8InPlace { a in second.withUTF8InPlace { b in a.baseAddress == b.baseAddress } }
    }

    /// Sets the value for `text`, or changes the one it has: `update` receives `nil` when
    /// there is none yet.
    mutating func update(_ text: String, _ update: (Value?) -> Value) {
        let hash = self.hash(text)
        if !entries.isEmpty, let existing = find(text, hash: hash).entry {
            entries[existing].value = update(entries[existing].value)
            return
        }
        if (entries.count + 1) * 2 > slots.count { grow() }
        let slot = find(text, hash: hash).slot
        slots[slot] = Int32(entries.count)
        entries.append(Entry(hash: hash, text: text, value: update(nil)))
    }

    mutating func removeAll() {
        entries.removeAll()
        slots.removeAll()
        lastFound = nil
    }

    /// The entry holding `text`, or `nil` and the empty slot where it would go.
    private func find(_ text: String, hash: Int) -> (entry: Int?, slot: Int) {
        let mask = slots.count - 1
        var slot = hash & mask
        while true {
            let position = Int(slots[slot])
            if position < 0 { return (nil, slot) }
            if entries[position].hash == hash, Self.sameBytes(entries[position].text, text) { return (position, slot) }
            slot = (slot + 1) & mask
        }
    }

    /// Whether two texts hold the same UTF-8 bytes. The hash is over bytes, so equality is
    /// too; `==` would also decide canonical equivalence, and its Unicode-aware path was a
    /// tenth of a mock statement's cost when a statement's text is not the script's own string.
    private static func sameBytes(_ first: String, _ second: String) -> Bool {
        guard first.utf8.count == second.utf8.count else { return false }
        return first.withUTF8InPlace { a in
            second.withUTF8InPlace { b in
                if a.baseAddress == b.baseAddress { return true }
                let (a, b) = (UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b))
                var offset = 0
                while offset + 8 <= a.count {
                    if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                    offset += 8
                }
                while offset < a.count {
                    if a[offset] != b[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
    }

    /// Doubles the slots (16 at first) and puts every entry back.
    private mutating func grow() {
        let capacity = max(16, slots.count * 2)
        slots = Array(repeating: -1, count: capacity)
        let mask = capacity - 1
        for (position, entry) in entries.enumerated() {
            var slot = entry.hash & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position)
        }
    }
}
