import Foundation
import Testing
import SQLTestKit

@Suite("Dumping fixtures")
struct FixtureDumpTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func contents(of directory: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        }
        return files
    }

    @Test(arguments: [FixtureFile.Format.yaml, .json, .csv])
    func dumpLoadDumpGivesIdenticalFiles(format: FixtureFile.Format) async throws {
        let (db, _) = try await ExampleFixtures.loadedDatabase()
        try await db.execute("INSERT INTO tag(id, name) VALUES (7, ''), (8, 'yes'), (9, ' padded, \"quoted\" '), (10, '42')")
        let first = try temporaryDirectory(), second = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }

        let written = try await FixtureSet.dump(from: db, to: first, format: format)
        #expect(written.map { ($0 as NSString).lastPathComponent } == ["schema.sql"] + ["author", "book", "review", "tag", "book_tag"].map { "\($0).\(format.fileExtension)" })

        let reloaded = try await makeDatabase(try ExampleFixtures.schema)
        try await FixtureSet(directory: first).load(into: reloaded)
        for table in ["author", "book", "review", "tag", "book_tag"] {
            #expect(try await reloaded.fetchAll(SQLQuery(sql: "SELECT * FROM \(table) ORDER BY 1, 2")) == (try await db.fetchAll(SQLQuery(sql: "SELECT * FROM \(table) ORDER BY 1, 2"))))
        }
        try await FixtureSet.dump(from: reloaded, to: second, format: format)
        #expect(try contents(of: first) == (try contents(of: second)))
    }

    @Test func yamlDumpsReadNaturally() async throws {
        let db = try await makeDatabase("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL, at DATETIME, data BLOB, loose);")
        try await db.execute("INSERT INTO item VALUES (1, 'Plain name', 30, '2024-01-05T10:00:00Z', X'0102', '7'), (2, 'no', 1.5e-7, NULL, NULL, 7)")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await FixtureSet.dump(from: db, to: directory, format: .yaml)
        #expect(try String(contentsOfFile: directory + "/item.yml", encoding: .utf8) == """
            # item: 2 rows, written by sqltestkit dump
            item_1:
              id: 1
              name: Plain name
              price: 30.0
              at: !text "2024-01-05T10:00:00Z"
              data: !!binary "AQI="
              loose: "7"
            item_2:
              id: 2
              name: "no"
              price: 1.5e-07
              at: ~
              data: ~
              loose: 7

            """)
    }

    @Test func dumpErrorsSayWhatToDo() async throws {
        let db = try await makeDatabase("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await FixtureSet.dump(from: db, to: directory, format: .yaml)
        let twice = await expectError(FixtureError.self) { try await FixtureSet.dump(from: db, to: directory, format: .csv) }
        #expect(twice?.description == """
            \(directory)/item.yml: \(directory)/item.yml already gives rows to `item`; a csv dump would be a second file for it
              suggestion: dump as yaml, or delete item.yml first
            """)
        let unknown = await expectError(FixtureError.self) { try await FixtureSet.dump(from: db, to: directory, tables: ["iten"]) }
        #expect(unknown?.description == """
            \(directory): the database has no table `iten`
              suggestion: did you mean `item`?
            """)
        #expect(try await FixtureSet.dump(from: db, to: directory, format: .yaml, tables: ["item"]).count == 2)
    }
}
