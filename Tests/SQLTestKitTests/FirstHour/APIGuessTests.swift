import SQLTestKit
import Testing

/// The common guesses Swift users make about the API work as guessed.
@Suite("First hour: the API reads the way Swift users guess")
struct APIGuessTests {
    @Test func columnsCompareWithAnArrayLiteralAndPrintAsOne() async throws {
        let db = try await makeDatabase("CREATE TABLE person(id INTEGER PRIMARY KEY, age INTEGER)")
        try await db.execute("INSERT INTO person(age) VALUES (\(41))")
        let row = try #require(try await db.fetchOne("SELECT id, age FROM person"))
        #expect(row.columns == ["id", "age"])
        #expect(row.columns != ["id"])
        #expect("\(row.columns)" == #"["id", "age"]"#)
        #expect(row.columns.map { $0.uppercased() } == ["ID", "AGE"])
        #expect(row.columns.first == "id")
    }

    @Test func aRegexMatcherCanBeWrittenInsideTheOrderedBuilder() async throws {
        let mock = MockDriver()
        try mock.expectInOrder {
            MockExpectation("BEGIN")
            MockExpectation(try .regex("^UPDATE account SET balance = balance [-+] \\d+"))
            MockExpectation("COMMIT")
        }
        let db = try await mock.connect()
        try await db.transaction { db in _ = try await db.execute("UPDATE account SET balance = balance - 10 WHERE id = 1") }
        try mock.verify()
        #expect(throws: (any Error).self) {
            try mock.expectInOrder { MockExpectation(try .regex("(unclosed")) }
        }
    }

    @Test func booleansGoIntoIntegerColumnsAsOneAndZero() async throws {
        let db = try await makeDatabase("CREATE TABLE post(id INTEGER PRIMARY KEY, published INTEGER NOT NULL)")
        try await FixtureSet(files: ["post.yml": "a:\n  published: true\nb:\n  published: FALSE\n"]).load(into: db)
        #expect(try await db.fetchAll("SELECT published FROM post ORDER BY published").map { $0[0] } == [0, 1])
        // Quoted text is still text, which an integer column refuses.
        let error = await expectError(FixtureError.self) {
            try await FixtureSet(files: ["post.yml": "c:\n  published: 'true'\n"]).load(into: db)
        }
        #expect(error?.problems.first?.message.contains("column `published` of `post`") == true)
    }
}
