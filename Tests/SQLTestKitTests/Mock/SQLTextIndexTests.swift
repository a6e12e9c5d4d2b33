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
}
