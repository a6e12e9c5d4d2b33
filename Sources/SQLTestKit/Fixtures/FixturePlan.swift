import Foundation

/// Fixture rows resolved against a live schema: every value coerced to its column's type,
/// every label turned into a key, every reference into the referenced row's key columns, and
/// the tables put in foreign-key order. Building a plan touches no database; every problem it
/// finds is collected, so `check` can list them all.
///
/// A large CSV file (``CSVRowStream``) is planned a chunk at a time by ``planChunk(_:rows:)``
/// as it is inserted; the plan itself keeps only its labels' keys, so other files can
/// reference its rows.
struct FixturePlan: Sendable {
    struct TableLoad: Sendable {
        var table: SchemaInfo.Table
        var file: FixtureFile
        var rows: [PlannedRow]
        /// Row positions by label.
        var labels: [String: Int]
        /// Every row's values by column position, row after row, `width` to a row; `nil` where
        /// the row leaves the column to its default. One array for the table, not one per row:
        /// on a large load the per-row arrays cost more to make, walk and free than the rest.
        var values: [SQLValue?] = []
        /// Values per row: the table's column count.
        let width: Int
        /// For a streamed file: the values of ``keptPositions`` of every labelled row, by
        /// label, since its rows are not kept.
        var labelValues: [String: [SQLValue?]] = [:]
        /// The columns whose values ``labelValues`` keeps: the primary key and every column a
        /// foreign key points at.
        var keptPositions: [Int] = []

        init(table: SchemaInfo.Table, file: FixtureFile) {
            self.table = table
            self.file = file
            self.rows = []
            self.labels = [:]
            self.width = table.columns.count
        }

        /// Whether the rows come from a streamed file: the plan's own entry holds none, a
        /// chunk from ``FixturePlan/planChunk(_:rows:)`` holds one chunk's.
        var isStreamed: Bool { file.stream != nil }

        /// Whether a row has `label`.
        func hasLabel(_ label: String) -> Bool {
            isStreamed ? labelValues[label] != nil : labels[label] != nil
        }

        /// The value of the column at `position` in the row labelled `label`: `nil` when no
        /// row has the label, `.some(nil)` when the row leaves the column to its default.
        func value(labelled label: String, _ position: Int) -> SQLValue?? {
            if isStreamed {
                guard let values = labelValues[label] else { return nil }
                guard let index = keptPositions.firstIndex(of: position) else { return .some(nil) }
                return .some(values[index])
            }
            guard let row = labels[label] else { return nil }
            return .some(value(row, position))
        }

        /// Row `row`'s value for the column at `column`.
        func value(_ row: Int, _ column: Int) -> SQLValue? { values[row * width + column] }

        mutating func setValue(_ value: SQLValue?, _ row: Int, _ column: Int) { values[row * width + column] = value }

        /// Row `row`'s values, by column position.
        func values(of row: Int) -> ArraySlice<SQLValue?> { values[(row * width)..<((row + 1) * width)] }
    }

    struct PlannedRow: Sendable {
        var label: String?
        var line: Int
        /// Whether the plan found a problem in this row (`check` does not insert such rows).
        var isBroken = false
        /// Columns whose problem is already reported (a misspelt name, a broken reference), so a
        /// missing NOT NULL value there is not reported a second time.
        var explained: Set<String> = []
    }

    /// Tables in the order their rows are inserted: parents before children.
    private(set) var loads: [TableLoad] = []
    /// Positions in ``loads`` by lowercased table name.
    private var positions: [String: Int] = [:]
    /// `.sql` files, run after the rows, in file-name order.
    private(set) var scripts: [FixtureFile] = []
    private(set) var problems: [FixtureProblem] = []

    /// A reference by label waiting for its parent table to be resolved.
    private struct PendingReference {
        var row: Int
        var foreignKey: SchemaInfo.ForeignKey
        var label: String
        var key: String
        var line: Int
        var column: Int?
    }

