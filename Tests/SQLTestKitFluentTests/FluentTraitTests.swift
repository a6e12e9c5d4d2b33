#if Fluent
import FluentKit
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTesting
import Testing

enum LibraryTraitTemplate {
    static let template = DatabaseTemplate.fluent([CreateLibrary(), CreateLoan()], fixtures: LibraryTemplate.fixtures)
}

/// Code under test that finds its database the way app code reaches a shared one.
func renameDune(to title: String) async throws {
    let (db, databases) = try fluentDatabase(on: try IsolatedDatabase.require())
    try await Book.query(on: db).filter(\.$title == "Dune").set(\.$title, to: title).update()
    await databases.shutdownAsync()
}

@Suite("Fluent in the Swift Testing trait", .isolatedDatabase(LibraryTraitTemplate.template))
struct FluentTraitTests {
    @Test(arguments: 0..<3) func everyTestCaseStartsFromTheMigratedFixtures(index: Int) async throws {
        let (db, databases) = try fluentDatabase(on: try IsolatedDatabase.require())
        #expect(try await Book.query(on: db).count() == 2)
        try await renameDune(to: "Dune \(index)")
        #expect(try await Book.query(on: db).filter(\.$title == "Dune \(index)").count() == 1)
        await databases.shutdownAsync()
    }

    @Test func aTemplateIsKeyedByItsMigrations() {
        let other = DatabaseTemplate.fluent([CreateLibrary()], fixtures: LibraryTemplate.fixtures)
        #expect(other.contentHash != LibraryTraitTemplate.template.contentHash)
        #expect(DatabaseTemplate.fluent([CreateLibrary(), CreateLoan()], fixtures: LibraryTemplate.fixtures) == LibraryTraitTemplate.template)
    }
}

#if canImport(XCTest)
import XCTest

final class FluentDatabaseTestCaseTests: DatabaseTestCase {
    override var template: DatabaseTemplate { LibraryTraitTemplate.template }

    func testFluentRunsInTheTestsTransaction() async throws {
        let (fluent, databases) = try fluentDatabase(on: db)
        try await Loan.query(on: fluent).withDeleted().delete(force: true)
        let count = try await Loan.query(on: fluent).withDeleted().count()
        XCTAssertEqual(count, 0)
        await databases.shutdownAsync()
    }

    func testAnotherTestStillHasTheFixtures() async throws {
        let (fluent, databases) = try fluentDatabase(on: db)
        let count = try await Loan.query(on: fluent).withDeleted().count()
        XCTAssertEqual(count, 2)
        await databases.shutdownAsync()
    }
}
#endif
#endif
