/// What a driver's database can do, as far as SQL that targets it must know. The mock reports
/// whatever it impersonates, so code that adapts to its database behaves as in production.
///
/// ```swift
/// if db.capability.supportsReturning {
///     try await db.execute("INSERT INTO author(name) VALUES (\(name)) RETURNING id")
/// }
/// ```
public struct DriverCapability: Sendable, Hashable {
    /// The SQL dialect.
    public var dialect: DatabaseDialect
    /// How parameters are marked in the SQL the driver sends.
    public var placeholderStyle: PlaceholderStyle
    /// Whether `INSERT/UPDATE/DELETE … RETURNING` works.
    public var supportsReturning: Bool
    /// Whether `SAVEPOINT` works (nested transactions rely on it).
    public var supportsSavepoints: Bool
    /// The statement that opens the transactions SQLTestKit begins (``DatabaseConnection/transaction(_:)``,
    /// test transactions): `BEGIN`, or `BEGIN IMMEDIATE` on SQLite connections, so a write
    /// transaction waits for the write lock up front instead of failing with `database is
    /// locked` when it tries to upgrade from reading.
    public var beginTransactionSQL: String
    /// Tables a framework keeps for itself behind this connection: ``FixtureSet/changes(in:)``
    /// does not report them as changes of the code under test. By default the migration
    /// records of GRDB (`grdb_migrations`) and Fluent (`_fluent_migrations`, `_fluent_enums`).
    public var bookkeepingTables: Set<String> = DriverCapability.frameworkBookkeepingTables

    /// The bookkeeping tables of the ORMs SQLTestKit has adapters for.
    public static let frameworkBookkeepingTables: Set<String> = ["grdb_migrations", "_fluent_migrations", "_fluent_enums"]

    /// A capability; the placeholder style defaults to the dialect's.
    public init(dialect: DatabaseDialect, placeholderStyle: PlaceholderStyle? = nil, supportsReturning: Bool, supportsSavepoints: Bool = true,
                beginTransactionSQL: String = "BEGIN") {
        self.dialect = dialect
        self.placeholderStyle = placeholderStyle ?? dialect.placeholderStyle
        self.supportsReturning = supportsReturning
        self.supportsSavepoints = supportsSavepoints
        self.beginTransactionSQL = beginTransactionSQL
    }

    /// SQLite 3.35 or later: `?` placeholders, RETURNING and savepoints. (Connections of
    /// ``SQLiteDriver`` report this with the `BEGIN` their configuration asks for.)
    public static let sqlite = DriverCapability(dialect: .sqlite, supportsReturning: true)
    /// PostgreSQL: `$1` placeholders, RETURNING and savepoints.
    public static let postgres = DriverCapability(dialect: .postgres, supportsReturning: true)
    /// MySQL: `?` placeholders and savepoints, no RETURNING.
    public static let mysql = DriverCapability(dialect: .mysql, supportsReturning: false)

    /// The usual capability of a dialect.
    public static func `default`(for dialect: DatabaseDialect) -> DriverCapability {
        switch dialect {
        case .sqlite: .sqlite
        case .postgres: .postgres
        case .mysql: .mysql
        }
    }
}
