import Foundation
import Testing
import SQLTestKit

@Suite("Cassette files: exact values, stable text, errors with their line")
struct CassetteFormatTests {
    static let hostileValues: [SQLValue] = [
        .null, .integer(0), .integer(.max), .integer(.min), .integer(-1),
        .real(0.0), .real(-0.0), .real(0.1), .real(1e300), .real(-.leastNonzeroMagnitude), .real(.infinity), .real(-.infinity), .real(5),
        .text(""), .text("a\u{0}b"), .text("line\nbreak\r\ttab"), .text("quote \" backslash \\ comma, space "), .text("NULL"), .text("5"),
        .text("x'00'"), .text("ünïcødé 🚀"), .text("\u{7F}\u{1B}"),
        .blob([]), .blob([0, 255, 10, 44, 32]),
    ]

    static var sample: Cassette {
        var error = QueryError(code: .constraintUnique, message: "duplicate key value violates unique constraint \"book_title_key\"",
                               suggestion: "pick another \"title\"", databaseCode: "23505", detail: "Key (title)=(Dune) already exists.")
        error.databaseCodeName = "unique_violation"
        return Cassette(dialect: .postgres, entries: [
            .init(sql: "SELECT * FROM t WHERE a = $1 AND b = $2", arguments: hostileValues.prefix(12).map { $0 },
                  outcome: .result(columns: ["v", "odd, \"name\""], rows: hostileValues.map { [$0, .integer(1)] }, rowsAffected: 0, lastInsertID: nil)),
            .init(sql: "SELECT 1\n\nFROM  t\n  WHERE x = 'tab\there'", arguments: [],
                  outcome: .result(columns: [], rows: [], rowsAffected: 0, lastInsertID: nil)),
            .init(sql: "SELECT 'trailing space' ", arguments: [], outcome: .result(columns: [], rows: [], rowsAffected: 0, lastInsertID: nil)),
            .init(sql: "SELECT 'nul\u{0}'\r\n", arguments: [], outcome: .result(columns: [], rows: [], rowsAffected: 0, lastInsertID: nil)),
            .init(sql: "INSERT INTO t(x) VALUES (?)", arguments: [.text("x")], outcome: .result(columns: [], rows: [], rowsAffected: 1, lastInsertID: .min)),
            .init(sql: "INSERT INTO book(title) VALUES ($1)", arguments: ["Dune"], outcome: .error(error)),
            .init(sql: "DELETE FROM t", arguments: [], outcome: .error(QueryError(code: .busy, message: "database is locked"))),
        ])
    }

    @Test func everyValueRoundTripsExactly() throws {
        let cassette = Self.sample
        let read = try Cassette(text: cassette.text)
        #expect(read == cassette)
        // Bit for bit: -0.0 keeps its sign, NaN stays NaN (== on Double would hide both).
        guard case .result(_, let rows, _, _) = read.entries[0].outcome else { Issue.record("not a result"); return }
        #expect(rows.count == Self.hostileValues.count)
        for (row, value) in zip(rows, Self.hostileValues) {
            if case .real(let got) = row[0], case .real(let want) = value {
                #expect(got.bitPattern == want.bitPattern, "\(want)")
            } else {
                #expect(row[0] == value)
            }
        }
        let nan = Cassette(dialect: .sqlite, entries: [.init(sql: "SELECT ?", arguments: [.real(.nan)], outcome: .result(columns: [], rows: [], rowsAffected: 0, lastInsertID: nil))])
        let readNaN = try Cassette(text: nan.text)
        #expect(readNaN.entries[0].arguments.first.map { if case .real(let x) = $0 { x.isNaN } else { false } } == true)
    }

