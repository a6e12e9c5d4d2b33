extension String {
    /// Runs `body` over the string's UTF-8 bytes where they lie: native strings (small ones
    /// included) are contiguous, so there is no copy and — unlike `var` plus `withUTF8` — no
    /// retain and release of the text; any other string is copied once.
    ///
    /// The buffer is only valid during `body`, and a small string's bytes are a temporary
    /// copy, so its address identifies nothing.
    func withUTF8InPlace<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
