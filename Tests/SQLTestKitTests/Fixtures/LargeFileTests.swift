import Foundation
import Synchronization
import Testing
import SQLTestKit

/// CSV files over a mebibyte are planned and inserted a chunk at a time (so a million rows
/// load in bounded memory). These tests give the chunked path every promise the whole-file
/// path keeps: labels and references across chunks, problems with their lines in any chunk,
/// atomicity, progress, and the lookups that read rows back.
@Suite("Large CSV files, loaded in chunks")
struct LargeFileTests {
    static let schema = """
        CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, quantity INTEGER NOT NULL, parent_id INTEGER REFERENCES item(id));
        CREATE TABLE line (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES item(id), note TEXT);
        """
    /// More than three chunks of rows and more than a mebibyte, so the file is streamed.
    static let rowCount = 11_000
    /// Makes each row about a hundred bytes.
    static let padding = String(repeating: "with a long name ", count: 5)

    /// `item.csv` with `rowCount` labelled rows (`item0`, `item1`, …), each but the first
    /// pointing at the row before it by label; `edit` may change a row's fields by index.
    static func itemCSV(edit: (Int, inout [String]) -> Void = { _, _ in }) -> String {
        var text = "_label,name,quantity,parent\n"
        for index in 0..<rowCount {
            var fields = ["item\(index)", "item number \(index) \(padding)", String(index % 97), index == 0 ? "" : "item\(index - 1)"]
            edit(index, &fields)
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The line of the row with `index` (the header is line 1).
    static func line(ofRow index: Int) -> Int { index + 2 }

    @Test func theFileIsLargeEnoughToBeStreamed() {
        #expect(Self.itemCSV().utf8.count > 1 << 20)
    }

    @Test func labelsAndReferencesWorkAcrossChunks() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, [
            "item.csv": Self.itemCSV(),
            "line.yml": "first: { item: item0, note: a }\nlast: { item: item\(Self.rowCount - 1), note: b }",
        ])
        #expect(fixtures.file(for: "item")?.rowCount == Self.rowCount)
        #expect(fixtures.file(for: "item")?.labels.count == Self.rowCount)
        let summary = try await fixtures.load(into: db)
        #expect(summary.tables.map(\.rows) == [Self.rowCount, 2])
        #expect(try await db.fetchOne("SELECT count(*) FROM item")?[0] == .integer(Int64(Self.rowCount)))
        // Every row's parent is the row before it, wherever the chunk boundary fell.
        let lastID = try #require(fixtures.id(of: "item\(Self.rowCount - 1)", in: "item"))
        let previousID = try #require(fixtures.id(of: "item\(Self.rowCount - 2)", in: "item"))
        #expect(lastID == FixtureSet.derivedID(for: "item\(Self.rowCount - 1)"))
        #expect(try await db.fetchOne(SQLQuery(sql: "SELECT parent_id FROM item WHERE id = ?", arguments: [.integer(lastID)]))?[0] == .integer(previousID))
        #expect(try await db.fetchOne("SELECT count(*) FROM item a JOIN item b ON b.id = a.parent_id")?[0] == .integer(Int64(Self.rowCount - 1)))
        #expect(try await db.fetchOne("SELECT item_id FROM line WHERE note = 'b'")?[0] == .integer(lastID))
        // What changed since the fixtures names streamed rows by label too.
        try await db.execute(SQLQuery(sql: "UPDATE item SET quantity = 1000 WHERE id = ?", arguments: [.integer(lastID)]))
        #expect(try await fixtures.changes(in: db).description.contains("`item\(Self.rowCount - 1)`"))
    }

    @Test func aBadValueInALaterChunkNamesItsLineAndLeavesTheDatabaseAsItWas() async throws {
        let bad = 8_345
        let (db, fixtures) = try await fixtureDatabase(Self.schema, [
            "item.csv": Self.itemCSV { index, fields in if index == bad { fields[2] = "many" } },
        ])
        try await db.execute("INSERT INTO item(id, name, quantity) VALUES (1, 'kept', 1)")
        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        #expect(error?.problems.count == 1)
        let problem = try #require(error?.problems.first)
        #expect(problem.kind == .typeMismatch)
        #expect(problem.line == Self.line(ofRow: bad))
        #expect(problem.label == "item\(bad)")
        #expect(problem.message.contains("column `quantity` of `item` (row `item\(bad)`)"))
        #expect(try await db.fetchAll("SELECT id, name FROM item").map(\.values) == [[1, "kept"]])
        #expect(db.transactionState.depth == 0)
    }

