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
}
