import Testing
import SQLTestKit

@Suite("Fixture values take their column's declared type")
struct FixtureTypeTests {
    static let schema = """
        CREATE TABLE sample (id INTEGER PRIMARY KEY, flag BOOLEAN, day DATE, at TIMESTAMP, clock TIME, amount NUMERIC,
                             ratio DOUBLE, doc JSON, data BLOB, label VARCHAR(20), loose);
        """

    func load(_ yaml: String) async throws -> [SQLValue] {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["sample.yml": yaml])
        try await fixtures.load(into: db)
        return try #require(try await db.fetchOne("SELECT flag, day, at, clock, amount, ratio, doc, data, label, loose FROM sample")).values
    }

    @Test func everyKindFromItsUsualSpellings() async throws {
        #expect(try await load("""
            - { flag: on, day: 2024-02-29, at: 2024-05-01T09:30:15.5+02:00, clock: '09:30', amount: 12, ratio: 1e3,
                doc: '{"a": [1, 2]}', data: AQID, label: 007, loose: 1.5 }
            """) == [1, "2024-02-29", "2024-05-01 07:30:15.500", "09:30:00", 12, 1000.0, #"{"a": [1, 2]}"#, .blob([1, 2, 3]), "007", 1.5])
        #expect(try await load("""
            - { flag: F, day: 2024-01-01T00:00:00Z, at: 2024-05-01, clock: '23:59:59.25', amount: 2.5, ratio: 3,
                doc: [x, 1, true, ~, {k: v}], data: !!binary AP8=, label: ~, loose: 'text' }
            """) == [0, "2024-01-01", "2024-05-01 00:00:00.000", "23:59:59.250", 2.5, 3.0, #"["x",1,true,null,{"k":"v"}]"#, .blob([0, 255]), .null, "text"])
    }

    @Test func realsReadTheSameAsSwiftReadsThem() async throws {
        // Short decimals take a fast path; every spelling must give the Double that `Double(_:)`
        // gives, including the ones the fast path hands back (16+ digits, exponents, `+`).
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", ".5", "5.", "-.25", "007.50", "0.1", "0.3", "123456789012345", "1234567890123456",
                     "9007199254740993", "0.000000000000001", "1e5", "+2.5", "1.7976931348623157", "-99999.99999"]
        for _ in 0..<500 {
            let whole = UInt64.random(in: 0...999_999, using: &generator)
            let fraction = UInt64.random(in: 0...99_999_999, using: &generator)
            texts.append("\(Bool.random(using: &generator) ? "-" : "")\(whole).\(String(fraction).count < 8 ? String(repeating: "0", count: 8 - String(fraction).count) : "")\(fraction)")
        }
        let csv = "id,ratio\n" + texts.enumerated().map { "\($0.offset + 1),\($0.element)" }.joined(separator: "\n")
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["sample.csv": csv])
        try await fixtures.load(into: db)
        let stored = try await db.fetchAll("SELECT ratio FROM sample ORDER BY id").map { $0[0] }
        #expect(stored == texts.map { SQLValue.real(Double($0)!) })
    }

    @Test func quotedNullIsTextAndPlainNullIsNull() async throws {
        let values = try await load("- { label: 'null', loose: null, doc: '\"quoted\"' }")
        #expect(values[8] == "null")
        #expect(values[9] == .null)
        #expect(values[6] == #""quoted""#)   // a JSON string, kept as JSON text
    }
}
