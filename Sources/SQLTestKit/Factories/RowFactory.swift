import Foundation
import Synchronization

/// Inserts rows that satisfy the schema, filling in what a test does not care about.
///
/// ```swift
/// let factory = RowFactory(db)
/// let book = try await factory.insert("book", ["title": "Dune"])
/// // author_id NOT NULL: an author was inserted first ("author name 1"), and book.id is set
/// book["id"]           // the key the database gave
/// ```
///
/// For a row of `table`, every NOT NULL column without a default that the test does not give
/// gets a readable value of its type, numbered per column so values are unique: `book title 1`,
/// `book title 2`, `1`, `2`, `2024-01-02`, a UUID. A required foreign key gets a new parent
/// row (inserted the same way), unless given, as a value or as a fixture label
/// (`["author": .label("ada")]`, with `fixtures:`). Optional columns stay NULL. The row comes
/// back as the database stored it, key included.
///
/// Values are the same on every run: the numbering starts at 1 and the seed goes into the
/// UUIDs, so a failing test repeats. A generated value the database refuses as a duplicate is
/// replaced by the next number. The factory reads the schema once; it works on any connection
/// (SQLite, PostgreSQL, an isolated database, GRDB's and Fluent's through SQLTestKit). Use it
/// from one task at a time.
public final class RowFactory: Sendable {
    /// The connection rows are inserted on.
    public let db: any DatabaseConnection
    /// The fixtures whose labels `.label(…)` values name.
    public let fixtures: FixtureSet?
    /// Goes into generated UUIDs; change it for another set of keys.
    public let seed: UInt32
    let state = Mutex(State())

    struct State {
        var schema: SchemaInfo?
        /// The last number used per table and column.
        var counters: [String: Int] = [:]
        /// Statements by table and given columns.
        var plans: [String: InsertPlan] = [:]
    }

    /// A factory inserting into `db`; `fixtures` resolves `.label(…)` values.
    public init(_ db: any DatabaseConnection, fixtures: FixtureSet? = nil, seed: UInt32 = 0) {
        self.db = db
        self.fixtures = fixtures
        self.seed = seed
    }

    /// Inserts one row of `table` with `values` and returns it as stored.
    @discardableResult
    nonisolated(nonsending)
    public func insert(_ table: String, _ values: [String: FactoryValue] = [:]) async throws -> ResultRow {
        try await insert(table, values, path: [])
    }

    /// Inserts `count` rows of `table`, each with `values` and its own generated ones.
    @discardableResult
    nonisolated(nonsending)
    public func insert(_ table: String, count: Int, _ values: [String: FactoryValue] = [:]) async throws -> [ResultRow] {
        var rows: [ResultRow] = []
        rows.reserveCapacity(count)
        for _ in 0..<count { rows.append(try await insert(table, values, path: [])) }
        return rows
    }

    // MARK: - Inserting

    nonisolated(nonsending)
    private func schema() async throws -> SchemaInfo {
        if let schema = state.withLock({ $0.schema }) { return schema }
        var schema = try await SchemaInfo.read(from: db)
        schema.resolveImplicitParentColumns()
        let read = schema
        state.withLock { $0.schema = read }
        return schema
    }

    /// `path` holds the tables whose rows wait for this one, to name a cycle of required keys.
    nonisolated(nonsending)
    private func insert(_ name: String, _ given: [String: FactoryValue], path: [String]) async throws -> ResultRow {
        let schema = try await schema()
        guard let table = schema.table(named: name) else {
            let near = Suggestions.closest(to: name, in: schema.tables.map(\.name))
            throw RowFactoryError(message: "no table `\(name)`", table: name,
                                  suggestion: near.map { "did you mean `\($0)`?" } ?? "tables: \(schema.tables.map(\.name).sorted().joined(separator: ", "))")
        }
        if path.contains(where: { $0.asciiLowercased == table.name.asciiLowercased }) {
            let cycle = (path.drop { $0.asciiLowercased != table.name.asciiLowercased } + [table.name]).joined(separator: " → ")
            throw RowFactoryError(message: "the required foreign keys make a cycle: \(cycle)", table: path.first ?? table.name,
                                  suggestion: "give one of the rows its parent's key, or make one of those keys nullable")
        }
        var values = try resolve(given, in: table)
        // Required parents first, unless given.
        for key in table.foreignKeys where key.columns.allSatisfy({ values[$0.asciiLowercased] == nil }) {
            let columns = key.columns.compactMap { table.position(of: $0).map { table.columns[$0] } }
            guard !columns.isEmpty, columns.allSatisfy({ $0.notNull && !$0.hasDefault }) else { continue }
            let parent = try await insert(key.parentTable, [:], path: path + [table.name])
            for (column, parentColumn) in zip(key.columns, key.parentColumns) {
                values[column.asciiLowercased] = (column, parent[parentColumn] ?? .null)
            }
        }
        return try await insertRow(of: table, values: values)
    }

