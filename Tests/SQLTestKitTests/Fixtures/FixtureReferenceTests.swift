import Testing
import SQLTestKit

@Suite("Fixture labels and references")
struct FixtureReferenceTests {
    @Test func derivedKeysAreStableAndSmall() {
        // Pinned: the same label gives the same key on every run and machine.
        #expect(FixtureSet.derivedID(for: "ada") == FixtureSet.derivedID(for: "ada"))
        #expect(FixtureSet.derivedID(for: "ada") != FixtureSet.derivedID(for: "grace"))
        // FNV-1a (64 bits), MurmurHash3's finalizer, reduced to 1…2^53-1: computed outside Swift.
        #expect(FixtureSet.derivedID(for: "alice") == 2_199_330_991_377_053)
        #expect(FixtureSet.derivedID(for: "") == 4_538_099_935_293_605)
        #expect((1...(1 << 53 - 1)).contains(FixtureSet.derivedID(for: "ada")))
    }

    @Test func aMillionLabelsGetAMillionKeys() {
        var keys = Set<Int64>()
        keys.reserveCapacity(1_000_000)
        for index in 0..<1_000_000 { keys.insert(FixtureSet.derivedID(for: "row\(index)")) }
        #expect(keys.count == 1_000_000)
    }

    @Test func textKeysTakeTheLabelItself() async throws {
        let (db, fixtures) = try await fixtureDatabase("""
            CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT);
            CREATE TABLE city (id INTEGER PRIMARY KEY, country_code TEXT REFERENCES country(code), name TEXT);
            """, ["country.yml": "fr: { name: France }", "city.yml": "paris: { name: Paris, country: fr }"])
        try await fixtures.load(into: db)
        #expect(try await db.fetchOne("SELECT country_code FROM city")?[0] == "fr")
    }

    @Test func compositeForeignKeysFillEveryColumn() async throws {
        let (db, fixtures) = try await fixtureDatabase("""
            CREATE TABLE edition (book TEXT, number INTEGER, title TEXT, PRIMARY KEY (book, number));
            CREATE TABLE printing (id INTEGER PRIMARY KEY, book TEXT, edition_number INTEGER, copies INTEGER,
                                   FOREIGN KEY (book, edition_number) REFERENCES edition(book, number));
            """, [
                "edition.yml": "dune_1: { book: dune, number: 1, title: Dune }\ndune_2: { book: dune, number: 2, title: Dune (2nd) }",
                "printing.yml": "run: { edition: dune_2, copies: 5000 }",
            ])
        try await fixtures.load(into: db)
        #expect(try await db.fetchOne("SELECT book, edition_number, copies FROM printing")?.values == ["dune", 2, 5000])
    }

    @Test func selfReferencesMayPointForwardOrBackward() async throws {
        let (db, fixtures) = try await fixtureDatabase("""
            CREATE TABLE employee (id INTEGER PRIMARY KEY, name TEXT, manager_id INTEGER REFERENCES employee(id));
            """, ["employee.yml": """
                bob: { name: Bob, manager: ceo }
                ceo: { name: Ceo }
                amy: { name: Amy, manager: bob }
                """])
        try await fixtures.load(into: db)
        let rows = try await db.fetchAll("SELECT e.name, m.name FROM employee e LEFT JOIN employee m ON m.id = e.manager_id ORDER BY e.name")
        #expect(rows.map(\.values) == [["Amy", "Bob"], ["Bob", "Ceo"], ["Ceo", .null]])
    }

    @Test func cyclesBetweenTablesLoadWithDeferredKeys() async throws {
        let (db, fixtures) = try await fixtureDatabase("""
            CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT, captain_id INTEGER NOT NULL REFERENCES player(id));
            CREATE TABLE player (id INTEGER PRIMARY KEY, name TEXT, team_id INTEGER NOT NULL REFERENCES team(id));
            """, ["team.yml": "reds: { name: Reds, captain: kim }", "player.yml": "kim: { name: Kim, team: reds }"])
        try await fixtures.load(into: db)
        #expect(try await db.fetchOne("SELECT t.name, p.name FROM team t JOIN player p ON p.id = t.captain_id AND p.team_id = t.id")?.values == ["Reds", "Kim"])
        // Deferral ends with the load: a dangling key is refused at once again.
        let error = await expectError(QueryError.self) { try await db.execute("INSERT INTO player(name, team_id) VALUES ('x', 999)") }
        #expect(error?.code == .constraintForeignKey)
    }

    @Test func aLabelInAKeyColumnAndAnExplicitNullBothWork() async throws {
        let (db, fixtures) = try await fixtureDatabase("""
            CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT);
            INSERT INTO author(id, name) VALUES (7, 'Seven');
            CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id), editor_id INTEGER REFERENCES author(id));
            """, ["author.yml": "ann: { name: Ann }", "book.yml": "one: { author_id: ann, editor: null }\ntwo: { author_id: '7', editor_id: ann }"])
        try await fixtures.load(into: db, clearingTables: false)   // keeps author 7
        let rows = try await db.fetchAll("SELECT author_id, editor_id FROM book ORDER BY editor_id")
        let ann = SQLValue.integer(FixtureSet.derivedID(for: "ann"))
        #expect(rows.map(\.values) == [[ann, .null], [7, ann]])
    }
}
