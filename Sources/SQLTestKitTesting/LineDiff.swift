/// A line-by-line comparison (longest common subsequence) for failure messages: unchanged
/// lines are indented, lines only in the expected text start with `−`, lines only in the
/// actual text with `+`.
enum LineDiff {
    enum Change: Equatable {
        case same(String), removed(String), added(String)
    }

    static func changes(expected: [String], actual: [String]) -> [Change] {
        align(expected, actual, matches: ==).map { step in
            switch step {
            case .match(let i, _): .same(expected[i])
            case .expectedOnly(let i): .removed(expected[i])
            case .actualOnly(let j): .added(actual[j])
            }
        }
    }

    /// One step of an alignment of two sequences.
    enum Step: Equatable {
        case match(Int, Int), expectedOnly(Int), actualOnly(Int)
    }

    /// Aligns `expected` with `actual` along a longest common subsequence of matching pairs,
    /// in order; each element appears in exactly one step. `assertSQL` and the text diffs of
    /// snapshots and changes share it.
    static func align<E, A>(_ expected: [E], _ actual: [A], matches: (E, A) -> Bool) -> [Step] {
        let e = expected.count, a = actual.count
        var table = Array(repeating: Array(repeating: 0, count: a + 1), count: e + 1)
        for i in stride(from: e - 1, through: 0, by: -1) {
            for j in stride(from: a - 1, through: 0, by: -1) {
                table[i][j] = matches(expected[i], actual[j]) ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var steps: [Step] = []
        var i = 0, j = 0
        while i < e || j < a {
            if i < e, j < a, matches(expected[i], actual[j]) {
                steps.append(.match(i, j)); i += 1; j += 1
            } else if j < a && (i == e || table[i][j + 1] > table[i + 1][j]) {
                steps.append(.actualOnly(j)); j += 1
            } else {
                steps.append(.expectedOnly(i)); i += 1
            }
        }
        return steps
    }

    /// The changes as text, or `nil` when the two are equal.
    static func render(expected: [String], actual: [String]) -> String? {
        let changes = changes(expected: expected, actual: actual)
        guard changes.contains(where: { if case .same = $0 { false } else { true } }) else { return nil }
        return changes.map { change in
            switch change {
            case .same(let line): "  " + line
            case .removed(let line): "− " + line
            case .added(let line): "+ " + line
            }
        }.joined(separator: "\n")
    }
}
