import Foundation

/// How far a load has come, reported to a progress handler.
public struct FixtureLoadProgress: Sendable, Hashable {
    /// The table being loaded.
    public var table: String
    /// Rows of `table` inserted so far.
    public var rowsLoaded: Int
    /// Rows `table` gets in all.
    public var rowsInTable: Int
    /// Rows inserted so far, all tables together.
    public var totalRowsLoaded: Int
    /// Rows the load inserts in all.
    public var totalRows: Int
}

/// What a load did: rows per table, in the order they were inserted.
public struct FixtureLoadSummary: Sendable, Hashable, CustomStringConvertible {
    /// One table the load gave rows to.
    public struct Table: Sendable, Hashable {
        /// The table's name.
        public var name: String
        /// How many rows it got.
        public var rows: Int
        /// The file the rows came from.
        public var file: String
    }

    /// The tables, in the order their rows went in.
    public var tables: [Table]
    /// `.sql` files run after the rows.
    public var scripts: [String]
    /// Where the schema the load created came from (``FixtureSchema/source``); `nil` when it
    /// created none (no schema given, or one only for an empty database that had tables).
    public var schema: String?
    /// How long the load took.
    public var duration: Duration

    /// Rows inserted in all.
    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }

    /// A table of rows per table, then the total.
    public var description: String {
        let width = max(5, tables.map(\.name.count).max() ?? 0)
        var lines = tables.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String($0.rows) }
        lines += scripts.map { "ran \($0)" }
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        lines.append("\(totalRows) row\(totalRows == 1 ? "" : "s") in \(tables.count) table\(tables.count == 1 ? "" : "s") loaded in \(String(format: "%.3f", seconds)) s")
        return lines.joined(separator: "\n")
    }
}

/// A schema a fixture load creates before it inserts rows: the SQL and the file it came from
/// (named in errors, with the line of a failing statement).
public struct FixtureSchema: Sendable, Hashable {
    /// The statements that create the schema.
    public var sql: String
    /// Where they came from, for messages (`Fixtures/schema.sql`).
    public var source: String
    /// Apply the schema only when the database has no tables (as for a fixture directory's
    /// `schema.sql`); otherwise a database that has tables is refused, since applying the
    /// schema there would fail half-way or mix two schemas.
    public var onlyIfEmpty: Bool

    /// A schema from its statements and the file they came from.
    public init(sql: String, source: String, onlyIfEmpty: Bool = false) {
        self.sql = sql
        self.source = source
        self.onlyIfEmpty = onlyIfEmpty
    }
}

/// A schema a load was asked to create could not be applied; nothing of the load was kept.
///
/// ```text
/// Fixtures/schema.sql:3: the schema statement failed: near "TABLEE": syntax error; nothing of the load was kept
/// ```
public struct FixtureSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the schema was not applied.
    public enum Reason: Sendable, Hashable {
        /// The database has tables and the schema may only be applied to an empty one.
        case databaseHasTables
        /// A statement of the schema failed.
        case statementFailed
    }

    /// Why the schema was not applied.
    public var reason: Reason
    /// The schema's file (``FixtureSchema/source``).
    public var source: String
    /// The line of the failing statement.
    public var line: Int?
    /// What happened, for people.
    public var message: String
    /// What to do about it.
    public var suggestion: String?

    public var description: String {
        "\(source)\(line.map { ":\($0)" } ?? ""): \(message)" + (suggestion.map { "\n  suggestion: \($0)" } ?? "")
    }
}

