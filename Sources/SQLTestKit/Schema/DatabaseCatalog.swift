/// What differs between databases when SQLTestKit reads or changes a schema: where the schema
/// is read from, how foreign keys are deferred and checked, what numbers keys, what makes a
/// database a test database. The fixture loader, `check`, `dump` and the assertions go
/// through it and never ask which database they are on. A connection names its catalog by
/// adopting ``CatalogProviding``; SQLite's is the default.
package protocol DatabaseCatalog: Sendable {
    /// The tables, columns and foreign keys.
    nonisolated(nonsending)
    func schema(of db: any DatabaseConnection) async throws -> SchemaInfo

    /// Whether the database has a table of its own (not the catalog's).
    nonisolated(nonsending)
    func hasTables(_ db: any DatabaseConnection) async throws -> Bool

    /// Drops every table, view, index and trigger (inside the caller's transaction).
    nonisolated(nonsending)
    func dropEverything(on db: any DatabaseConnection) async throws

    /// Throws ``NotATestDatabaseError`` unless `db` is a test database: in memory, marked by
    /// SQLTestKit, or named as a test database.
    nonisolated(nonsending)
    func checkIsTestDatabase(_ db: any DatabaseConnection, operation: String, overrideHint: String) async throws

    /// Makes foreign keys wait for the end of the load (where the database can); returns
    /// what restores the previous setting.
    nonisolated(nonsending)
    func deferForeignKeys(on db: any DatabaseConnection) async throws -> DeferredForeignKeys

    /// The rows of `tables` whose foreign keys point nowhere, at most `limit` of them.
    nonisolated(nonsending)
    func foreignKeyViolations(on db: any DatabaseConnection, tables: [SchemaInfo.Table], limit: Int) async throws -> [ForeignKeyViolation]

    /// Moves every sequence that numbers a column of `tables` past the largest value stored,
    /// so the code under test can insert after a load with explicit keys.
    nonisolated(nonsending)
    func advanceSequences(on db: any DatabaseConnection, tables: [SchemaInfo.Table]) async throws

    /// The statements that create the schema of `tables` (all when `nil`), for `dump`.
    nonisolated(nonsending)
    func creationScript(of db: any DatabaseConnection, tables: Set<String>?) async throws -> String

    /// Runs `body` on a new, private database with `db`'s schema and no rows, removed
    /// afterwards (the baseline `changes(in:)` compares with).
    nonisolated(nonsending)
    func withEmptyCopy<Result>(of db: any DatabaseConnection, _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result

    /// `value`, a column value as fixtures store it, in the form a bound argument must take
    /// for `column` (PostgreSQL binds a boolean from text, having no cast from a number).
    func insertArgument(_ value: SQLValue, into column: SchemaInfo.Column) -> SQLValue
}

extension DatabaseCatalog {
    /// Values bind as they are (SQLite).
    package func insertArgument(_ value: SQLValue, into column: SchemaInfo.Column) -> SQLValue { value }
}

/// The statement a ``DatabaseCatalog`` runs at the end of a load to restore deferral.
package struct DeferredForeignKeys: Sendable {
    package var restore: SQLQuery?
    package init(restore: SQLQuery?) { self.restore = restore }
}

/// A stored row whose foreign key has no parent.
package struct ForeignKeyViolation: Sendable, Hashable {
    /// The child table.
    package var table: String
    /// The primary key of the violating row (`nil` for a table without one).
    package var primaryKey: [SQLValue]?
    /// The parent table.
    package var parentTable: String
    /// Which of the table's ``SchemaInfo/Table/foreignKeys``.
    package var foreignKeyIndex: Int

    package init(table: String, primaryKey: [SQLValue]?, parentTable: String, foreignKeyIndex: Int) {
        self.table = table
        self.primaryKey = primaryKey
        self.parentTable = parentTable
        self.foreignKeyIndex = foreignKeyIndex
    }
}

/// A connection whose database is not SQLite names its catalog here (wrappers forward the
/// wrapped connection's).
package protocol CatalogProviding {
    var catalog: any DatabaseCatalog { get }
}

extension DatabaseConnection {
    /// The catalog of this connection's database: its own, or SQLite's.
    package var catalog: any DatabaseCatalog {
        (self as? any CatalogProviding)?.catalog ?? SQLiteCatalog()
    }
}
