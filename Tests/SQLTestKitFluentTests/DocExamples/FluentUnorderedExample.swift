#if Fluent
import FluentKit
import Foundation
import SQLTestKit
import SQLTestKitFluent
import SQLTestKitTesting
import Testing

// The Fluent example of SQLTestKit's "A mock you can trust" article: eager loading fills its
// IN list from a set, so the order of the keys changes from one run to the next.

@Suite struct EagerLoadingTests {
    @Test func planetsAreLoadedInOneQuery() async throws {
        let mock = MockDriver(dialect: .sqlite)
        mock.script(.normalized(#"""
            SELECT "star"."id" AS "star_id", "star"."name" AS "star_name" FROM "star"
            """#), rows: [
                ["star_id": "5B1D0C1E-0000-4000-8000-000000000001", "star_name": "Sun"],
                ["star_id": "5B1D0C1E-0000-4000-8000-000000000002", "star_name": "Sirius"],
            ])
        let (db, databases) = Galaxy.database(.sqlTestKit(mock))
        _ = try await Star.query(on: db).with(\.$planets).all()
        await databases.shutdownAsync()
        assertSQL(mock, [
            #"SELECT "star"."id" AS "star_id", "star"."name" AS "star_name" FROM "star""#,
            .unordered(#"""
                SELECT "planet"."id" AS "planet_id", "planet"."name" AS "planet_name",
                       "planet"."star_id" AS "planet_star_id" FROM "planet"
                WHERE "planet"."star_id" IN ('5B1D0C1E-0000-4000-8000-000000000002',
                                             '5B1D0C1E-0000-4000-8000-000000000001')
                """#),
        ])
    }
}
#endif
