#if Fluent
import FluentKit
import Foundation
import SQLTestKit
import SQLTestKitFluent
import Testing

@Suite("RowFactory under Fluent")
struct FluentRowFactoryTests {
    @Test func rowsMadeOnTheIsolatedDatabaseAreReadByFluent() async throws {
        try await IsolatedDatabase.with(Galaxy.template) { connection in
            let factory = RowFactory(connection, fixtures: Galaxy.fixtures)
            let pluto = try await factory.insert("planet", ["name": "Pluto"])   // and a new star for it
            try await factory.insert("planet", ["name": "Vulcan", "star": .label("sirius")])
            let (db, databases) = Galaxy.database(.sqlTestKit(connection))
            let planets = try await Planet.query(on: db).with(\.$star).sort(\.$name).all()
            await databases.shutdownAsync()
            #expect(planets.map(\.name) == ["Earth", "Mars", "Pluto", "Vulcan"])
            #expect(planets.map(\.star.name) == ["Sun", "Sun", "star name 1", "Sirius"])
            #expect(planets[2].id?.uuidString == pluto["id"]?.string)
        }
    }
}
#endif
