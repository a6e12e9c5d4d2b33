import Foundation
import Testing
import SQLTestKit

/// Every problem a user can hit, with its exact message: these messages are part of the product.
@Suite("Fixture errors")
struct FixtureErrorTests {
    static let schema = """
        CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, born DATE, active BOOLEAN NOT NULL DEFAULT 1);
        CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES author(id),
                           price REAL CHECK (price >= 0), metadata JSON, cover BLOB, published DATETIME, at TIME);
        """

    /// The problems `check` reports for `files`, as text.
    func problems(_ files: KeyValuePairs<String, String>) async throws -> [String] {
        try await FixtureSet(files: files).check(schema: Self.schema).map(\.description)
    }

    /// The problems parsing `files` reports, as text.
    func parseProblems(_ files: KeyValuePairs<String, String>) -> [String] {
        do {
            _ = try FixtureSet(files: files)
            Issue.record("expected a FixtureError")
            return []
        } catch let error as FixtureError {
            return error.problems.map(\.description)
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test func unknownTableAndColumnSuggestTheNearestName() async throws {
        #expect(try await problems(["autor.yml": "x: { name: X }", "author.yml": "ada:\n  nmae: Ada"]) == [
            """
            author.yml:2:9: unknown column `nmae` in table `author` (row `ada`)
              suggestion: did you mean `name`?
            """,
            """
            autor.yml: unknown table `autor`: the file autor.yml is named after a table the schema does not have
              suggestion: did you mean `author`? Rename the file to author.yml
            """,
        ])
        #expect(try await problems(["author.yml": "- { zzz: 1, name: A }"]) == ["""
            author.yml:1:10: unknown column `zzz` in table `author` (row at line 1)
              suggestion: columns of `author`: `id`, `name`, `email`, `born`, `active`
            """])
    }

    @Test func valuesThatDoNotFitTheColumnType() async throws {
        #expect(try await problems([
            "author.yml": "ada:\n  name: Ada\n  active: maybe\n  born: 1815-13-40",
            "book.yml": "b1:\n  title: T\n  author: ada\n  price: cheap\n  metadata: '{oops'\n  cover: '%%%'\n  published: yesterday\n  at: '25:00'",
        ]) == [
            """
            author.yml:3:11: column `active` of `author` (row `ada`): `maybe` is not a boolean
              suggestion: write `true` or `false` (the column is declared `BOOLEAN`)
            """,
            """
            author.yml:4:9: column `born` of `author` (row `ada`): `1815-13-40` is not a date
              suggestion: write an ISO 8601 date such as `2024-05-01` (the column is declared `DATE`)
            """,
            """
            book.yml:4:10: column `price` of `book` (row `b1`): `cheap` is not a real number
              suggestion: write a number such as `9.99`, or an ISO 8601 date such as `2024-05-01T09:30:00Z` (stored as seconds since 1970) (the column is declared `REAL`)
            """,
            """
            book.yml:5:13: column `metadata` of `book` (row `b1`): `"{oops"` is not valid JSON
              suggestion: write nested YAML or JSON lists and maps, or valid JSON text (a JSON string needs its own double quotes) (the column is declared `JSON`)
            """,
            """
            book.yml:6:10: column `cover` of `book` (row `b1`): `"%%%"` is not base64
              suggestion: write the bytes as base64 text, or in YAML as `!!binary` data (the column is declared `BLOB`)
            """,
            """
            book.yml:7:14: column `published` of `book` (row `b1`): `yesterday` is not a date and time
              suggestion: write an ISO 8601 date and time such as `2024-05-01T09:30:00Z` (the column is declared `DATETIME`)
            """,
            """
            book.yml:8:7: column `at` of `book` (row `b1`): `"25:00"` is not a time
              suggestion: write a time such as `09:30` or `09:30:15` (the column is declared `TIME`)
            """,
        ])
        #expect(try await problems(["book.json": #"[{"title": ["a"], "author_id": 1.5}]"#]) == [
            """
            book.json:1:12: column `title` of `book` (row at line 1): a nested list cannot go in a text column
              suggestion: declare the column as JSON, or write the value as one quoted string (the column is declared `TEXT`)
            """,
            """
            book.json:1:32: column `author_id` of `book` (row at line 1): `1.5` is not an integer
              suggestion: write a whole number such as `42` (the column is declared `INTEGER`)
            """,
        ])
    }

    @Test func missingValuesAndUnknownLabels() async throws {
        #expect(try await problems([
            "author.yml": "ada: { name: Ada }\ngrace: { name: Grace }",
            "book.yml": "b1:\n  title: T\n  author: adda\nb2:\n  author: ada\nb3:\n  title: Z\n  author: zed",
        ]) == [
            """
            book.yml:3:11: `author` of `book` (row `b1`) references the author row labelled `adda`, but author.yml has no row with that label
              suggestion: did you mean `ada`?
            """,
            """
            book.yml:8:11: `author` of `book` (row `b3`) references the author row labelled `zed`, but author.yml has no row with that label
              suggestion: labels in author.yml: `ada`, `grace`
            """,
            """
            book.yml:4:1: `book` (row `b2`) has no value for the NOT NULL column `title`
              suggestion: add `title: …` to the row
            """,
        ])
        #expect(try await problems(["book.yml": "b: { title: T, author: ada }"]) == ["""
            book.yml:1:24: `author` of `book` (row `b`) references the author row labelled `ada`, but no fixture file gives rows to `author`
              suggestion: add author.yml with a row labelled `ada`, or set `author_id` to the key itself
            """])
        #expect(try await problems(["book.yml": "b: { title: T }", "author.yml": "a: { name: A, active: null }"]) == [
            """
            author.yml:1:23: `author` (row `a`) sets the NOT NULL column `active` to null
              suggestion: add `active: …` to the row
            """,
            """
            book.yml:1:1: `book` (row `b`) has no value for the NOT NULL column `author_id`
              suggestion: add `author: <label>` (a row of `author`) or `author_id: …` to the row
            """,
        ])
    }

    @Test func constraintsTheDatabaseEnforcesNameTheirRow() async throws {
        #expect(try await problems([
            "author.yml": "bob:\n  name: Bob\n  email: same@x\ncarl:\n  name: Carl\n  email: same@x\n  id: 5\ndan: { name: Dan, id: 5 }",
            "book.yml": "cheap: { title: T, author: bob, price: -1 }\norphan:\n  title: O\n  author_id: 99999",
        ]) == [
            """
            author.yml:8:1: the rows `carl` and `dan` of `author` both have 5 in `id`
              suggestion: give each row its own `id`
            """,
            """
            author.yml:6:10: `author` (row `carl`) was refused by the database: UNIQUE constraint failed: author.email
              suggestion: the row `bob` has the same value; change one of them
            """,
            """
            book.yml:1:1: `book` (row `cheap`) was refused by the database: CHECK constraint failed: price >= 0
              suggestion: change the value so the table's CHECK constraint holds
            """,
            """
            book.yml:4:14: `book` (row `orphan`) references a missing `author` row (author_id = 99999)
              suggestion: reference the author row by its label instead of a literal key, or add the missing author row
            """,
        ])
    }

    @Test func aRowWhoseKeyTakesAnotherRowsLabelKeyIsReported() async throws {
        // Derived keys no longer collide in practice (see `aMillionLabelsGetAMillionKeys`); an
        // explicit key equal to another row's derived key is the same problem.
        let key = FixtureSet.derivedID(for: "ann")
        #expect(try await problems(["author.yml": "ann: { name: A }\nbob: { id: \(key), name: B }"]) == ["""
            author.yml:2:1: the rows `ann` and `bob` of `author` both have \(key) in `id`
              suggestion: give each row its own `id`
            """])
    }

    @Test func malformedFilesNameTheirLine() {
        #expect(parseProblems(["a.yml": "x: [1, 2\ny: 3", "b.json": "{\"a\": {\"name\": 'x'}}", "c.csv": "a,b\n1,2,3\n4,5",
                               "d.yml": "- 1", "e.json": "{\"x\": {}, \"x\": {}}", "f.csv": "_label,name\nx,1\nx,2",
                               "g.yml": "a: {}\na: {}", "h.json": "[{\"a\": 1,}]", "i.csv": "a\n\"open", "j.yml": "a: { b: 1, b: 2 }",
                               "k.txt": "", "l.json": "\"text\""]) == [
            """
            a.yml:2:2: malformed YAML: did not find expected ',' or ']' while parsing a flow sequence
              suggestion: check the indentation and quoting on this line and the one before it
            """,
            """
            b.json:1:16: malformed JSON: strings must be in double quotes
              suggestion: replace the single quotes with double quotes
            """,
            """
            c.csv:2: this row has 3 fields but the header has 2
              suggestion: quote fields that contain commas; leave a field empty (`,,`) for NULL
            """,
            """
            d.yml:1:3: the row is not a mapping of column names to values
              suggestion: write each row as `column: value` lines indented under its label
            """,
            """
            e.json:1:11: duplicate label `x`: two rows cannot share a label
              suggestion: rename one of the rows
            """,
            """
            f.csv:3: duplicate label `x`: two rows cannot share a label
              suggestion: rename one of the rows
            """,
            """
            g.yml:2:1: duplicate label `a`: two rows cannot share a label
              suggestion: rename one of the rows
            """,
            """
            h.json:1:10: malformed JSON: expected a key in double quotes
              suggestion: check for a trailing comma before `}`
            """,
            """
            i.csv:2: malformed CSV: a quoted field is never closed
              suggestion: quote fields that contain commas, quotes or line breaks, and double every quote inside them
            """,
            """
            j.yml:1:6: duplicate key `b` in one mapping
              suggestion: remove one of the two values
            """,
            "k.txt: k.txt is not a fixture file: its extension is not one of yml, yaml, json, csv or sql",
            "l.json:1:1: a JSON fixture must be an object from labels to rows, or an array of rows",
        ])
    }

    @Test func aMissingDirectoryOrSchemaSaysSo() async throws {
        let missing = await expectError(FixtureError.self) { _ = try FixtureSet(directory: "/no/such/fixtures") }
        #expect(missing?.problems.first?.message == "there is no fixture directory at /no/such/fixtures")
        #expect(missing?.problems.first?.suggestion?.hasPrefix("paths are relative to the working directory, ") == true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let noSchema = await expectError(FixtureError.self) { _ = try await FixtureSet.check(directory: directory) }
        #expect(noSchema?.description == """
            \(directory): no schema to check the fixtures against
              suggestion: put the schema in \(directory)/schema.sql, or name a schema file
            """)
        let badSchema = await expectError(QueryError.self) { _ = try await FixtureSet(files: [:]).check(schema: "CREATE TABLE (") }
        #expect(badSchema?.suggestion == "the schema must build before fixtures can be checked against it")
    }

    @Test func manyProblemsAreCountedInOneError() async throws {
        let (db, fixtures) = try await fixtureDatabase(Self.schema, ["author.yml": "a: { nmae: A }\nb: { name: B, active: 7x }"])
        let error = await expectError(FixtureError.self) { try await fixtures.load(into: db) }
        #expect(error?.description == """
            2 problems in the fixtures:
            author.yml:1:12: unknown column `nmae` in table `author` (row `a`)
              suggestion: did you mean `name`?
            author.yml:2:23: column `active` of `author` (row `b`): `7x` is not a boolean
              suggestion: write `true` or `false` (the column is declared `BOOLEAN`)
            """)
        #expect(error?.problems.map(\.kind) == [.unknownColumn, .typeMismatch])
        #expect(error?.problems[1].table == "author")
        #expect(error?.problems[1].label == "b")
        #expect(error?.problems[1].columnName == "active")
    }
}