    /// Plans `files` against `schema`. With `streaming`, large CSV files stay streamed (the
    /// inserter plans them chunk by chunk); without it their rows are made at once, for the
    /// uses that need every row of the plan together.
    init(files: [FixtureFile], schema: SchemaInfo, streaming: Bool = false) {
        var pending: [String: [PendingReference]] = [:]
        var loadIndex: [String: Int] = [:]
        for var file in files {
            if !streaming { file = file.withAllRows }
            if file.format == .sql { scripts.append(file); continue }
            guard let table = schema.table(named: file.table) else {
                let closest = Suggestions.closest(to: file.table, in: schema.tables.map(\.name))
                problems.append(FixtureProblem(
                    kind: .unknownTable, message: "unknown table `\(file.table)`: the file \(file.path) is named after a table the schema does not have",
                    file: file.path, table: file.table,
                    suggestion: closest.map { "did you mean `\($0)`? Rename the file to \($0).\(file.format.fileExtension)" }
                        ?? "tables in the schema: \(Self.list(schema.tables.map(\.name)))"))
                continue
            }
            if let other = loadIndex[table.name.asciiLowercased] {
                problems.append(FixtureProblem(
                    kind: .duplicateKey, message: "two fixture files give rows to table `\(table.name)`: \(loads[other].file.path) and \(file.path)",
                    file: file.path, table: table.name, suggestion: "keep the rows of one table in one file"))
                continue
            }
            loadIndex[table.name.asciiLowercased] = loads.count
            if file.stream != nil {
                loads.append(streamedLoad(file: file, table: table, schema: schema))
                continue
            }
            let (load, references) = firstPass(file: file, table: table)
            pending[table.name.asciiLowercased] = references
            loads.append(load)
        }
        loads = Self.dependencyOrder(loads)
        positions = Dictionary(uniqueKeysWithValues: loads.enumerated().map { ($0.element.table.name.asciiLowercased, $0.offset) })
        for index in loads.indices where !loads[index].isStreamed {
            resolve(pending[loads[index].table.name.asciiLowercased] ?? [], in: index)
        }
        for index in loads.indices where !loads[index].isStreamed { checkRequiredValues(index) }
    }

    // MARK: - Streamed files

    /// A streamed file's entry: no rows, only the kept values of its labelled rows (read in
    /// one pass over its chunks when it has labels).
    private mutating func streamedLoad(file: FixtureFile, table: SchemaInfo.Table, schema: SchemaInfo) -> TableLoad {
        var load = TableLoad(table: table, file: file)
        var kept = Set<Int>()
        for other in schema.tables {
            for key in other.foreignKeys where key.parentTable.asciiLowercased == table.name.asciiLowercased {
                kept.formUnion(key.parentColumns.compactMap { table.position(of: $0) })
            }
        }
        load.keptPositions = kept.sorted()
        // Only references need a label's values: a table no foreign key points at keeps none.
        guard !file.labels.isEmpty, !kept.isEmpty else { return load }
        load.labelValues.reserveCapacity(file.labels.count)
        file.forEachChunk { rows in
            var chunkFile = file
            chunkFile.rows = rows
            // The rows' problems are reported when each chunk is planned for insertion.
            let before = problems.count
            let (chunk, _) = firstPass(file: chunkFile, table: table)
            problems.removeSubrange(before...)
            for (label, row) in chunk.labels {
                load.labelValues[label] = load.keptPositions.map { chunk.value(row, $0) }
            }
        }
        return load
    }

    /// Plans one chunk of the streamed file of ``loads``[`index`]: its values, references and
    /// NOT NULL checks, as for any file. Returns the chunk's load (``TableLoad/rows`` for the
    /// chunk alone, row indexes from 0) and the problems it found.
    mutating func planChunk(_ index: Int, rows: [FixtureRow]) -> (TableLoad, [FixtureProblem]) {
        let original = loads[index]
        var file = original.file
        file.rows = rows
        let before = problems.count
        var (chunk, references) = firstPass(file: file, table: original.table)
        chunk.labelValues = original.labelValues
        chunk.keptPositions = original.keptPositions
        loads[index] = chunk
        resolve(references, in: index)
        checkRequiredValues(index)
        let planned = loads[index]
        loads[index] = original
        let found = Array(problems[before...])
        problems.removeSubrange(before...)
        return (planned, found)
    }

    /// The problems of every streamed file's rows, found by planning them chunk by chunk
    /// without inserting anything (at most `limit`).
    mutating func streamedProblems(limit: Int) -> [FixtureProblem] {
        var found: [FixtureProblem] = []
        var deduplicator = HeaderProblemFilter()
        for index in loads.indices where loads[index].isStreamed {
            var chunks = loads[index].file.stream!.chunks()
            while found.count < limit, let rows = chunks.next() {
                found += deduplicator.filter(planChunk(index, rows: rows).1)
            }
        }
        return Array(found.prefix(limit))
    }