extension FixtureSet {
    /// Loads every fixture into `db` in one transaction: rows in foreign-key order with labels
    /// and references resolved against `db`'s live schema, then the `.sql` files. Any failure —
    /// a bad row, a failing statement, an error thrown by the database, cancellation — leaves
    /// `db` exactly as it was and throws (``FixtureError`` with every problem found: file,
    /// line, table, label, column and a suggestion each).
    ///
    /// - Parameters:
    ///   - db: the connection to load into; the load runs in a transaction on it (a savepoint
    ///     when one is already open).
    ///   - clearingTables: delete the rows the fixture tables already hold first (the default),
    ///     so a load gives the same contents every time.
    ///   - allowingNonTestDatabase: load into a file database that SQLTestKit did not create
    ///     and whose name does not say it is a test database; otherwise such a load throws
    ///     ``NotATestDatabaseError`` before anything is written.
    ///   - resettingDatabase: drop every table, view, index and trigger first, in the same
    ///     transaction (so a failed load leaves even the old schema in place).
    ///   - schema: statements that create the schema, run in the same transaction before the
    ///     rows. Without one, the fixture directory's `schema.sql` (``schemaSQL``) is applied
    ///     when `db` has no tables, as `sqltestkit load` does; a database with tables is loaded
    ///     into as it is.
    ///   - progress: called as rows go in (every 1,000 rows and at the end of each table).
    ///
    /// ```swift
    /// let fixtures = try FixtureSet(directory: "Fixtures")
    /// let summary = try await fixtures.load(into: db)
    /// print(summary)   // rows per table
    /// ```
    @discardableResult
    nonisolated(nonsending)
    public func load(into db: any DatabaseConnection, clearingTables: Bool = true, allowingNonTestDatabase: Bool = false,
                     resettingDatabase: Bool = false, schema: FixtureSchema? = nil,
                     progress: (@Sendable (FixtureLoadProgress) -> Void)? = nil) async throws -> FixtureLoadSummary {
        let start = ContinuousClock.now
        try await Self.checkIsTestDatabase(db, override: allowingNonTestDatabase)
        let schema = schema ?? schemaSQL.map { FixtureSchema(sql: $0, source: schemaPath, onlyIfEmpty: true) }
        let (plan, appliedSchema) = try await db.transaction { db in
            if resettingDatabase { try await db.catalog.dropEverything(on: db) }
            let applied = if let schema { try await Self.apply(schema, to: db) } else { false }
            let live = try await SchemaInfo.read(from: db)
            if live.tables.isEmpty, files.contains(where: { $0.format != .sql }) {
                throw FixtureError(problems: [Self.noSchemaProblem(files: files, directory: directory)])
            }
            try Task.checkCancellation()
            var plan = FixturePlan(files: files, schema: live, streaming: true)
            if !plan.problems.isEmpty {
                throw FixtureError(problems: plan.problems + plan.streamedProblems(limit: FixtureInserter.problemLimit))
            }
            let problems = try await FixtureInserter(plan: plan, progress: progress).run(on: db, clearingTables: clearingTables)
            // Throwing rolls the transaction back: nothing of a failed load stays.
            if !problems.isEmpty { throw FixtureError(problems: problems) }
            return (plan, applied)
        }
        return FixtureLoadSummary(tables: plan.loads.map { .init(name: $0.table.name, rows: $0.file.rowCount, file: $0.file.path) },
                                  scripts: plan.scripts.map(\.path), schema: appliedSchema ? schema?.source : nil,
                                  duration: ContinuousClock.now - start)
    }

    /// The one problem of a load into a database without tables (instead of one unknown
    /// table per file).
    static func noSchemaProblem(files: [FixtureFile], directory: String?) -> FixtureProblem {
        let folder = directory ?? "the fixture directory"
        return FixtureProblem(kind: .unknownTable,
                              message: "the database has no tables, so none of the fixtures' tables (\(files.filter { $0.format != .sql }.map { "`\($0.table)`" }.joined(separator: ", "))) exist, and \(folder) has no \(schemaFileName) to create them",
                              file: directory ?? "fixtures",
                              suggestion: "put the schema in \(folder)/\(schemaFileName) (applied to a database without tables), pass `schema: FixtureSchema(sql: …, source: …)` to load(into:), or `--schema FILE` to sqltestkit load")
    }

