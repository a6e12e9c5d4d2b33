import SQLTestKit
import SQLTestKitTesting
import Testing

/// The examples of the DocC landing pages that are not in another example.
@Suite("Landing page examples, as written")
struct LandingExamples {
    @Test func assertingTheSQLOfTheMock() async throws {
        let mock = MockDriver(dialect: .sqlite)
        let db = try await mock.connect()
        try await db.execute("UPDATE book SET title = \("Dune") WHERE id = \(1)")
        assertSQL(mock, ["UPDATE book SET title = 'Dune' WHERE id = 1"])
    }
}