    /// The given values by lower-cased column name, read as their columns' types; a label is
    /// turned into the labelled row's key.
    private func resolve(_ given: [String: FactoryValue], in table: SchemaInfo.Table) throws -> [String: (column: String, value: SQLValue)] {
        var values: [String: (column: String, value: SQLValue)] = [:]
        for (name, value) in given {
            guard let position = column(named: name, in: table) else {
                let candidates = table.columns.map(\.name) + table.foreignKeys.compactMap { Self.relationName(of: $0) }
                throw RowFactoryError(message: "table `\(table.name)` has no column `\(name)`", table: table.name, column: name,
                                      suggestion: Suggestions.closest(to: name, in: candidates).map { "did you mean `\($0)`?" }
                                          ?? "columns: \(table.columns.map(\.name).joined(separator: ", "))")
            }
            let column = table.columns[position]
            if case .label(let label) = value {
                values[column.name.asciiLowercased] = (column.name, try key(of: label, for: column, in: table))
                continue
            }
            switch column.kind.coerce(value.fixtureValue) {
            case .success(let stored): values[column.name.asciiLowercased] = (column.name, stored)
            case .failure(let failure):
                throw RowFactoryError(message: "column `\(table.name).\(column.name)` (\(column.declaredType)): \(failure.message)",
                                      table: table.name, column: column.name, suggestion: failure.suggestion)
            }
        }
        return values
    }

    /// A column by its name, or by the relation a one-column foreign key names (`author` for
    /// `author_id`).
    private func column(named name: String, in table: SchemaInfo.Table) -> Int? {
        if let position = table.position(of: name) { return position }
        for key in table.foreignKeys where key.columns.count == 1 && Self.relationName(of: key)?.asciiLowercased == name.asciiLowercased {
            return table.position(of: key.columns[0])
        }
        return nil
    }

    static func relationName(of key: SchemaInfo.ForeignKey) -> String? {
        guard key.columns.count == 1 else { return nil }
        let column = key.columns[0]
        for suffix in ["_id", "Id", "ID"] where column.hasSuffix(suffix) && column.count > suffix.count {
            return String(column.dropLast(suffix.count))
        }
        return nil
    }

    /// The key of the fixture row `label` in the table `column` refers to.
    private func key(of label: String, for column: SchemaInfo.Column, in table: SchemaInfo.Table) throws -> SQLValue {
        guard let fixtures else {
            throw RowFactoryError(message: "`.label(\"\(label)\")` for `\(table.name).\(column.name)` needs the fixtures that define it",
                                  table: table.name, column: column.name, suggestion: "make the factory with RowFactory(db, fixtures: …)")
        }
        guard let key = table.foreignKeys.first(where: { $0.columns.count == 1 && $0.columns[0].asciiLowercased == column.name.asciiLowercased }) else {
            throw RowFactoryError(message: "`\(table.name).\(column.name)` is not a foreign key, so a label means nothing there",
                                  table: table.name, column: column.name, suggestion: "give the value itself")
        }
        // Stored as the fixture loader stores the labelled row's key.
        if column.kind == .uuid, let uuid = fixtures.uuid(of: label, in: key.parentTable),
           case .success(let stored) = column.kind.coerce(.quoted(uuid.uuidString)) { return stored }
        if let id = fixtures.id(of: label, in: key.parentTable) { return .integer(id) }
        throw RowFactoryError(message: "no fixture row of `\(key.parentTable)` is labelled `\(label)`", table: table.name, column: column.name,
                              suggestion: "labels are the keys of the rows in \(key.parentTable)'s fixture file")
    }
}