    /// The folder the fixture files were read from, when they came from one.
    var directory: String? {
        files.first.map { ($0.path as NSString).deletingLastPathComponent }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Where `schema.sql` came from, for messages.
    var schemaPath: String {
        directory.map { ($0 as NSString).appendingPathComponent(Self.schemaFileName) } ?? Self.schemaFileName
    }

    /// Runs a schema's statements (inside the load's transaction), mapping a failure to the
    /// schema file's line; returns whether it ran them (an `onlyIfEmpty` schema is skipped on
    /// a database that has tables).
    nonisolated(nonsending)
    static func apply(_ schema: FixtureSchema, to db: any DatabaseConnection) async throws -> Bool {
        if try await db.catalog.hasTables(db) {
            if schema.onlyIfEmpty { return false }
            throw FixtureSchemaError(reason: .databaseHasTables, source: schema.source, line: nil,
                                     message: "the database already has tables, so the schema in \(schema.source) was not applied",
                                     suggestion: "reset the database in the same load (resettingDatabase: true), or leave the schema out to load into the tables it has")
        }
        let bytes = Array(schema.sql.utf8)
        for statement in SQLTokenizer.statementsWithOffsets(in: schema.sql) {
            do {
                try await db.execute(SQLQuery(sql: statement.text))
            } catch let error as QueryError {
                throw FixtureSchemaError(reason: .statementFailed, source: schema.source,
                                         line: FixtureReader.lineNumber(at: statement.offset, in: bytes),
                                         message: "the schema statement failed: \(error.message); nothing of the load was kept",
                                         suggestion: error.suggestion)
            }
        }
        return true
    }

    /// Refuses a file database that is not a test database (SQLTestKit's rule for every
    /// destructive operation).
    nonisolated(nonsending)
    static func checkIsTestDatabase(_ db: any DatabaseConnection, override: Bool) async throws {
        guard !override else { return }
        try await db.catalog.checkIsTestDatabase(db, operation: "load fixtures into",
                                                 overrideHint: "pass allowingNonTestDatabase: true (or --allow-non-test-database to sqltestkit)")
    }
}

/// Runs a plan's statements on a connection, collecting the problems the database reports and
/// tying each one to the fixture row that caused it.
struct FixtureInserter {
    let plan: FixturePlan
    let progress: (@Sendable (FixtureLoadProgress) -> Void)?
    /// Stop collecting after this many problems: one broken column in a 100k-row file would
    /// otherwise give 100k messages.
    static let problemLimit = 100

    /// Rows not inserted (left out by `check`, or refused), by lowercased table name, with
    /// their values: a child pointing at one of them is a consequence, not a problem of its own.
    typealias UnloadedRows = [String: [[SQLValue?]]]

