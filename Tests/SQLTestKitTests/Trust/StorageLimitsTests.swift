import SQLTestKit
import Testing

/// What SQLite itself cannot keep, as the README states it.
@Suite("Trust: what SQLite cannot keep")
struct StorageLimitsTests {
    @Test func negativeZeroLosesItsSignInARealColumnOnly() async throws {
        let db = try await makeDatabase("CREATE TABLE t(r REAL, untyped)")
        try await db.execute("INSERT INTO t VALUES (\(-0.0), \(-0.0))")
        let row = try await db.fetchOne("SELECT r, untyped, \(-0.0) AS bound FROM t")
        guard case .real(let stored)? = row?["r"], case .real(let untyped)? = row?["untyped"], case .real(let bound)? = row?["bound"] else {
            Issue.record("expected three reals, got \(String(describing: row))")
            return
        }
        #expect(stored == 0 && stored.sign == .plus)     // SQLite stored it as the integer 0
        #expect(untyped == 0 && untyped.sign == .minus)
        #expect(bound == 0 && bound.sign == .minus)
    }
}