    /// Each chunk of a CSV file reports an unknown header column again; this keeps the first.
    struct HeaderProblemFilter {
        private var reported = Set<String>()

        mutating func filter(_ problems: [FixtureProblem]) -> [FixtureProblem] {
            problems.filter { problem in
                guard problem.kind == .unknownColumn, problem.line == 1 else { return true }
                return reported.insert(problem.file + "\u{0}" + (problem.columnName ?? "")).inserted
            }
        }
    }

    // MARK: - First pass: values, labels, keys

    private mutating func firstPass(file: FixtureFile, table: SchemaInfo.Table) -> (TableLoad, [PendingReference]) {
        let referenceNames = Self.referenceNames(of: table)
        // Per-column facts in arrays: this loop runs once per cell, and copying a column's
        // strings or hashing its position there doubled the cost of a large load.
        let kinds = table.columns.map(\.kind)
        let generated = table.columns.map(\.isGenerated)
        var singleColumnKeys = [SchemaInfo.ForeignKey?](repeating: nil, count: table.columns.count)
        for key in table.foreignKeys where key.columns.count == 1 {
            if let position = table.position(of: key.columns[0]) { singleColumnKeys[position] = key }
        }
        let primaryKey = table.primaryKey
        let derivedKeyPosition = primaryKey.count == 1 ? table.position(of: primaryKey[0].name) : nil
        var load = TableLoad(table: table, file: file)
        load.rows.reserveCapacity(file.rows.count)
        load.values.reserveCapacity(file.rows.count * load.width)
        var references: [PendingReference] = []
        var keyOwners: [SQLValue: Int] = [:]
        var integerKeyOwners: [Int64: Int] = [:]
        integerKeyOwners.reserveCapacity(file.rows.count)
        var derivedKeyRows = Set<Int>()
        // Files whose rows share one key order (CSV, most YAML) look each key up once.
        var cachedKeys: [String] = []
        var cachedPositions: [Int?] = []

        // A CSV header names its columns once: an unknown one is one problem, at line 1.
        var reportedHeaderColumns = Set<String>()
        for row in file.rows {
            // The row's values are written straight into the table's array.
            let base = load.values.count
            load.values.append(contentsOf: repeatElement(nil, count: load.width))
            var explained: Set<String> = []
            let rowIndex = load.rows.count
            let problemsBefore = problems.count
            var brokenByHeader = false
            let referencesBefore = references.count
            // Fields are read where they are: copying each (its key and value) out of the row
            // retained and released two objects per cell.
            row.fields.withUnsafeBufferPointer { fields in
                for fieldIndex in fields.indices {
                    let position: Int?
                    if fieldIndex < cachedKeys.count, cachedKeys[fieldIndex] == fields[fieldIndex].key {
                        position = cachedPositions[fieldIndex]
                    } else {
                        position = table.position(of: fields[fieldIndex].key)
                        if fieldIndex < cachedKeys.count {
                            cachedKeys[fieldIndex] = fields[fieldIndex].key
                            cachedPositions[fieldIndex] = position
                        } else if fieldIndex == cachedKeys.count {
                            cachedKeys.append(fields[fieldIndex].key)
                            cachedPositions.append(position)
                        }
                    }
                    if let position {
                        let kind = kinds[position]
                        if generated[position] {
                            let column = table.columns[position]
                            problems.append(problem(.typeMismatch, "column `\(column.name)` of `\(table.name)` is generated; the database computes it",
                                                    file: file, row: row, field: fields[fieldIndex], suggestion: "remove `\(fields[fieldIndex].key)` from the row"))
                            continue
                        }
                        // `author_id: alice` — a label where a key was expected.
                        if let key = singleColumnKeys[position], kind != .text, kind != .blob, !fields[fieldIndex].value.isNull,
                           let label = Self.labelText(fields[fieldIndex].value), Int64(label) == nil {
                            references.append(PendingReference(row: rowIndex, foreignKey: key, label: label, key: fields[fieldIndex].key,
                                                               line: fields[fieldIndex].line, column: fields[fieldIndex].column))
                            continue
                        }
                        // The common cells (plain numbers and text) skip the general coercion.
                        if let fast = kind.coerceCommonCase(fields[fieldIndex].value) {
                            load.values[base + position] = fast
                            continue
                        }
                        switch kind.coerce(fields[fieldIndex].value) {
                        case .success(let value): load.values[base + position] = value
                        case .failure(let failure):
                            let column = table.columns[position]
                            explained.insert(column.name)
                            problems.append(problem(.typeMismatch, "column `\(column.name)` of `\(table.name)`\(Self.rowName(row)): \(failure.message)",
                                                    file: file, row: row, field: fields[fieldIndex],
                                                    suggestion: "\(failure.suggestion) (the column is declared `\(column.declaredType)`)"))
                        }
                    } else if let key = referenceNames[fields[fieldIndex].key] ?? referenceNames[fields[fieldIndex].key.asciiLowercased] {
                        if fields[fieldIndex].value.isNull {
                            for name in key.columns { if let position = table.position(of: name) { load.values[base + position] = .null } }
                        } else if let label = Self.labelText(fields[fieldIndex].value) {
                            references.append(PendingReference(row: rowIndex, foreignKey: key, label: label, key: fields[fieldIndex].key,
                                                               line: fields[fieldIndex].line, column: fields[fieldIndex].column))
                        } else {
                            problems.append(problem(.typeMismatch, "`\(fields[fieldIndex].key)` of `\(table.name)`\(Self.rowName(row)) references a \(key.parentTable) row, so it must be a label, not `\(fields[fieldIndex].value.excerpt)`",
                                                    file: file, row: row, field: fields[fieldIndex], suggestion: "write the label of a row in \(key.parentTable)'s fixtures"))
                        }
                    } else {
                        let candidates = table.columns.filter { !$0.isGenerated }.map(\.name) + referenceNames.keys.sorted()
                        let closest = Suggestions.closest(to: fields[fieldIndex].key, in: candidates)
                        if let closest { explained.insert(referenceNames[closest]?.columns.first ?? closest) }
                        let suggestion = closest.map { "did you mean `\($0)`?" } ?? "columns of `\(table.name)`: \(Self.list(candidates))"
                        if file.format == .csv {
                            brokenByHeader = true
                            if reportedHeaderColumns.insert(fields[fieldIndex].key).inserted {
                                problems.append(FixtureProblem(kind: .unknownColumn,
                                                               message: "unknown column `\(fields[fieldIndex].key)` in table `\(table.name)` (the header names it)",
                                                               file: file.path, line: 1, table: table.name, columnName: fields[fieldIndex].key,
                                                               suggestion: suggestion))
                            }
                            continue
                        }
                        problems.append(problem(.unknownColumn, "unknown column `\(fields[fieldIndex].key)` in table `\(table.name)`\(Self.rowName(row))",
                                                file: file, row: row, field: fields[fieldIndex], suggestion: suggestion))
                    }
                }
            }
            // A label gives the row its key unless the row sets one.
            if let label = row.label, let position = derivedKeyPosition, load.values[base + position] == nil,
               // Only this row's references (the last ones added): scanning them all made a
               // large file of labelled rows with references quadratic.
               !references[referencesBefore...].contains(where: { $0.foreignKey.columns.contains(table.columns[position].name) }) {
                switch table.columns[position].kind {
                case .text: load.values[base + position] = .text(label); derivedKeyRows.insert(rowIndex)
                case .integer, .numeric, .any:
                    let maximum = table.columns[position].integerMaximum ?? FixtureSet.maximumDerivedID
                    load.values[base + position] = .integer(FixtureSet.derivedID(for: label, maximum: maximum))
                    derivedKeyRows.insert(rowIndex)
                case .uuid: load.values[base + position] = .text(FixtureSet.derivedUUID(for: label).uuidString); derivedKeyRows.insert(rowIndex)
                default: break
                }
            }
            if let position = derivedKeyPosition, let key = load.values[base + position], key != .null {
                // Integer keys (nearly all of them) skip hashing the enum.
                let owner: Int?
                if case .integer(let integer) = key {
                    owner = integerKeyOwners.updateValue(rowIndex, forKey: integer)
                    if let owner { integerKeyOwners[integer] = owner }
                } else {
                    owner = keyOwners[key]
                    if owner == nil { keyOwners[key] = rowIndex }
                }
                if let owner {
                    let other = load.rows[owner]
                    problems.append(problem(.duplicateKey,
                                            "the rows \(Self.rowTitle(other.label, line: other.line)) and \(Self.rowTitle(row.label, line: row.line)) of `\(table.name)` both have \(key) in `\(table.columns[position].name)`",
                                            file: file, row: row, field: nil,
                                            suggestion: derivedKeyRows.contains(rowIndex) && derivedKeyRows.contains(owner)
                                                ? "two labels hash to the same key; give one of the rows an explicit `\(table.columns[position].name)`"
                                                : "give each row its own `\(table.columns[position].name)`"))
                }
            }
            if let label = row.label { load.labels[label] = rowIndex }
            load.rows.append(PlannedRow(label: row.label, line: row.line, isBroken: problems.count > problemsBefore || brokenByHeader,
                                        explained: explained))
        }
        return (load, references)
    }

