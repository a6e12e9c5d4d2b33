import Foundation
import Testing
import SQLTestKit

@Suite("Fixture formats")
struct FixtureFormatTests {
    static let schema = """
        CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, qty INTEGER, price REAL, extra);
        """

    func load(_ files: KeyValuePairs<String, String>) async throws -> [[SQLValue]] {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, files)
        try await fixtures.load(into: db)
        return try await db.fetchAll("SELECT id, name, note, qty, price, extra FROM item ORDER BY name").map(\.values)
    }

    @Test func yamlAsLabelledMappingOrList() async throws {
        let labelled = try await load(["item.yml": """
            apple:
              name: Apple
              qty: 3
            pear: { name: Pear, note: 'null', price: 1.5 }
            """])
        #expect(labelled == [[.integer(FixtureSet.derivedID(for: "apple")), "Apple", .null, 3, .null, .null],
                             [.integer(FixtureSet.derivedID(for: "pear")), "Pear", "null", .null, 1.5, .null]])
        let list = try await load(["item.yaml": """
            - name: Apple
              extra: 7
            - name: Pear
              extra: "7"
              note: ~
            """])
        #expect(list == [[1, "Apple", .null, .null, .null, 7], [2, "Pear", .null, .null, .null, "7"]])
    }

    @Test func yamlMergeKeysFillWhatTheRowLeavesOut() async throws {
        let rows = try await load(["item.yml": """
            defaults: &defaults
              name: Default
              qty: 1
              note: shared
            special:
              <<: *defaults
              name: Special
            """])
        #expect(rows.map { Array($0.dropFirst()) } == [["Default", "shared", 1, .null, .null], ["Special", "shared", 1, .null, .null]])
    }

    @Test func jsonAsLabelledObjectOrArray() async throws {
        let labelled = try await load(["item.json": #"{"apple": {"name": "Apple", "qty": 3, "extra": true}, "fig": {"name": "Fig\u00e9\n", "price": 2e1}}"#])
        #expect(labelled == [[.integer(FixtureSet.derivedID(for: "apple")), "Apple", .null, 3, .null, 1],
                             [.integer(FixtureSet.derivedID(for: "fig")), "Fig\u{e9}\n", .null, .null, 20.0, .null]])
        let list = try await load(["item.json": #"[{"name": "A", "note": null}, {"id": 9, "name": "B", "extra": "x"}]"#])
        #expect(list == [[1, "A", .null, .null, .null, .null], [9, "B", .null, .null, .null, "x"]])
    }

    @Test func csvFollowsRFC4180() async throws {
        let bom = "\u{FEFF}"
        let rows = try await load(["item.csv": bom + "name,note,qty,extra\r\n\"Comma, Inc\",\"says \"\"hi\"\"\r\nthen leaves\",2,\r\nPlain,\"\",,NULL\r\n\r\n"])
        #expect(rows == [[1, "Comma, Inc", "says \"hi\"\r\nthen leaves", 2, .null, .null], [2, "Plain", "", .null, .null, .null]])
    }

    @Test func csvUnquotedFieldsKeepALoneCarriageReturn() async throws {
        // A CR not followed by LF is part of an unquoted field (the field is then read in two runs).
        let rows = try await load(["item.csv": "name,note\nab\rcd,x\r\ne\r,\rf\n"])
        #expect(rows.map { [$0[1], $0[2]] } == [["ab\rcd", "x"], ["e\r", "\rf"]])
    }

    @Test func csvLabelColumnMakesRowsReferenceable() async throws {
        let (db, fixtures) = try await fixtureDatabase("""
            CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT);
            CREATE TABLE post (id INTEGER PRIMARY KEY, tag_id INTEGER REFERENCES tag(id));
            """, ["tag.csv": "_label,name\nswift,Swift\n", "post.csv": "tag\nswift\n"])
        try await fixtures.load(into: db)
        #expect(try await db.fetchOne("SELECT tag_id FROM post")?[0] == .integer(FixtureSet.derivedID(for: "swift")))
    }

    @Test func sqlFilesRunAfterTheRowsInFileNameOrder() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, [
            "b_double.sql": "UPDATE item SET qty = qty * 2; -- runs second",
            "a_bump.sql": "UPDATE item SET qty = qty + 1;\nINSERT INTO item(name, qty) VALUES ('from sql', 0);",
            "item.yml": "- { name: Row, qty: 1 }",
        ])
        let summary = try await fixtures.load(into: db)
        #expect(summary.scripts == ["a_bump.sql", "b_double.sql"])
        #expect(try await db.fetchAll("SELECT name, qty FROM item ORDER BY id").map(\.values) == [["Row", 4], ["from sql", 0]])
    }

    @Test func directoryLoadingSkipsOtherFilesAndReadsTheSchema() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);".write(toFile: directory + "/schema.sql", atomically: true, encoding: .utf8)
        try "- name: A".write(toFile: directory + "/item.yml", atomically: true, encoding: .utf8)
        try "notes".write(toFile: directory + "/README.md", atomically: true, encoding: .utf8)
        let fixtures = try FixtureSet(directory: directory)
        #expect(fixtures.tables == ["item"])
        #expect(fixtures.schemaSQL == "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);")
        #expect(try await FixtureSet.check(directory: directory) == [])
    }
}
