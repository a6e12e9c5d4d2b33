#if PostgreSQL
import Foundation
import SQLTestKit
import SQLTestKitPostgres
import Testing

extension PostgreSQL {
    @Suite("Cassettes recorded on PostgreSQL, replayed on the mock")
    struct Cassettes {
        /// What each statement gave back, errors included.
        enum Outcome: Equatable {
            case result([[String]], [[SQLValue]], Int, Int64?)
            case error(QueryError.Code, String?, String, String?)
        }

        static func workload(on db: any DatabaseConnection) async throws -> [Outcome] {
            var outcomes: [Outcome] = []
            func run(_ query: SQLQuery) async {
                do {
                    let result = try await db.execute(query)
                    outcomes.append(.result(result.rows.map(\.columnNames), result.rows.map(\.values), result.rowsAffected, result.lastInsertID))
                } catch let error as QueryError {
                    outcomes.append(.error(error.code, error.databaseCode, error.message, error.detail))
                } catch {
                    outcomes.append(.error(.error, nil, "\(error)", nil))
                }
            }
            await run("""
                CREATE TABLE gadget(id bigserial PRIMARY KEY, name text UNIQUE NOT NULL, big bigint, ratio double precision,
                                    price numeric(12,2), active boolean, image bytea, ref uuid, at timestamptz, day date,
                                    settings jsonb, scores integer[])
                """)
            await run("""
                INSERT INTO gadget(name, big, ratio, price, active, image, ref, at, day, settings, scores)
                VALUES (\("it's \"quoted\"\nünïcødé 🚀"), \(Int64.max), \(-0.0), \("12.50"), true, \([UInt8]([0, 1, 255])),
                        '00000000-0000-0000-0000-0000000000a1', '2024-05-01 09:30:01.123456+00', '2024-05-02',
                        '{"b": 1, "a": [true, null]}', '{3,-1,0}')
                RETURNING id, name, active
                """)
            await run("INSERT INTO gadget(name, big, ratio) VALUES (\("min"), \(Int64.min), \(1e300))")
            await run("INSERT INTO gadget(name) VALUES (\("it's \"quoted\"\nünïcødé 🚀"))")   // unique violation, with a detail
            await run("INSERT INTO gadget(name) VALUES (\("nul \u{0} inside"))")                 // PostgreSQL refuses NUL in text
            await run("SELECT * FROM gadget ORDER BY id")
            await run("UPDATE gadget SET ratio = ratio * \(2) WHERE big < \(0)")
            await run("BEGIN")
            await run("DELETE FROM gadget WHERE name = \("min")")
            await run("ROLLBACK")
            await run("SELECT count(*) AS n, sum(big) AS total FROM gadget")
            await run("SELEC 1")
            return outcomes
        }

        /// Records the workload on a new database of the test server.
        static func record() async throws -> (Cassette, [Outcome]) {
            try await PostgresTesting.withDatabase { driver in
                let recorder = CassetteRecordingDriver(wrapping: driver)
                let db = try await recorder.connect()
                let outcomes = try await workload(on: db)
                await db.close()
                return (recorder.cassette, outcomes)
            }
        }

        @Test func aRecordingReplaysCellForCellAndRecordsTheSameTextAgain() async throws {
            let (cassette, recorded) = try await Self.record()
            #expect(cassette.dialect == .postgres)
            // What was recorded is real: rows, a key, a unique violation with its detail.
            #expect(recorded.contains(.error(.constraintUnique, "23505", "duplicate key value violates unique constraint \"gadget_name_key\"",
                                              "Key (name)=(it's \"quoted\"\nünïcødé 🚀) already exists.")))
            #expect(recorded.contains { if case .result(_, let rows, _, _) = $0 { rows.count == 2 && rows[0].count == 12 } else { false } })

            let mock = MockDriver(replaying: try Cassette(text: cassette.text))
            let replayed = try await Self.workload(on: try await mock.connect())
            #expect(replayed.count == recorded.count)
            for (index, (got, want)) in zip(replayed, recorded).enumerated() { #expect(got == want, "statement \(index + 1)") }
            try mock.verify()

            // Recorded again on another new database: the same text, byte for byte.
            let (again, _) = try await Self.record()
            #expect(again.text == cassette.text)
        }
    }
}
#endif