    /// Inserts everything (deleting the tables' rows first when asked), with foreign keys
    /// deferred to the end and then checked; returns the problems found. Streamed files are
    /// planned a chunk at a time here; once a problem is found nothing more is inserted, but
    /// the remaining chunks are still planned so every problem is reported.
    nonisolated(nonsending)
    func run(on db: any DatabaseConnection, clearingTables: Bool, skippingBrokenRows: Bool = false) async throws -> [FixtureProblem] {
        var plan = self.plan
        let catalog = db.catalog
        let deferred = try await catalog.deferForeignKeys(on: db)
        let quote = db.capability.dialect.quoteIdentifier
        var problems: [FixtureProblem] = []
        var unloaded: UnloadedRows = [:]
        if clearingTables {
            for load in plan.loads.reversed() {
                try await db.execute(SQLQuery(sql: "DELETE FROM \(quote(load.table.name))"))
            }
        }
        var progress = Progress(totalRows: plan.loads.reduce(0) { $0 + $1.file.rowCount }, handler: self.progress)
        var headerProblems = FixturePlan.HeaderProblemFilter()
        /// Whether planning a streamed chunk found a problem: nothing more goes in then.
        var planFailed = false
        tables: for index in plan.loads.indices {
            guard let stream = plan.loads[index].file.stream else {
                if planFailed { continue }
                if try await insert(plan.loads[index], firstRow: 0, on: db, skippingBrokenRows: skippingBrokenRows,
                                    progress: &progress, problems: &problems, unloaded: &unloaded) { break tables }
                continue
            }
            var chunks = stream.chunks()
            var firstRow = 0
            while let rows = chunks.next() {
                try Task.checkCancellation()
                let (chunk, found) = plan.planChunk(index, rows: rows)
                problems += headerProblems.filter(found)
                if !found.isEmpty && !skippingBrokenRows { planFailed = true }
                if problems.count >= Self.problemLimit { break tables }
                if !planFailed {
                    if try await insert(chunk, firstRow: firstRow, on: db, skippingBrokenRows: skippingBrokenRows,
                                        progress: &progress, problems: &problems, unloaded: &unloaded) { break tables }
                }
                firstRow += rows.count
            }
        }
        if problems.isEmpty && unloaded.isEmpty {
            for script in plan.scripts { problems += await run(script: script, on: db) }
        }
        // Rows left out would show up as missing parents; their problems are already reported.
        if !planFailed && problems.count < Self.problemLimit { problems += try await foreignKeyProblems(on: db, plan: &plan, unloaded: unloaded) }
        if problems.isEmpty {
            try await catalog.advanceSequences(on: db, tables: plan.loads.map(\.table))
            if let restore = deferred.restore { try await db.execute(restore) }
        } else if let restore = deferred.restore {
            // With problems the load is rolled back (or, for `check`, only reported); restoring
            // the deferral may fail then (PostgreSQL checks the deferred keys again, on what was
            // just reported), which changes nothing.
            _ = try? await db.execute(restore)
        }
        return Array(problems.prefix(Self.problemLimit))
    }

    /// Counts rows in for the progress handler.
    struct Progress {
        let totalRows: Int
        let handler: (@Sendable (FixtureLoadProgress) -> Void)?
        var loaded = 0
    }

    /// Inserts the rows of `load` (a whole table, or one chunk of a streamed file whose first
    /// row is the table's `firstRow`); returns `true` when there are too many problems to go on.
    nonisolated(nonsending)
    private func insert(_ load: FixturePlan.TableLoad, firstRow: Int, on db: any DatabaseConnection, skippingBrokenRows: Bool,
                        progress: inout Progress, problems: inout [FixtureProblem], unloaded: inout UnloadedRows) async throws -> Bool {
        // One INSERT per set of given columns, keyed by a bit mask of their positions.
        var statements: [[UInt64]: String] = [:]
        var lastMask: [UInt64] = []
        var lastSQL = ""
        let dialect = db.capability.dialect
        let quotedTable = dialect.quoteIdentifier(load.table.name)
        let quotedColumns = load.table.columns.map { dialect.quoteIdentifier($0.name) }
        var batch: [(row: Int, values: ArraySlice<SQLValue?>)] = []
        let batchSize = (db as? any BatchRunning)?.preferredBatchSize ?? 1000
        var mask = [UInt64](repeating: 0, count: (quotedColumns.count + 63) / 64)
        for index in load.rows.indices {
            if skippingBrokenRows && load.rows[index].isBroken {
                unloaded[load.table.name.asciiLowercased, default: []].append(Array(load.values(of: index)))
                continue
            }
            let values = load.values(of: index)
            for word in mask.indices { mask[word] = 0 }
            for (position, value) in values.enumerated() where value != nil {
                mask[position / 64] |= 1 << UInt64(position % 64)
            }
            let sql: String
            if mask == lastMask {
                sql = lastSQL
            } else if let known = statements[mask] {
                sql = known
            } else {
                let columns = quotedColumns.indices.filter { load.value(index, $0) != nil }.map { quotedColumns[$0] }
                sql = columns.isEmpty ? "INSERT INTO \(quotedTable) DEFAULT VALUES"
                    : "INSERT INTO \(quotedTable) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
                statements[mask] = sql
            }
            if sql != lastSQL, !batch.isEmpty {
                if try await flush(&batch, sql: lastSQL, load: load, on: db, problems: &problems, unloaded: &unloaded) { return true }
            }
            lastMask = mask
            lastSQL = sql
            batch.append((index, values))
            progress.loaded += 1
            if (index + 1) % batchSize == 0 || index + 1 == load.rows.count {
                if try await flush(&batch, sql: sql, load: load, on: db, problems: &problems, unloaded: &unloaded) { return true }
                progress.handler?(FixtureLoadProgress(table: load.table.name, rowsLoaded: firstRow + index + 1, rowsInTable: load.file.rowCount,
                                                      totalRowsLoaded: progress.loaded, totalRows: progress.totalRows))
            }
        }
        if !batch.isEmpty {
            if try await flush(&batch, sql: lastSQL, load: load, on: db, problems: &problems, unloaded: &unloaded) { return true }
        }
        return false
    }

