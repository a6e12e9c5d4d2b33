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
    /// ```swift
    /// let written = try await FixtureSet.dump(from: db, to: "Fixtures", format: .yaml)
    /// ```
    @discardableResult
    nonisolated(nonsending)
    public static func dump(from db: any DatabaseConnection, to directory: String, format: FixtureFile.Format = .yaml,
                            tables: [String]? = nil) async throws -> [String] {
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
            let writer = try await writer(for: table, db: db)
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
    private static func writer(for table: SchemaInfo.Table, db: any DatabaseConnection) async throws -> FixtureWriter {
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
        return FixtureWriter(table: table.name, columns: columns.map(\.name), kinds: columns.map(\.kind), labelColumns: labelColumns,
                             rows: rows.map { row in
            let values = row.values
            let label = keyPosition.map { position -> String in
                switch values[position] {
                case .integer(let integer): "\(table.name)_\(integer)"
                case .text(let text): "\(table.name)_\(text)"
                default: "\(table.name)_\(values[position])"
                }
            }
            return FixtureWriter.Row(label: label, values: values)
        })
    }

}
