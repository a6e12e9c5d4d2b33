import Foundation

extension FixtureSet {
    /// Writes tables of `db` as fixture files in `directory` (created if needed), one file per
    /// table named after it, and the schema as `schema.sql`, and returns the paths written.
    /// Rows are ordered by primary key (the physical row order is not kept) and labelled
    /// `<table>_<key>` where the table has a single-column key; every column is written, keys
    /// included. Loading the directory into an empty database gives back every value with the
    /// same storage class and bytes: a value a load would read differently by its column's
    /// declared type is written as an exact value, which a load stores as it is.
    ///
    /// Generated columns are left out (the database computes them). Throws ``FixtureError``
    /// when `directory` already holds a file in another format for one of the tables, since a
    /// directory may give each table only one file.
    ///
    /// Given `labelsFrom`, the fixture set the database was loaded from, rows come back as
    /// they were written: each labelled row under its label, its key left out when the label
    /// derived it, and a foreign key to a labelled row written as that label, under the name
    /// the fixture used (`author: ada`). Rows the fixtures did not hold are written as above.
    ///
    /// ```swift
    /// let written = try await FixtureSet.dump(from: db, to: "Fixtures", format: .yaml)
    /// ```
    @discardableResult
    nonisolated(nonsending)
    public static func dump(from db: any DatabaseConnection, to directory: String, format: FixtureFile.Format = .yaml,
                            tables: [String]? = nil, labelsFrom original: FixtureSet? = nil) async throws -> [String] {
        let labels = original.map(DumpLabels.init)
        guard format != .sql else {
            throw FixtureError(problems: [FixtureProblem(kind: .unreadableFile, message: "dumps are written as YAML, JSON or CSV, not SQL",
                                                         file: directory, suggestion: "choose yaml, json or csv")])
        }
        let schema = try await SchemaInfo.read(from: db)
        var selected: [SchemaInfo.Table] = []
        var problems: [FixtureProblem] = []
        for name in tables ?? schema.tables.map(\.name) {
            guard let table = schema.table(named: name) else {
                problems.append(FixtureProblem(kind: .unknownTable, message: "the database has no table `\(name)`", file: directory, table: name,
                                               suggestion: Suggestions.closest(to: name, in: schema.tables.map(\.name)).map { "did you mean `\($0)`?" }
                                                   ?? "tables: \(FixturePlan.list(schema.tables.map(\.name)))"))
                continue
            }
            selected.append(table)
        }
        let manager = FileManager.default
        let existing = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        for table in selected {
            for name in existing where (name as NSString).deletingPathExtension == table.name {
                if let other = FixtureFile.Format(fileExtension: (name as NSString).pathExtension), other != format, other != .sql {
                    problems.append(FixtureProblem(
                        kind: .duplicateKey, message: "\(directory)/\(name) already gives rows to `\(table.name)`; a \(format.rawValue) dump would be a second file for it",
                        file: directory + "/" + name, table: table.name,
                        suggestion: "dump as \(other.rawValue), or delete \(name) first"))
                }
            }
        }
        if !problems.isEmpty { throw FixtureError(problems: problems) }
        try Task.checkCancellation()
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        let schemaPath = (directory as NSString).appendingPathComponent(schemaFileName)
        try await db.catalog.creationScript(of: db, tables: tables == nil ? nil : Set(selected.map { $0.name.asciiLowercased }))
            .write(toFile: schemaPath, atomically: true, encoding: .utf8)
        written.append(schemaPath)
        for table in selected {
            // Between tables, and every 1,000 rows while a table is written: a cancelled dump
            // stops there, and a table it did not finish is not written.
            try Task.checkCancellation()
            let writer = try await writer(for: table, db: db, labels: labels)
            let path = (directory as NSString).appendingPathComponent(table.name + "." + format.fileExtension)
            try writer.render(format).write(toFile: path, atomically: true, encoding: .utf8)
            try Task.checkCancellation()
            written.append(path)
        }
        return written
    }

    /// The statements that create `db`'s schema, in an order that loads: tables in the order
    /// they were created, then indexes, views and triggers. With `tables`, only those tables
    /// with their indexes and triggers.
    nonisolated(nonsending)
    private static func writer(for table: SchemaInfo.Table, db: any DatabaseConnection, labels: DumpLabels?) async throws -> FixtureWriter {
        let columns = table.columns.filter { !$0.isGenerated }
        let quote = db.capability.dialect.quoteIdentifier
        let key = table.primaryKey
        let order = (key.isEmpty ? columns : key).map { quote($0.name) }.joined(separator: ", ")
        let rows = try await db.fetchAll(SQLQuery(sql: "SELECT \(columns.map { quote($0.name) }.joined(separator: ", ")) FROM \(quote(table.name)) ORDER BY \(order)"))
        let keyPosition = key.count == 1 ? columns.firstIndex { $0.name == key[0].name } : nil
        let labelColumns = Set(columns.indices.filter { index in
            columns[index].kind != .text && columns[index].kind != .blob
                && table.foreignKeys.contains { $0.columns == [columns[index].name] }
        })
        // Single-column foreign keys, by column position: the table they reference.
        let references: [Int: String] = Dictionary(uniqueKeysWithValues: columns.indices.compactMap { index in
            table.foreignKeys.first { $0.columns.count == 1 && $0.columns[0].asciiLowercased == columns[index].name.asciiLowercased }
                .map { (index, $0.parentTable) }
        })
        return FixtureWriter(table: table.name, columns: columns.map(\.name), kinds: columns.map(\.kind), labelColumns: labelColumns,
                             rows: rows.map { row in
            let values = row.values
            var written = FixtureWriter.Row(label: keyPosition.map { position -> String in
                switch values[position] {
                case .integer(let integer): "\(table.name)_\(integer)"
                case .text(let text): "\(table.name)_\(text)"
                default: "\(table.name)_\(values[position])"
                }
            }, values: values)
            guard let labels else { return written }
            // The row as the fixtures wrote it, when they hold it.
            let original = keyPosition.flatMap { labels.entry(in: table.name, key: values[$0]) }
            if let original, let keyPosition {
                written.label = original.label
                if DumpLabels.writtenName(of: columns[keyPosition].name, in: original.row) == nil { written.omitted.insert(keyPosition) }
            }
            for (index, parent) in references where values[index] != .null {
                guard let target = labels.entry(in: parent, key: values[index]) else { continue }
                written.references[index] = target.label
                if let original, let name = DumpLabels.writtenName(of: columns[index].name, in: original.row) { written.names[index] = name }
            }
            return written
        })
    }

}
