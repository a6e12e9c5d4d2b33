import Testing
import SQLTestKit

/// The mismatch messages are part of the product: these pin their exact text.
@Suite("The mock driver: diagnostics")
struct MockDiagnosticsTests {
    @Test func aChangedValuePointsAtTheToken() async throws {
        let mock = MockDriver(strict: true)
        mock.script("SELECT id, name FROM user WHERE id = 5", rows: [["id": 5, "name": "Joe"]])
        mock.script("SELECT id FROM book", rows: [])
        let db = try await mock.connect()
        let error = await expectError(MockMismatch.self) { _ = try await db.fetchOne("SELECT id, name FROM user WHERE id = \(6)") }
        #expect(error?.description == """
            unexpected statement #1 on connection 1 (strict mode):
              SQL:       SELECT id, name FROM user WHERE id = ?
              arguments: [INTEGER 6]
              expanded:  SELECT id, name FROM user WHERE id = 6
            closest scripted statements:
              1. SELECT id, name FROM user WHERE id = 5   (declared at SQLTestKitTests/MockDiagnosticsTests.swift:9)
                 first difference at token 10: scripted `5`, statement has `6`
                   scripted:  SELECT id, name FROM user WHERE id = 5
                   statement: SELECT id, name FROM user WHERE id = 6
                                                                   ^
              2. SELECT id FROM book   (declared at SQLTestKitTests/MockDiagnosticsTests.swift:10)
                 first difference at token 3: scripted `FROM`, statement has `,`
                   scripted:  SELECT id FROM book
                   statement: SELECT id, name FROM user WHERE id = 6
                                       ^
            """)
    }

    @Test func aMissingWhereSaysTheStatementEnds() async throws {
        let mock = MockDriver(strict: true)
        mock.script("DELETE FROM session WHERE user_id = ?", arguments: [1], answer: .affected(1))
        let error = await expectError(MockMismatch.self) { try await mock.connect().execute("DELETE FROM session") }
        #expect(error?.description == """
            unexpected statement #1 on connection 1 (strict mode):
              SQL:       DELETE FROM session
            closest scripted statement:
              1. DELETE FROM session WHERE user_id = ?  arguments: [INTEGER 1]   (declared at SQLTestKitTests/MockDiagnosticsTests.swift:34)
                 first difference at token 4: scripted `WHERE`, statement has nothing more
                   scripted:  DELETE FROM session WHERE user_id = ?
                   statement: DELETE FROM session
                                                 ^
            """)
    }

    @Test func aChangedArgumentIsNamedWithBothTypes() async throws {
        let mock = MockDriver(strict: true)
        mock.script("UPDATE book SET title = ? WHERE id = ?", arguments: ["Dune", 1], answer: .affected(1))
        let error = await expectError(MockMismatch.self) {
            try await mock.connect().execute("UPDATE book SET title = \("Dune") WHERE id = \("1")")
        }
        #expect(error?.description == """
            unexpected statement #1 on connection 1 (strict mode):
              SQL:       UPDATE book SET title = ? WHERE id = ?
              arguments: [TEXT 'Dune', TEXT '1']
              expanded:  UPDATE book SET title = 'Dune' WHERE id = '1'
            closest scripted statement:
              1. UPDATE book SET title = ? WHERE id = ?  arguments: [TEXT 'Dune', INTEGER 1]   (declared at SQLTestKitTests/MockDiagnosticsTests.swift:50)
                 the SQL matches; the arguments differ:
                   argument 2: scripted INTEGER 1, statement has TEXT '1'
            """)
    }

    @Test func layoutOnlyDifferencesSuggestNormalizedMatching() async throws {
        let mock = MockDriver(strict: true)
        mock.script("select * from book", rows: [])
        let error = await expectError(MockMismatch.self) { try await mock.connect().execute("SELECT *\n  FROM book") }
        #expect(error?.description.contains("same statement up to layout, case and quoting; match it with .normalized(…)") == true)
    }

    @Test func nothingScriptedSaysHowToScriptIt() async throws {
        let mock = MockDriver(strict: true)
        let error = await expectError(MockMismatch.self) { try await mock.connect().execute("SELECT * FROM t WHERE a = \("x")") }
        #expect(error?.description.hasSuffix("nothing is scripted that could match it; script it with mock.script(\"SELECT * FROM t WHERE a = 'x'\", rows: …)") == true)
    }
}