    @Test func theTextIsStableAndReadable() throws {
        let text = Self.sample.text
        #expect(try Cassette(text: text).text == text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains("> SELECT * FROM t WHERE a = $1 AND b = $2"))
        #expect(lines.contains(#"arguments: NULL, 0, 9223372036854775807, -9223372036854775808, -1, 0.0, -0.0, 0.1, 1e+300, -5e-324, inf, -inf"#))
        #expect(lines.contains(#"columns: "v", "odd, \"name\"""#))
        #expect(lines.contains(#"row: "a\u0000b", 1"#))
        #expect(lines.contains(#"row: x'00ff0a2c20', 1"#))
        #expect(lines.contains("> SELECT 1"))
        #expect(lines.contains(">"))
        #expect(lines.contains(#"sql: "SELECT 'trailing space' ""#))
        #expect(lines.contains("error: constraintUnique (2067)"))
        #expect(lines.contains("error: SQLITE_BUSY (5)"))
        #expect(lines.contains("sqlstate: 23505 unique_violation"))
        #expect(lines.contains("last insert id: -9223372036854775808"))
        // Nothing that changes between recordings: no dates, no counts, no generated names.
        #expect(!text.contains("2026"))
    }

    @Test(arguments: [
        ("dialect: sqlite\n\n> SELECT 1\nrow: 1\n", 4, "the row has 1 value but `columns:` names 0"),
        ("dialect: sqlite\n\n> SELECT 1\ncolumns: \"x\"\nrow: 1 2\n", 5, "expected `,` between values, found `2`"),
        ("dialect: sqlite\n\n> SELECT 1\ncolumns: \"x\"\nrow: \"open\n", 5, "a quoted string is not closed"),
        ("dialect: sqlite\n\n> SELECT 1\ncolumns: \"x\"\nrow: x'0g'\n", 5, "a blob holds only hexadecimal digits: x'0g'"),
        ("dialect: sqlite\n\n> SELECT 1\ncolumns: \"x\"\nrow: yes\n", 5, "cannot read the value `yes`: expected a number, \"text\", x'blob' or NULL"),
        ("dialect: sqlite\n\n> SELECT 1\nrowz: 1\n", 4, "unknown field `rowz:`; a statement has arguments, columns, row, rows affected, last insert id, or error, sqlstate, message, detail and suggestion"),
        ("dialect: oracle\n", 1, "unknown dialect \"oracle\"; expected sqlite, postgres or mysql"),
        ("\n> SELECT 1\n", 1, "the cassette names no dialect (a `dialect: sqlite` line)"),
        ("dialect: sqlite\narguments: 1\n", 2, "`arguments:` outside a statement; a statement starts with `> SQL`"),
        ("dialect: sqlite\n\n> SELECT 1\nrows affected: many\n", 4, "`rows affected:` takes a whole number, found \"many\""),
        ("dialect: sqlite\n\n> SELECT 1\nerror: BAD\n", 4, "`error:` takes a code name and its number, as in `SQLITE_CONSTRAINT_UNIQUE (2067)`"),
        ("dialect: sqlite\n\n> SELECT 1\narguments: 1\n> FROM t\n", 5, "SQL after the statement's fields; separate statements with a blank line"),
        ("dialect: sqlite\n\n> SELECT 1\nmessage: \"bad \\q\"\n", 4, "unknown escape `\\q`"),
    ] as [(String, Int, String)])
    func unreadableTextNamesItsLine(text: String, line: Int, message: String) {
        let error = #expect(throws: CassetteFormatError.self) { try Cassette(text: text, path: "T.cassette") }
        #expect(error?.line == line)
        #expect(error?.message == message)
        #expect(error?.description.hasPrefix("T.cassette:\(line): \(message)\n  suggestion:") == true)
    }

    @Test func writingLeavesAnUnchangedFileAlone() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-cassette-\(UUID().uuidString)/a/b.cassette").path
        defer { try? FileManager.default.removeItem(atPath: ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
        #expect(try Self.sample.write(to: path))
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        #expect(try Self.sample.write(to: path) == false)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == before)
        #expect(try Cassette(contentsOf: path) == Self.sample)
        let missing = #expect(throws: CassetteFormatError.self) { try Cassette(contentsOf: path + ".nope") }
        #expect(missing?.message.hasPrefix("cannot read the cassette:") == true)
    }
}