    // MARK: - Second pass: references by label

    private mutating func resolve(_ references: [PendingReference], in index: Int) {
        // The table and file, not the whole load: a copy of the load would hold its values,
        // and every write below would then copy them all again (quadratic for a table that
        // references itself).
        let child = (table: loads[index].table, file: loads[index].file)
        for reference in references {
            let parentName = reference.foreignKey.parentTable
            let fileRow = child.file.rows[reference.row]
            guard let parentIndex = positions[parentName.asciiLowercased] else {
                loads[index].rows[reference.row].isBroken = true
                loads[index].rows[reference.row].explained.formUnion(reference.foreignKey.columns)
                problems.append(FixtureProblem(
                    kind: .unknownLabel,
                    message: "`\(reference.key)` of `\(child.table.name)`\(Self.rowName(fileRow)) references the \(parentName) row labelled `\(reference.label)`, but no fixture file gives rows to `\(parentName)`",
                    file: child.file.path, line: reference.line, column: reference.column, table: child.table.name,
                    label: fileRow.label, columnName: reference.key,
                    suggestion: "add \(parentName).yml with a row labelled `\(reference.label)`, or set `\(reference.foreignKey.columns.joined(separator: "`, `"))` to the key itself"))
                continue
            }
            let parent = (table: loads[parentIndex].table, file: loads[parentIndex].file)
            guard loads[parentIndex].hasLabel(reference.label) else {
                loads[index].rows[reference.row].isBroken = true
                loads[index].rows[reference.row].explained.formUnion(reference.foreignKey.columns)
                // A parent file that failed to parse has already been reported.
                if !parent.file.isComplete { continue }
                let closest = Suggestions.closest(to: reference.label, in: parent.file.labels)   // file order: ties resolve the same way every run
                problems.append(FixtureProblem(
                    kind: .unknownLabel,
                    message: "`\(reference.key)` of `\(child.table.name)`\(Self.rowName(fileRow)) references the \(parentName) row labelled `\(reference.label)`, but \(parent.file.path) has no row with that label",
                    file: child.file.path, line: reference.line, column: reference.column, table: child.table.name,
                    label: fileRow.label, columnName: reference.key,
                    suggestion: closest.map { "did you mean `\($0)`?" }
                        ?? (parent.file.labels.isEmpty ? "\(parent.file.path) has no labelled rows; label them to reference them"
                                                  : "labels in \(parent.file.path): \(Self.list(parent.file.labels))")))
                continue
            }
            for (childColumn, parentColumn) in zip(reference.foreignKey.columns, reference.foreignKey.parentColumns) {
                guard let childPosition = child.table.position(of: childColumn),
                      let parentPosition = parent.table.position(of: parentColumn) else { continue }
                guard let value = loads[parentIndex].value(labelled: reference.label, parentPosition) ?? nil else {
                    loads[index].rows[reference.row].isBroken = true
                    problems.append(FixtureProblem(
                        kind: .missingValue,
                        message: "`\(reference.key)` of `\(child.table.name)`\(Self.rowName(fileRow)) needs `\(parentColumn)` of the \(parentName) row `\(reference.label)`, which does not set it",
                        file: child.file.path, line: reference.line, column: reference.column, table: child.table.name,
                        label: fileRow.label, columnName: childColumn,
                        suggestion: "set `\(parentColumn)` on the \(parentName) row `\(reference.label)`"))
                    continue
                }
                loads[index].setValue(value, reference.row, childPosition)
            }
        }
    }

