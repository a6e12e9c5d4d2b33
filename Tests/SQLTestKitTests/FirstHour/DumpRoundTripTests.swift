import Foundation
import SQLTestKit
import SQLTestKitTestSupport
import Testing

/// A dump, loaded into an empty database, gives back every cell with the same storage class and
/// the same bytes — whatever SQLite accepted, in every declared type, in every format.
@Suite("First hour: lossless dump and load")
struct DumpRoundTripTests {
    /// Declared types covering every affinity and every kind the loader coerces by.
    static let declaredTypes = [
        "INTEGER", "INT", "BIGINT", "REAL", "DOUBLE", "FLOAT", "NUMERIC", "DECIMAL(10,2)", "BOOLEAN", "DATE", "DATETIME",
        "TIMESTAMP", "TIME", "TEXT", "VARCHAR(40)", "CLOB", "BLOB", "JSON", "",
    ]

    /// Values of every storage class, including those a person's fixture would write otherwise.
    static let values: [SQLValue] = [
        .null, .integer(0), .integer(1), .integer(-1), .integer(42), .integer(.max), .integer(.min),
        .real(0.0), .real(-0.0), .real(1.5), .real(0.1), .real(30.0), .real(1e-300), .real(1e300), .real(.infinity), .real(-.infinity),
        .text(""), .text("yes"), .text("no"), .text("true"), .text("1"), .text("42"), .text("4.5"), .text("-0.0"),
        .text("1962-02-18 00:00:00"), .text("2024-05-01T09:30:00Z"), .text("2024-05-01 09:30:00.123456"), .text("12:30"),
        .text("not a date"), .text("{bad json"), .text("[1, 2]"), .text("\u{FEFF}starts with a BOM"), .text("!text:looks exact"),
        .text("{\"$text\": \"x\"}"), .text("  padded  "), .text("line\nbreak\r\nand CRLF"), .text("quote\"s, commas"), .text("~"),
        .text("null"), .text("NULL"), .text("a\u{0}b"), .text("🦆 Ünïcödé"), .text("\u{2028}separator\u{85}"), .text("#not a comment"),
        .text("- dash"), .text("key: value"),
        .blob([]), .blob([0]), .blob([0xFF, 0xFE, 0x00, 0x41]), .blob(Array("hello".utf8)),
    ]

    static func makeDatabase(_ path: String) async throws {
        let db = try await SQLiteDriver(path: path).connect()
        for (index, type) in declaredTypes.enumerated() {
            try await db.execute(SQLQuery(sql: "CREATE TABLE t\(index)(id INTEGER PRIMARY KEY, v \(type))"))
            for value in values {
                try await db.execute(SQLQuery(sql: "INSERT INTO t\(index)(v) VALUES (?)", arguments: [value]))
            }
        }
        await db.close()
    }

    @Test(arguments: ["yaml", "json", "csv"])
    func everyStorageClassInEveryDeclaredTypeComesBackAsItWas(format: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let original = scratch.file("original-test.sqlite")
        try await Self.makeDatabase(original)
        try Self.expectRoundTrip(of: original, format: format, in: scratch)
    }

    @Test(arguments: ["yaml", "json", "csv"])
    func theChinookSampleComesBackCellForCell(format: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let original = scratch.file("chinook-test.sqlite")
        try DatabaseFile.createForeign(original, sql: try String(contentsOfFile: Self.chinook, encoding: .utf8))
        #expect(try DatabaseFile.count(original, "Track") == 3503)
        try Self.expectRoundTrip(of: original, format: format, in: scratch)
    }

    @Test func valuesAPersonWritesStillFollowTheColumnsType() throws {
        // Only dumps write exact values; a person's `2024-05-01T09:30:00Z` is still a date.
        let db = try FixtureSet(files: ["event.yml": "launch:\n  at: 2024-05-01T09:30:00Z\n  exact: !text 2024-05-01T09:30:00Z\n"])
        #expect(db.files.first?.rowCount == 1)
        let bad = #expect(throws: FixtureError.self) { _ = try FixtureSet(files: ["event.yml": "launch:\n  n: !integer twelve\n"]) }
        #expect(bad?.problems.first?.message == "`!integer` value `twelve` is not a valid integer")
    }

    /// `sqltestkit dump` of `original` in `format`, `sqltestkit load` of the dump into a new
    /// file, and the two databases compared cell for cell.
    static func expectRoundTrip(of original: String, format: String, in scratch: ScratchDirectory,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try DatabaseFile.dump(original)
        let cli = CommandLineTests()
        let dumped = try cli.run(["dump", original, "-o", scratch.file("dump"), "-f", format])
        #expect(dumped.status == 0, "\(dumped.error)", sourceLocation: sourceLocation)
        let copy = scratch.file("copy-test.sqlite")
        let loaded = try cli.run(["load", scratch.file("dump"), "-d", copy, "-q"])
        #expect(loaded.status == 0, "\(loaded.error)", sourceLocation: sourceLocation)
        try expectSame(try DatabaseFile.dump(copy), expected, sourceLocation: sourceLocation)
    }

    static var chinook: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/chinook/Chinook_Sqlite.sql").path
    }

    /// Compares two dumps line by line, naming the first differing line (a whole-dump
    /// comparison of 15,000 rows would print both in full).
    static func expectSame(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(actualLines.count == expectedLines.count, sourceLocation: sourceLocation)
        if let index = zip(actualLines, expectedLines).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("line \(index + 1) differs:\n  expected: \(expectedLines[index])\n  actual:   \(actualLines[index])", sourceLocation: sourceLocation)
        }
    }
}
