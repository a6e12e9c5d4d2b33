import Foundation
import Testing
import SQLTestKit

@Suite("Reading rows")
struct ResultRowTests {
    struct Book: Decodable, Equatable {
        var id: Int
        var title: String
        var published: Date?
        var inPrint: Bool
        var tags: [String]
        var rating: Double?
    }

    private let schema = """
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT, published TEXT, inPrint INTEGER, tags TEXT, rating REAL);
        INSERT INTO book VALUES (1, 'Dune', '1965-08-01', 1, '["sf","classic"]', NULL);
        """

    @Test func decodesIntoDecodableTypes() async throws {
        let db = try await makeDatabase(schema)
        let books = try await db.fetchAll(Book.self, "SELECT * FROM book")
        #expect(books == [Book(id: 1, title: "Dune", published: SQLDateFormat.date(from: "1965-08-01"), inPrint: true, tags: ["sf", "classic"], rating: nil)])
        #expect(try await db.fetchOne(Int.self, "SELECT count(*) FROM book") == 1)
    }

    @Test func readsByNameIgnoringCaseAndByIndex() async throws {
        let row = try #require(try await makeDatabase(schema).fetchOne("SELECT id, title AS Title FROM book"))
        #expect(row["Title"] == "Dune")
        #expect(row["title"] == "Dune")
        #expect(row["missing"] == nil)
        #expect(row[0] == 1)
        #expect(try row.decode("id", as: Int.self) == 1)
        #expect(row.dictionary == ["id": 1, "Title": "Dune"])
    }

    @Test func aWrongTypeNamesTheColumnTheValueAndBothTypes() async throws {
        let row = ResultRow(["id": 1, "year": "1965?"])
        let error = #expect(throws: RowDecodingError.self) { _ = try row.decode("year", as: Int.self) }
        #expect(error?.description == "column `year` holds TEXT '1965?', which cannot be read as Int")
        struct Wrong: Decodable { var id: Int; var year: Int }
        let decoded = #expect(throws: RowDecodingError.self) { _ = try row.decode(Wrong.self) }
        #expect(decoded?.column == "year")
        #expect(decoded?.wantedType == "Int")
    }

    @Test func nullIntoANonOptionalSuggestsAnOptional() {
        let row = ResultRow(["rating": nil])
        struct Rated: Decodable { var rating: Double }
        let error = #expect(throws: RowDecodingError.self) { _ = try row.decode(Rated.self) }
        #expect(error?.description == "column `rating` holds NULL, which cannot be read as Double; declare the property optional (Double?) if the column may be NULL")
    }

    @Test func aMissingColumnSuggestsTheNearestName() {
        let row = ResultRow(["id": 1, "title": "Dune"])
        struct Typo: Decodable { var titel: String }
        let error = #expect(throws: RowDecodingError.self) { _ = try row.decode(Typo.self) }
        #expect(error?.description == "no column `titel` in row [id, title]; did you mean `title`?")
    }

    @Test func badJSONInAStructuredColumnIsExplained() {
        let row = ResultRow(["tags": "not json"])
        struct Tagged: Decodable { var tags: [String] }
        let error = #expect(throws: RowDecodingError.self) { _ = try row.decode(Tagged.self) }
        #expect(error?.description.hasPrefix("column `tags` holds TEXT 'not json', which cannot be read as Array<String> (not JSON of that shape") == true)
    }

    @Test func singleValuesNeedOneColumn() {
        let error = #expect(throws: RowDecodingError.self) { _ = try ResultRow(["a": 1, "b": 2]).decode(Int.self) }
        #expect(error?.description == "a single value needs a row with one column, and this row has 2: [a, b]")
    }

    /// One property of every standard type a synthesized `init(from:)` asks for by name, and
    /// the optional of each: the keyed container converts these without `decode<T>`.
    struct EveryStandardType: Decodable, Equatable {
        var b: Bool, s: String, d: Double, f: Float, i: Int, i8: Int8, i16: Int16, i32: Int32, i64: Int64
        var u: UInt, u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64
        var ob: Bool?, os: String?, od: Double?, of: Float?, oi: Int?, oi8: Int8?, oi16: Int16?, oi32: Int32?
        var oi64: Int64?, ou: UInt?, ou8: UInt8?, ou16: UInt16?, ou32: UInt32?, ou64: UInt64?
    }

    static let everyStandardTypeSQL = """
        SELECT 1 AS b, 'text' AS s, 2.5 AS d, 0.5 AS f, -7 AS i, -128 AS i8, 32767 AS i16, -2147483648 AS i32,
               9223372036854775807 AS i64, 7 AS u, 255 AS u8, 65535 AS u16, 4294967295 AS u32, '18446744073709551615' AS u64,
               0 AS ob, NULL AS os, 3.0 AS od, NULL AS of, 4 AS oi, NULL AS oi8, 5 AS oi16, NULL AS oi32,
               -9223372036854775808 AS oi64, NULL AS ou, 1 AS ou8, NULL AS ou16, 2 AS ou32
        """