    @Test func problemsInOtherFilesAndInEveryChunkAreReportedTogether() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, [
            "item.csv": Self.itemCSV { index, fields in
                if index == 3 || index == 9_999 { fields[2] = "" }      // NULL into NOT NULL
                if index == 6_000 { fields[3] = "nobody" }               // an unknown label
            },
            "line.yml": "first: { item: item0, note: a }",
            "line2.yml": "",
        ])

        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        let found = (error?.problems ?? []).map { "\($0.kind) \($0.line ?? 0)" }
        #expect(found.contains("missingValue \(Self.line(ofRow: 3))"))
        #expect(found.contains("missingValue \(Self.line(ofRow: 9_999))"))
        #expect(found.contains("unknownLabel \(Self.line(ofRow: 6_000))"))
        // line2.yml names no table of the schema: reported beside the rows' problems.
        #expect(found.contains { $0.hasPrefix("unknownTable") })
        let unknown = try #require(error?.problems.first { $0.kind == .unknownLabel })
        #expect(unknown.message.contains("references the item row labelled `nobody`"))
        #expect(try await db.fetchOne("SELECT count(*) FROM item")?[0] == 0)
    }

    @Test func aWrongFieldCountIsFoundWhenTheFileIsRead() async {
        var text = Self.itemCSV()
        text += "extra,fields,1,item0,surplus\n"
        let error = await expectError(FixtureError.self) { _ = try FixtureSet(files: ["item.csv": text]) }
        #expect(error?.problems.map(\.line) == [Self.line(ofRow: Self.rowCount)])
        #expect(error?.problems.first?.message == "this row has 5 fields but the header has 4")
    }

    @Test func aDuplicateKeyInAnotherChunkIsRefusedAtTheLaterRow() async throws {
        let (db, fixtures) = try await fixtureDatabase(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, quantity INTEGER NOT NULL);",
            ["item.csv": "id,name,quantity\n" + (0..<Self.rowCount).map { index in
                "\(index == 10_500 ? 7 : index + 1),item number \(index) \(Self.padding),\(index)\n"
            }.joined()])
        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        let problem = try #require(error?.problems.first)
        #expect(error?.problems.count == 1)
        #expect(problem.kind == .constraintViolation)
        #expect(problem.line == Self.line(ofRow: 10_500))
        #expect(problem.suggestion == "an earlier row of item.csv, or a row already in the table, has the same value; change this one")
        #expect(try await db.fetchOne("SELECT count(*) FROM item")?[0] == 0)
    }

    @Test func aDanglingLiteralKeyInALaterChunkNamesItsLine() async throws {
        let bad = 10_222
        let (db, fixtures) = try await fixtureDatabase(Self.schema, [
            "item.csv": "id,name,quantity,parent_id\n" + (0..<Self.rowCount).map { index in
                "\(index + 1),item number \(index) \(Self.padding),1,\(index == bad ? "999999" : "")\n"
            }.joined(),
        ])
        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        #expect(error?.problems.count == 1)
        let problem = try #require(error?.problems.first)
        #expect(problem.line == Self.line(ofRow: bad))
        #expect(problem.message == "`item` (row at line \(Self.line(ofRow: bad))) references a missing `item` row (parent_id = 999999)")
    }

    @Test func checkReportsAnUnknownHeaderColumnOnceAndEveryBadRow() async throws {
        let fixtures = try FixtureSet(files: ["item.csv": Self.itemCSV { index, fields in
            if index == 0 { fields[1] = "name" }
            if index == 4_000 || index == 10_900 { fields[2] = "x" }
        }.replacingOccurrences(of: "_label,name,quantity,parent\n", with: "_label,name,quantity,parent,colour\n")
         .split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            index == 0 || line.isEmpty ? String(line) : line + ",red"
        }.joined(separator: "\n")])
        let problems = try await fixtures.check(schema: Self.schema)
        #expect(problems.filter { $0.kind == .unknownColumn }.map(\.line) == [1])
        #expect(problems.filter { $0.kind == .typeMismatch }.map(\.line) == [Self.line(ofRow: 4_000), Self.line(ofRow: 10_900)])
    }

    @Test func progressCountsTheWholeTable() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["item.csv": Self.itemCSV()])
        let reports = Mutex<[FixtureLoadProgress]>([])
        try await fixtures.load(into: db) { report in reports.withLock { $0.append(report) } }
        let seen = reports.withLock { $0 }
        #expect(seen.allSatisfy { $0.rowsInTable == Self.rowCount && $0.totalRows == Self.rowCount })
        #expect(seen.last?.rowsLoaded == Self.rowCount)
        #expect(seen.map(\.rowsLoaded) == seen.map(\.rowsLoaded).sorted())
        #expect(seen.count >= Self.rowCount / 1000)
    }

    @Test func mockRowsOfAStreamedFileAreEveryRow() async throws {
        let fixtures = try FixtureSet(files: ["item.csv": Self.itemCSV(), "schema.sql": Self.schema])
        let rows = try await fixtures.rows(of: "item")
        #expect(rows.count == Self.rowCount)
        // In key order: the keys labels derive are not in file order.
        let names = Set(rows.compactMap { $0["name"].flatMap { String(sqlValue: $0) } })
        #expect(names.count == Self.rowCount)
        #expect(names.contains("item number 0 \(Self.padding)"))
        #expect(names.contains("item number \(Self.rowCount - 1) \(Self.padding)"))
    }
}