    /// Inserts the batched rows (through the connection's batch path when it has one)
    /// and records their failures; returns `true` when there are too many problems to go on.
    nonisolated(nonsending)
    private func flush(_ batch: inout [(row: Int, values: ArraySlice<SQLValue?>)], sql: String, load: FixturePlan.TableLoad,
                       on db: any DatabaseConnection, problems: inout [FixtureProblem], unloaded: inout UnloadedRows) async throws -> Bool {
        defer { batch.removeAll(keepingCapacity: true) }
        // At most a thousand rows between checks: a cancelled load stops within milliseconds
        // and its transaction is rolled back.
        try Task.checkCancellation()
        var failures: [(Int, QueryError)] = []
        if let batching = db as? any BatchRunning {
            failures = try await batching.runBatch(sql, rows: batch.map(\.values))
        } else {
            for (position, entry) in batch.enumerated() {
                do {
                    try await db.execute(SQLQuery(sql: sql, arguments: entry.values.compactMap { $0 }))
                } catch let error as QueryError {
                    failures.append((position, error))
                }
            }
        }
        for (position, error) in failures {
            let row = batch[position].row
            problems.append(problem(for: error, load: load, rowIndex: row))
            unloaded[load.table.name.asciiLowercased, default: []].append(Array(batch[position].values))
            if problems.count >= Self.problemLimit { return true }
        }
        return false
    }

    private func problem(for error: QueryError, load: FixturePlan.TableLoad, rowIndex: Int) -> FixtureProblem {
        let row = load.rows[rowIndex]
        let fileRow = load.file.rows[rowIndex]
        var suggestion: String?
        switch error.code {
        case .constraintUnique, .constraintPrimaryKey:
            let positions = Self.constraintColumns(of: error, table: load.table.name).compactMap { load.table.position(of: $0) }
            let twin = positions.isEmpty ? nil : load.rows.indices.first { other in
                load.rows[other].line != row.line
                    && positions.allSatisfy { load.value(other, $0) != nil && load.value(other, $0) == load.value(rowIndex, $0) }
            }.map { load.rows[$0] }
            suggestion = twin.map { "the row \(FixturePlan.rowTitle($0.label, line: $0.line)) has the same value; change one of them" }
                ?? (load.isStreamed ? "an earlier row of \(load.file.path), or a row already in the table, has the same value; change this one" : nil)
                ?? "a row already in the table has the same value; change this one, or clear the table's rows first (the default: clearingTables: true, or sqltestkit load without --keep-existing)"
        case .constraintCheck:
            suggestion = "change the value so the table's CHECK constraint holds"
        case .constraintNotNull:
            suggestion = "give the column a value"
        default:
            suggestion = error.suggestion
        }
        let column = Self.constraintColumns(of: error, table: load.table.name).first
        let field = column.flatMap { name in fileRow.fields.first { $0.key == name } }
        return FixtureProblem(kind: .constraintViolation,
                              message: "`\(load.table.name)`\(FixturePlan.rowName(row.label, line: row.line)) was refused by the database: \(error.message)",
                              file: load.file.path, line: field?.line ?? row.line, column: field?.column ?? fileRow.column,
                              table: load.table.name, label: row.label, columnName: column, suggestion: suggestion)
    }

