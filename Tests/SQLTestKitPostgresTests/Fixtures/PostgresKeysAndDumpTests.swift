#if PostgreSQL
import Foundation
import SQLTestKit
@testable import SQLTestKitPostgres
import Testing

/// The keys PostgreSQL schemas really use, and dumps of every type the driver reads.
extension PostgreSQL {
    @Suite("PostgreSQL keys and dumps")
    struct KeysAndDumps {
        static func directory(_ files: [String: String]) throws -> String {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgkeys-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
            return directory
        }

        @Test func identityAlwaysKeysLoadOneRowOrManyAndTheSequenceMovesOn() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript("""
                    CREATE TABLE account(id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
                    CREATE TABLE single(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
                    CREATE TABLE owner(id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id integer NOT NULL REFERENCES account(id));
                    """)
                let directory = try Self.directory([
                    "account.yml": "ada: { name: Ada }\nbob: { id: 7, name: Bob }\ncy: { name: Cy }",
                    "single.yml": "only: { id: 3, name: One }",
                    "owner.yml": "first: { account: ada }",
                ])
                defer { try? FileManager.default.removeItem(atPath: directory) }
                let fixtures = try FixtureSet(directory: directory)
                try await fixtures.load(into: db)
                let ada = try #require(fixtures.id(of: "ada", in: "account", as: Int32.self))
                #expect(try await db.fetchOne(String.self, "SELECT name FROM account WHERE id = \(Int(ada))") == "Ada")
                #expect(try await db.fetchOne(Int.self, "SELECT account_id FROM owner") == Int(ada))
                #expect(try await db.fetchOne(String.self, "SELECT name FROM single WHERE id = 3") == "One")
                // The code under test inserts after the fixtures: the identity goes past every key.
                let next = try await db.fetchOne(Int.self, "INSERT INTO single(name) VALUES ('next') RETURNING id")
                #expect(next == 4)
                let maxAccount = try await db.fetchOne(Int.self, "SELECT max(id) FROM account")
                #expect(try await db.fetchOne(Int.self, "INSERT INTO account(name) VALUES ('new') RETURNING id") == (maxAccount ?? 0) + 1)
            }
        }

        @Test func labelDerivedKeysFitTheKeyColumnsType() async throws {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript("""
                    CREATE TABLE small(id smallint PRIMARY KEY, name text);
                    CREATE TABLE medium(id serial PRIMARY KEY, small_id smallint REFERENCES small(id), name text);
                    CREATE TABLE large(id bigint PRIMARY KEY, medium_id integer REFERENCES medium(id));
                    """)
                let labels = (0..<40).map { "row\($0)" }
                let directory = try Self.directory([
                    "small.yml": labels.map { "\($0): { name: \($0) }" }.joined(separator: "\n"),
                    "medium.yml": labels.map { "\($0): { name: \($0), small: \($0) }" }.joined(separator: "\n"),
                    "large.yml": labels.map { "\($0): { medium: \($0) }" }.joined(separator: "\n"),
                ])
                defer { try? FileManager.default.removeItem(atPath: directory) }
                let fixtures = try FixtureSet(directory: directory)
                try await fixtures.load(into: db)
                for label in labels {
                    let small = try #require(fixtures.id(of: label, in: "small", as: Int16.self))
                    let medium = try #require(fixtures.id(of: label, in: "medium", as: Int32.self))
                    let large = try #require(fixtures.id(of: label, in: "large"))
                    #expect(small > 0 && medium > 0 && large > Int64(Int32.max), "\(label)")
                    #expect(try await db.fetchOne(Int.self, "SELECT small_id FROM medium WHERE id = \(Int(medium))") == Int(small))
                    #expect(try await db.fetchOne(Int.self, "SELECT medium_id FROM large WHERE id = \(large)") == Int(medium))
                }
                // The derivation is the 64-bit one reduced to the type, stable everywhere.
                #expect(FixtureSet.derivedID(for: "row0", maximum: Int64(Int32.max)) == Int64(try #require(fixtures.id(of: "row0", in: "medium", as: Int32.self))))
            }
        }

        /// One column of every type the driver reads, with values at their edges and NULLs.
        static let everyTypeSchema = """
            CREATE EXTENSION IF NOT EXISTS pgcrypto;
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
            CREATE SEQUENCE ticket_numbers START 100;
            CREATE TABLE sample(
                id bigint PRIMARY KEY,
                i2 smallint, i4 integer, i8 bigint, n numeric(12, 2), f4 real, f8 double precision,
                b boolean, t text, vc varchar(20), c char(3), raw bytea,
                d date, ts timestamp, tstz timestamptz, tm time, u uuid DEFAULT gen_random_uuid(),
                j json, jb jsonb, ints integer[], texts text[],
                feeling mood, amount positive, ticket integer DEFAULT nextval('ticket_numbers')
            );
            INSERT INTO sample VALUES
              (1, -32768, -2147483648, -9223372036854775808, -1234567890.12, 1.5, -0.0, true, 'tab\there ''q''', 'vär', 'ab',
               '\\x00ff10', '2024-02-29', '2024-05-01 09:30:00.123456', '2024-05-01 09:30:00.5+02', '23:59:59.999999',
               'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": {"c": null}}', '{1,2,3}', '{"x y","z"}', 'happy', 5, 101),
              (2, 32767, 2147483647, 9223372036854775807, 0, 'NaN', 'Infinity', false, '', '', '', '\\x', '0001-01-01',
               '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '00:00:00', '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}', 'sad', 1, 102),
              (3, NULL, NULL, NULL, NULL, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """

        @Test(arguments: [FixtureFile.Format.yaml, .json, .csv])
        func aDumpOfEveryTypeLoadsBackCellForCell(format: FixtureFile.Format) async throws {
            try await PostgresTesting.withConnection { db in
                try await db.executeScript(Self.everyTypeSchema)
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgdump-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: directory) }
                try await FixtureSet.dump(from: db, to: directory, format: format)
                let schema = try String(contentsOfFile: directory + "/schema.sql", encoding: .utf8)
                #expect(schema.contains("CREATE TYPE \"mood\" AS ENUM ('sad', 'ok', 'happy');"), "\(schema)")
                #expect(schema.contains("CREATE DOMAIN \"positive\" AS integer"), "\(schema)")
                #expect(schema.contains("CREATE SEQUENCE \"ticket_numbers\""), "\(schema)")
                #expect(schema.contains("CREATE EXTENSION IF NOT EXISTS \"pgcrypto\""), "\(schema)")
                try await PostgresTesting.withConnection { copy in
                    let dumped = try FixtureSet(directory: directory)
                    let schemaSQL = try #require(dumped.schemaSQL)
                    try await dumped.load(into: copy, schema: FixtureSchema(sql: schemaSQL, source: directory + "/schema.sql"))
                    // Every cell, as the server prints it, and its type.
                    let cells = "SELECT id, row_to_json(s)::text, pg_typeof(i2)::text || pg_typeof(feeling)::text FROM sample s ORDER BY id"
                    let original = try await db.fetchAll(SQLQuery(sql: cells)).map(\.values)
                    let loaded = try await copy.fetchAll(SQLQuery(sql: cells)).map(\.values)
                    #expect(loaded == original)
                    // And as SQLTestKit reads them: storage class and value, NaN and -0.0 included
                    // (described, since NaN equals nothing).
                    let read = "SELECT * FROM sample ORDER BY id"
                    func described(_ rows: [ResultRow]) -> [[String]] {
                        rows.map { $0.values.map { value in
                            if case .real(let real) = value { return "REAL bits \(real.bitPattern)" }
                            return value.debugDescription
                        } }
                    }
                    let values = described(try await db.fetchAll(SQLQuery(sql: read)))
                    #expect(described(try await copy.fetchAll(SQLQuery(sql: read))) == values)
                    let f4 = try await copy.fetchOne("SELECT f4 FROM sample WHERE id = 2")?[0]
                    #expect(f4.map { if case .real(let real) = $0 { real.isNaN } else { false } } == true, "\(String(describing: f4))")
                    #expect(try await copy.fetchOne(Int.self, "SELECT nextval('ticket_numbers')") != nil)
                }
            }
        }
    }
}
#endif
