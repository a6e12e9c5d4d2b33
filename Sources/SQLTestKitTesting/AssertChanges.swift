import IssueReporting
import SQLTestKit

/// Asserts that `db` differs from the state `fixtures` load by exactly `expected` — one line
/// per row inserted (`+`), updated (`~`, with each changed column) or deleted (`-`), fixture
/// rows named by label. Everything else is unchanged, so a test states only what the code
/// under test did.
///
/// ```swift
/// try await store.discount(book: "notes")
/// try await assertChanges(in: db, since: fixtures, [
///     "~ book `notes`: price 12.5 → 10.0",
/// ])
/// ```
///
/// A row the code inserted has a key the test does not know in advance (a sequence, or a
/// derived key in the billions): write `*` in place of a value, and it matches any one value,
/// quoted or not — `"+ tag (id *): id *, name 'Poetry'"`.
///
/// On a mismatch the failure shows a line diff and the actual lines, ready to paste.
public func assertChanges(
    in db: any DatabaseConnection, since fixtures: FixtureSet, _ expected: [String],
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) async throws {
    let actual = try await fixtures.changes(in: db).lines
    let expected = ChangePlaceholders.resolve(expected, against: actual)
    guard let diff = LineDiff.render(expected: expected, actual: actual) else { return }
    reportIssue("""
        assertChanges failed: the changes since the fixtures differ (− expected, + actual):
        \(diff)
        actual changes:
        \(actual.isEmpty ? "  (none)" : actual.map { "  " + $0 }.joined(separator: "\n"))
        """, fileID: fileID, filePath: filePath, line: line, column: column)
}

/// `*` in an expected change line: any one value.
enum ChangePlaceholders {
    /// Each expected line with a `*` that matches an actual line not matched yet becomes that
    /// line, so the diff shows only real differences; the others stay as they are.
    static func resolve(_ expected: [String], against actual: [String]) -> [String] {
        var unused = actual.filter { !expected.contains($0) }
        return expected.map { line in
            guard let pattern = pattern(for: line),
                  let index = unused.firstIndex(where: { $0.wholeMatch(of: pattern) != nil }) else { return line }
            return unused.remove(at: index)
        }
    }

    /// The line as a pattern where every `*` standing alone (after a space or `(`, before `,`,
    /// `)` or the end) matches one value; `nil` when the line has none.
    static func pattern(for line: String) -> Regex<AnyRegexOutput>? {
        var source = ""
        var found = false
        let characters = Array(line)
        for (index, character) in characters.enumerated() {
            let before = index == 0 ? " " : characters[index - 1]
            let after = index + 1 < characters.count ? characters[index + 1] : ")"
            if character == "*", before == " " || before == "(", after == "," || after == ")" || after == " " {
                source += #"(?:'(?:[^']|'')*'|[^,)\s]+)"#
                found = true
            } else if character.isLetter || character.isNumber || character == " " {
                source.append(character)
            } else {
                source += "\\" + String(character)
            }
        }
        return found ? try? Regex(source) : nil
    }
}