    /// The columns a constraint error names: SQLite's `UNIQUE constraint failed: t.a, t.b`,
    /// PostgreSQL's `Key (a, b)=(…)` detail or `null value in column "a"`.
    static func constraintColumns(of error: QueryError, table: String) -> [String] {
        if let detail = error.detail, let open = detail.range(of: "Key ("), let close = detail[open.upperBound...].range(of: ")=") {
            return detail[open.upperBound..<close.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        if error.databaseCode != nil, let open = error.message.range(of: "column \""),
           let close = error.message[open.upperBound...].firstIndex(of: "\"") {
            return [String(error.message[open.upperBound..<close])]
        }
        return constraintColumns(in: error.message, table: table)
    }

    /// The columns SQLite names in `UNIQUE constraint failed: t.a, t.b`.
    static func constraintColumns(in message: String, table: String) -> [String] {
        var names: [String] = []
        var rest = message[...]
        while let range = rest.range(of: "\(table).") {
            let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.append(String(name)) }
            rest = rest[range.upperBound...]
        }
        return names
    }

    nonisolated(nonsending)
    private func run(script: FixtureFile, on db: any DatabaseConnection) async -> [FixtureProblem] {
        let text = script.sql ?? ""
        let bytes = Array(text.utf8)
        let dialect = db.capability.dialect
        for statement in SQLTokenizer.statementsWithOffsets(in: text, dialect: dialect) {
            // Checked again by the rules of the database it runs on: nothing may end the load's
            // transaction half-way.
            if case .transaction(let control) = StatementKind(sql: statement.text, dialect: dialect) {
                return [FixtureReader.transactionControlProblem(control, file: script.path,
                                                                line: FixtureReader.lineNumber(at: statement.offset, in: bytes))]
            }
            do {
                try await db.execute(SQLQuery(sql: statement.text))
            } catch {
                let line = FixtureReader.lineNumber(at: statement.offset, in: bytes)
                let message = (error as? QueryError)?.message ?? String(describing: error)
                return [FixtureProblem(kind: .constraintViolation, message: "a statement of \(script.path) failed: \(message)",
                                       file: script.path, line: line, suggestion: (error as? QueryError)?.suggestion)]
            }
        }
        return []
    }

    /// A fixture row found again from the database: what a message about it needs.
    private struct LocatedRow {
        var row: FixturePlan.PlannedRow
        var fileRow: FixtureRow
        var values: ArraySlice<SQLValue?>

        init(_ load: FixturePlan.TableLoad, _ index: Int) {
            row = load.rows[index]
            fileRow = load.file.rows[index]
            values = load.values(of: index)
        }
    }

    /// Foreign keys that point nowhere once every row is in, each tied to its fixture row.
    nonisolated(nonsending)
    private func foreignKeyProblems(on db: any DatabaseConnection, plan: inout FixturePlan, unloaded: UnloadedRows) async throws -> [FixtureProblem] {
        let violations = try await db.catalog.foreignKeyViolations(on: db, tables: plan.loads.map(\.table), limit: Self.problemLimit)
        guard !violations.isEmpty else { return [] }
        // The stored primary key of each violating row, then its fixture row: found in the
        // plan, or for a streamed file in one more pass over its chunks.
        var storedKeys: [Int: [SQLValue]] = [:]
        var wanted: [Int: Set<[SQLValue]>] = [:]
        for (number, violation) in violations.enumerated() {
            guard let loadIndex = plan.loads.firstIndex(where: { $0.table.name == violation.table }),
                  let key = violation.primaryKey else { continue }
            storedKeys[number] = key
            wanted[loadIndex, default: []].insert(key)
        }
        var located: [Int: [[SQLValue]: LocatedRow]] = [:]
        for (loadIndex, keys) in wanted {
            let load = plan.loads[loadIndex]
            let positions = load.table.primaryKey.compactMap { load.table.position(of: $0.name) }
            func collect(_ load: FixturePlan.TableLoad) {
                for index in load.rows.indices {
                    let key = positions.map { load.value(index, $0) ?? .null }
                    if keys.contains(key), located[loadIndex]?[key] == nil { located[loadIndex, default: [:]][key] = LocatedRow(load, index) }
                }
            }
            guard let stream = load.file.stream else { collect(load); continue }
            var chunks = stream.chunks()
            while (located[loadIndex]?.count ?? 0) < keys.count, let rows = chunks.next() {
                collect(plan.planChunk(loadIndex, rows: rows).0)
            }
        }

        var problems: [FixtureProblem] = []
        for (number, violation) in violations.enumerated() {
            let tableName = violation.table
            let parent = violation.parentTable
            guard let loadIndex = plan.loads.firstIndex(where: { $0.table.name == tableName }) else {
                problems.append(FixtureProblem(kind: .constraintViolation,
                                               message: "a row of `\(tableName)` that no fixture gives references a missing `\(parent)` row",
                                               file: plan.loads.first?.file.path ?? "fixtures", table: tableName,
                                               suggestion: "the row was already in the database; delete it or load `\(parent)` rows it can reference"))
                continue
            }
            let load = plan.loads[loadIndex]
            let keyIndex = violation.foreignKeyIndex
            let keys = load.table.foreignKeys
            let key = keyIndex < keys.count ? keys[keyIndex] : nil
            let found = storedKeys[number].flatMap { located[loadIndex]?[$0] }
            let columns = key?.columns ?? []
            let field = found.flatMap { found in found.fileRow.fields.first { field in
                columns.contains(field.key) || FixturePlan.referenceNames(of: load.table)[field.key].map { $0.columns == columns } == true
            } }
            let values = found.map { found in columns.compactMap { load.table.position(of: $0) }.compactMap { found.values[found.values.startIndex + $0] } } ?? []
            if let key, isUnloaded(table: key.parentTable, columns: key.parentColumns, values: values, plan: plan, unloaded: unloaded) { continue }
            problems.append(FixtureProblem(
                kind: .constraintViolation,
                message: "`\(tableName)`\(found.map { FixturePlan.rowName($0.row.label, line: $0.row.line) } ?? "") references a missing `\(parent)` row (\(columns.joined(separator: ", ")) = \(values.map(\.description).joined(separator: ", ")))",
                file: load.file.path, line: field?.line ?? found?.row.line, column: field?.column ?? found?.fileRow.column, table: tableName,
                label: found?.row.label, columnName: columns.first,
                suggestion: "reference the \(parent) row by its label instead of a literal key, or add the missing \(parent) row"))
        }
        return problems
    }

    /// Whether the parent a violation points at is a fixture row that was not inserted.
    private func isUnloaded(table: String, columns: [String], values: [SQLValue], plan: FixturePlan, unloaded: UnloadedRows) -> Bool {
        guard let rows = unloaded[table.asciiLowercased],
              let parent = plan.loads.first(where: { $0.table.name.asciiLowercased == table.asciiLowercased }) else { return false }
        let positions = columns.compactMap { parent.table.position(of: $0) }
        return rows.contains { row in positions.map { row[$0] ?? .null } == values }
    }
}
