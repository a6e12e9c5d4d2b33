/// FNV-1a over bytes: stable across processes and machines (Swift's `Hasher` is seeded per run).
package enum StableHash {
    package static func fnv1a64(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// MurmurHash3's 64-bit finalizer: spreads every input bit over the result (label keys
    /// use it on an FNV-1a hash).
    static func mixed(_ value: UInt64) -> UInt64 {
        var key = value
        key ^= key >> 33
        key = key &* 0xFF51_AFD7_ED55_8CCD
        key ^= key >> 33
        key = key &* 0xC4CE_B9FE_1A85_EC53
        key ^= key >> 33
        return key
    }

    /// A fingerprint of a file's bytes, eight at a time (little-endian), the same on every
    /// machine: byte-at-a-time FNV took several milliseconds on a large fixture file, and
    /// this only has to notice that a file changed.
    static func contentHash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes(wordHash)
    }

    private static func wordHash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(raw.count)
        let words = raw.count / 8
        for index in 0..<words {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
        }
        for offset in (words * 8)..<raw.count {
            hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    package static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