    // MARK: - Third pass: NOT NULL columns

    private mutating func checkRequiredValues(_ loadIndex: Int) {
        let load = loads[loadIndex]
        let required = load.table.columns.enumerated().filter { _, column in
            column.notNull && !column.isGenerated && column.name != load.table.rowidAlias?.name
        }
        guard !required.isEmpty else { return }
        let referenceNames = Self.referenceNames(of: load.table)
        // By index, without copying rows: a copy retains each row's arrays, and on a large
        // load touching them all again cost more than the check itself.
        for rowIndex in load.rows.indices {
            for (position, column) in required {
                let value = load.value(rowIndex, position)
                if value == nil && column.hasDefault { continue }
                guard value == nil || value == .null, !load.rows[rowIndex].explained.contains(column.name) else { continue }
                let row = load.rows[rowIndex]
                // The first by name: a dictionary's order changes from run to run, the message must not.
                let reference = referenceNames.filter { $0.value.columns.contains(column.name) }.keys.min()
                let fileRow = load.file.rows[rowIndex]
                loads[loadIndex].rows[rowIndex].isBroken = true
                let explicitField = fileRow.fields.first { load.table.position(of: $0.key) == position }
                problems.append(FixtureProblem(
                    kind: .missingValue,
                    message: value == nil
                        ? "`\(load.table.name)`\(Self.rowName(fileRow)) has no value for the NOT NULL column `\(column.name)`"
                        : "`\(load.table.name)`\(Self.rowName(fileRow)) sets the NOT NULL column `\(column.name)` to null",
                    file: load.file.path, line: explicitField?.line ?? row.line, column: explicitField?.column ?? fileRow.column,
                    table: load.table.name, label: row.label, columnName: column.name,
                    suggestion: reference.map { "add `\($0): <label>` (a row of `\(load.table.foreignKeys.first { $0.columns.contains(column.name) }?.parentTable ?? $0)`) or `\(column.name): …` to the row" }
                        ?? "add `\(column.name): …` to the row"))
            }
        }
    }

