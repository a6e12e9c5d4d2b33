import Testing
@testable import SQLTestKit

/// The mock's index by SQL text compares texts only when hashes agree; with a hash that makes
/// every text collide, it must still tell texts apart.
@Suite("The mock's SQL text index")
struct SQLTextIndexTests {
    @Test func textsWhoseHashesCollideKeepTheirOwnValues() {
        var index = SQLTextIndex<Int>(hash: { _ in 42 })
        index.update("SELECT 1") { _ in 1 }
        index.update("SELECT 2") { _ in 2 }
        index.update("SELECT 3") { _ in 3 }
        index.update("SELECT 2") { ($0 ?? 0) + 20 }
        #expect(index["SELECT 1"] == 1)
        #expect(index["SELECT 2"] == 22)
        #expect(index["SELECT 3"] == 3)
        #expect(index["SELECT 4"] == nil)
        #expect(index.count == 3)
        index.removeAll()
        #expect(index["SELECT 1"] == nil && index.isEmpty)
    }

    @Test func withItsOwnHashEveryTextIsFound() {
        var index = SQLTextIndex<Int>()
        for number in 0..<1_000 { index.update("SELECT * FROM t WHERE id = \(number)") { _ in number } }
        #expect((0..<1_000).allSatisfy { (number: Int) in index["SELECT * FROM t WHERE id = \(number)"] == number })
        #expect(index["SELECT * FROM t WHERE id = 1000"] == nil)
    }

    @Test func lookupsOfTheSameStringFollowUpdatesAndRemoval() {
        // `lookup` remembers the last string it found and recognises it by its storage; what
        // it returns must still be the entry's current value, and nothing after `removeAll`.
        var index = SQLTextIndex<Int>(hash: { _ in 7 })
        let constant = "SELECT id, name FROM user WHERE id = ?"
        let other = "SELECT id, name FROM user WHERE id = ?" + " LIMIT 1"
        index.update(constant) { _ in 1 }
        index.update(other) { _ in 2 }
        #expect(index.lookup(constant) == 1)
        #expect(index.lookup(constant) == 1)
        index.update(constant) { ($0 ?? 0) + 10 }
        #expect(index.lookup(constant) == 11)
        // The same bytes in another buffer, and another text of the same length, are found by
        // their bytes as before.
        let rebuilt = String(decoding: Array(constant.utf8), as: UTF8.self)
        #expect(index.lookup(rebuilt) == 11)
        #expect(index.lookup(other) == 2)
        #expect(index.lookup("SELECT id, name FROM user WHERE id = !") == nil)
        #expect(index.lookup(constant) == 11)
        // Short texts live inline and are always compared by their bytes.
        index.update("SELECT 1") { _ in 3 }
        #expect(index.lookup("SELECT 1") == 3 && index.lookup("SELECT 2") == nil)
        index.removeAll()
        #expect(index.lookup(constant) == nil && index.lookup("SELECT 1") == nil)
        index.update(constant) { _ in 4 }
        #expect(index.lookup(constant) == 4)
    }
}
