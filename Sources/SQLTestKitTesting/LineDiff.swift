/// A line-by-line comparison (longest common subsequence) for failure messages: unchanged
/// lines are indented, lines only in the expected text start with `−`, lines only in the
/// actual text with `+`.
enum LineDiff {
    enum Change: Equatable {
        case same(String), removed(String), added(String)
    }

    static func changes(expected: [String], actual: [String]) -> [Change] {
        let e = expected.count, a = actual.count
        var table = Array(repeating: Array(repeating: 0, count: a + 1), count: e + 1)
        for i in stride(from: e - 1, through: 0, by: -1) {
            for j in stride(from: a - 1, through: 0, by: -1) {
                table[i][j] = expected[i] == actual[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [Change] = []
        var i = 0, j = 0
        while i < e || j < a {
            if i < e, j < a, expected[i] == actual[j] {
                result.append(.same(expected[i])); i += 1; j += 1
            } else if j < a && (i == e || table[i][j + 1] > table[i + 1][j]) {
                result.append(.added(actual[j])); j += 1
            } else {
                result.append(.removed(expected[i])); i += 1
            }
        }
        return result
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