    @Test func decodesEveryStandardTypeAndItsOptional() async throws {
        let db = try await makeDatabase()
        // `ou64` is not selected: a missing column reads as nil for an optional.
        let decoded = try await db.fetchOne(EveryStandardType.self, SQLQuery(sql: Self.everyStandardTypeSQL))
        #expect(decoded == EveryStandardType(
            b: true, s: "text", d: 2.5, f: 0.5, i: -7, i8: .min, i16: .max, i32: .min, i64: .max,
            u: 7, u8: .max, u16: .max, u32: .max, u64: .max,
            ob: false, os: nil, od: 3, of: nil, oi: 4, oi8: nil, oi16: 5, oi32: nil, oi64: .min, ou: nil, ou8: 1, ou16: nil, ou32: 2, ou64: nil))
        // Single values read the same way.
        #expect(try await db.fetchAll(UInt8.self, "SELECT 255 UNION ALL SELECT 0") == [255, 0])
        #expect(try await db.fetchOne(Bool.self, "SELECT 0") == false)
        #expect(try await db.fetchOne(String.self, "SELECT 'x'") == "x")
    }

    @Test(arguments: [
        ("i8", "300", "column `i8` holds INTEGER 300, which cannot be read as Int8"),
        ("u", "-1", "column `u` holds INTEGER -1, which cannot be read as UInt"),
        ("s", "NULL", "column `s` holds NULL, which cannot be read as String; declare the property optional (String?) if the column may be NULL"),
        ("oi", "'four'", "column `oi` holds TEXT 'four', which cannot be read as Int"),
        ("ob", "'yes'", "column `ob` holds TEXT 'yes', which cannot be read as Bool"),
        ("of", "'x'", "column `of` holds TEXT 'x', which cannot be read as Float"),
    ])
    func aStandardTypeThatDoesNotFitNamesTheColumnAndTheValue(column: String, value: String, message: String) async throws {
        let db = try await makeDatabase()
        let sql = Self.everyStandardTypeSQL.replacingOccurrences(of: "AS \(column),", with: "AS \(column)_was,")
            .replacingOccurrences(of: "AS \(column)\n", with: "AS \(column)_was\n") + ", \(value) AS \(column)"
        let error = await expectError(RowDecodingError.self) {
            _ = try await db.fetchOne(EveryStandardType.self, SQLQuery(sql: sql))
        }
        #expect(error?.description == message)
        #expect(error?.column == column)
    }

    @Test func aSingleValueThatDoesNotFitNamesItsColumn() async throws {
        let db = try await makeDatabase()
        let error = await expectError(RowDecodingError.self) { _ = try await db.fetchAll(Int8.self, "SELECT 1 AS n UNION ALL SELECT 200") }
        #expect(error?.description == "column `n` holds INTEGER 200, which cannot be read as Int8")
    }

    // The lookup by name tries the column after the one found last first. These read in every
    // order a guess could get wrong, against what a plain scan of the names says.

    /// The first column of a name, by scanning: what every lookup must agree with.
    private func firstIndex(of name: String, in names: [String]) -> Int? {
        names.firstIndex(of: name) ?? names.firstIndex { $0.lowercased() == name.lowercased() }
    }

    @Test func aRepeatedNameAlwaysFindsItsFirstColumn() async throws {
        let db = try await makeDatabase("CREATE TABLE t(id INTEGER); INSERT INTO t VALUES (1), (2);")
        // Two columns named `id`: after reading the first, the column after it is `id` too.
        let rows = try await db.fetchAll("SELECT id, id * 10 AS id, id * 100 AS n FROM t ORDER BY 1")
        for (row, expected) in zip(rows, [1, 2]) {
            #expect(try row.decode("id", as: Int.self) == expected)
            #expect(try row.decode("id", as: Int.self) == expected)
            #expect(try row.decode("n", as: Int.self) == expected * 100)
            #expect(try row.decode("id", as: Int.self) == expected)
            #expect(row[1] == .integer(Int64(expected * 10)))
        }
        let mixedCase = ResultRow(columns: ["Id", "ID", "id"], values: [1, 2, 3])
        #expect(mixedCase["id"] == 3)
        #expect(mixedCase["iD"] == 1)
        #expect(mixedCase["ID"] == 2)
        #expect(mixedCase["iD"] == 1)
    }

    @Test(arguments: [4, 40])
    func everyReadingOrderFindsTheRightColumn(width: Int) {
        // Names of two lengths, so the guess and the scan both meet names of the same length.
        let names = (0..<width).map { $0.isMultiple(of: 2) ? "c\($0)" : "col_\($0)" }
        let row = ResultRow(columns: ResultColumns(names), values: (0..<width).map { .integer(Int64($0)) })
        var generator = SystemRandomNumberGenerator()
        let orders = [Array(0..<width), Array((0..<width).reversed()), (0..<width).map { _ in 0 },
                      (0..<3 * width).map { $0 % width }, (0..<width).shuffled(using: &generator)]
        for order in orders {
            for position in order {
                #expect(row.columns.index(of: names[position]) == position)
                #expect(row[names[position].uppercased()] == .integer(Int64(position)), "falls back to ignoring case")
                #expect(row.columns.index(of: "missing") == nil)
                #expect(row.columns.index(of: names[position] + "x") == nil)
            }
        }
    }

    @Test func rowsReadFromManyTasksAtOnceGetTheirOwnColumns() async throws {
        let names = ["id", "title", "price", "author_id", "name", "born", "Title"]
        let width = names.count
        let rows = ResultRow.rows(columns: ResultColumns(names), values: (0..<200 * width).map { .integer(Int64($0)) })
        // 16 tasks read the same rows, which share one lookup and its guess, each in another order.
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var wrong = 0
                    let order = (0..<width).map { (($0 * (task % 2 == 0 ? 1 : -1)) + task + width * 8) % width }
                    for _ in 0..<20 {
                        for (rowIndex, row) in rows.enumerated() {
                            for position in order {
                                let expected = self.firstIndex(of: names[position], in: names) ?? -1
                                if row[names[position]] != .integer(Int64(rowIndex * width + expected)) { wrong += 1 }
                            }
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}