    // MARK: - Helpers

    /// The names a row may use to reference a parent by label: a single-column key `author_id`
    /// is `author`; the parent table's name works too when only one key points at it.
    static func referenceNames(of table: SchemaInfo.Table) -> [String: SchemaInfo.ForeignKey] {
        var names: [String: SchemaInfo.ForeignKey] = [:]
        for key in table.foreignKeys {
            if key.columns.count == 1, key.columns[0].asciiLowercased.hasSuffix("_id"), key.columns[0].count > 3 {
                names[String(key.columns[0].dropLast(3))] = key
            }
        }
        for key in table.foreignKeys where table.foreignKeys.filter({ $0.parentTable.asciiLowercased == key.parentTable.asciiLowercased }).count == 1 {
            if names[key.parentTable] == nil { names[key.parentTable] = key }
        }
        return names.filter { table.position(of: $0.key) == nil }
    }

    /// Parents before children (Kahn's algorithm, file order among equals); tables in a cycle
    /// follow in file order, which deferred foreign keys allow.
    static func dependencyOrder(_ loads: [TableLoad]) -> [TableLoad] {
        let names = Set(loads.map { $0.table.name.asciiLowercased })
        var remaining = Array(loads.indices)
        var placed = Set<String>()
        var ordered: [TableLoad] = []
        while !remaining.isEmpty {
            let ready = remaining.firstIndex { index in
                loads[index].table.foreignKeys.allSatisfy { key in
                    let parent = key.parentTable.asciiLowercased
                    return parent == loads[index].table.name.asciiLowercased || !names.contains(parent) || placed.contains(parent)
                }
            }
            let next = remaining.remove(at: ready ?? 0)
            placed.insert(loads[next].table.name.asciiLowercased)
            ordered.append(loads[next])
        }
        return ordered
    }

    static func labelText(_ value: FixtureValue) -> String? {
        switch value {
        case .plain(let text), .quoted(let text): text
        default: nil
        }
    }

    static func rowName(_ row: FixtureRow) -> String { rowName(row.label, line: row.line) }

    static func rowName(_ label: String?, line: Int) -> String {
        " (row \(rowTitle(label, line: line)))"
    }

    /// "`alice`", or "at line 12" for a row without a label.
    static func rowTitle(_ label: String?, line: Int) -> String {
        label.map { "`\($0)`" } ?? "at line \(line)"
    }

    static func list(_ names: [String]) -> String {
        names.count > 8 ? names.prefix(8).map { "`\($0)`" }.joined(separator: ", ") + ", … (\(names.count) in all)"
                        : names.map { "`\($0)`" }.joined(separator: ", ")
    }

    private func problem(_ kind: FixtureProblem.Kind, _ message: String, file: FixtureFile, row: FixtureRow,
                         field: FixtureField?, suggestion: String) -> FixtureProblem {
        FixtureProblem(kind: kind, message: message, file: file.path, line: field?.line ?? row.line, column: field?.column ?? row.column,
                       table: file.table, label: row.label, columnName: field?.key, suggestion: suggestion)
    }
}
