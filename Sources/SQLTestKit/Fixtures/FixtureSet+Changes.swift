extension FixtureSet {
    /// What `db` holds that loading these fixtures into an empty copy of its schema would not:
    /// rows inserted, updated (with each changed column) and deleted, in every table. Rows are
    /// matched by primary key (by their whole content in tables without one). Tables the
    /// connection's framework keeps for itself (``DriverCapability/bookkeepingTables``) are left out.
    ///
    /// ```swift
    /// try await fixtures.load(into: db)
    /// try await codeUnderTest(db)
    /// print(try await fixtures.changes(in: db))   // only what the code changed
    /// ```
    nonisolated(nonsending)
    public func changes(in db: any DatabaseConnection) async throws -> FixtureChanges {
        // The baseline: the same schema, built empty, with the fixtures loaded.
        return try await db.catalog.withEmptyCopy(of: db) { baseline in
            try await load(into: baseline)
            return try await changes(in: db, baseline: baseline)
        }
    }

    /// Row by row, table by table: `db` against `baseline`, the fixtures loaded into an empty copy.
    nonisolated(nonsending)
    private func changes(in db: any DatabaseConnection, baseline: any DatabaseConnection) async throws -> FixtureChanges {
        let schema = try await SchemaInfo.read(from: db)
        let plan = FixturePlan(files: files, schema: schema)

        var changes: [FixtureChanges.RowChange] = []
        let quote = db.capability.dialect.quoteIdentifier
        let bookkeeping = Set(db.capability.bookkeepingTables.map(\.asciiLowercased))
        for table in schema.tables where !bookkeeping.contains(table.name.asciiLowercased) {
            let columns = table.columns.map(\.name)
            let select = SQLQuery(sql: "SELECT \(columns.map(quote).joined(separator: ", ")) FROM \(quote(table.name))")
            let before = try await baseline.fetchAll(select)
            let after = try await db.fetchAll(select)
            let keyPositions = table.primaryKey.compactMap { table.position(of: $0.name) }
            // Labels of fixture rows by their key values.
            var labels: [[SQLValue]: String] = [:]
            if let load = plan.loads.first(where: { $0.table.name == table.name }) {
                for (index, row) in load.rows.enumerated() {
                    guard let label = row.label else { continue }
                    labels[keyPositions.map { load.value(index, $0) ?? .null }] = label
                }
            }
            func key(_ row: ResultRow) -> [SQLValue] {
                keyPositions.isEmpty ? row.values : keyPositions.map { row[$0] }
            }
            func name(_ key: [SQLValue]) -> String {
                if let label = labels[key] { return "`\(label)`" }
                if keyPositions.isEmpty { return "(a row)" }
                return "(" + zip(keyPositions, key).map { "\(columns[$0.0]) \($0.1)" }.joined(separator: ", ") + ")"
            }
            var remaining: [[SQLValue]: [ResultRow]] = [:]
            for row in after { remaining[key(row), default: []].append(row) }
            var deleted: [FixtureChanges.RowChange] = [], updated: [FixtureChanges.RowChange] = []
            for row in before.sorted(by: { Self.precedes(key($0), key($1)) }) {
                let rowKey = key(row)
                guard var matches = remaining[rowKey], !matches.isEmpty else {
                    deleted.append(.init(kind: .deleted, table: table.name, name: name(rowKey), columns: [], row: nil))
                    continue
                }
                let now = matches.removeFirst()
                remaining[rowKey] = matches
                let differing = columns.indices.filter { row[$0] != now[$0] }
                if !differing.isEmpty {
                    updated.append(.init(kind: .updated, table: table.name, name: name(rowKey),
                                         columns: differing.map { (columns[$0], row[$0], now[$0]) }, row: now))
                }
            }
            let inserted = remaining.values.flatMap { $0 }.sorted { Self.precedes(key($0), key($1)) }.map { row in
                FixtureChanges.RowChange(kind: .inserted, table: table.name, name: name(key(row)), columns: [], row: row)
            }
            changes += deleted + updated + inserted
        }
        return FixtureChanges(changes: changes)
    }

    /// Key order: NULL, numbers, text, blobs (SQLite's own order), element by element.
    static func precedes(_ left: [SQLValue], _ right: [SQLValue]) -> Bool {
        for (a, b) in zip(left, right) where a != b {
            return rank(a) != rank(b) ? rank(a) < rank(b) : lessThan(a, b)
        }
        return left.count < right.count
    }

    private static func rank(_ value: SQLValue) -> Int {
        switch value {
        case .null: 0
        case .integer, .real: 1
        case .text: 2
        case .blob: 3
        }
    }

    private static func lessThan(_ a: SQLValue, _ b: SQLValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): x < y
        case (.integer(let x), .real(let y)): Double(x) < y
        case (.real(let x), .integer(let y)): x < Double(y)
        case (.real(let x), .real(let y)): x < y
        case (.text(let x), .text(let y)): x < y
        case (.blob(let x), .blob(let y)): x.lexicographicallyPrecedes(y)
        default: false
        }
    }
}
