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

    public init(dialect: DatabaseDialect, placeholderStyle: PlaceholderStyle? = nil, supportsReturning: Bool, supportsSavepoints: Bool = true) {
        self.dialect = dialect
        self.placeholderStyle = placeholderStyle ?? dialect.placeholderStyle
        self.supportsReturning = supportsReturning
        self.supportsSavepoints = supportsSavepoints
    }

    /// SQLite 3.35 or later: `?` placeholders, RETURNING and savepoints.
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
