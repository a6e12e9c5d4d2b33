/// Decides, for every statement a ``RoutedDriver`` runs, which named database it goes to, whether
/// it may relate tables on two databases, which tables exist on which database, and which
/// schema a table is read from. Every method has a default (`nil`: no opinion) that gives
/// single-database behaviour, so a router implements only the decisions it changes.
///
/// ```swift
/// struct ReadReplica: DatabaseRouter {
///     func databaseForReading(_ table: String, context: RoutingContext) -> String? { "replica" }
/// }
/// let driver = RoutedDriver(databases: ["default": primary, "replica": replica], router: ReadReplica())
/// ```
public protocol DatabaseRouter: Sendable {
    /// The database `table` is read from; `nil` for the default database.
    func databaseForReading(_ table: String, context: RoutingContext) -> String?
    /// The database `table` is written to; `nil` for the default database.
    func databaseForWriting(_ table: String, context: RoutingContext) -> String?
    /// Whether one statement may relate `first` (on `firstDatabase`) and `second` (on
    /// `secondDatabase`); `nil` allows it exactly when both live on the same database.
    func allowsRelation(_ first: String, on firstDatabase: String, _ second: String, on secondDatabase: String) -> Bool?
    /// Whether `table` is created and loaded on `database`; `nil` allows it everywhere.
    func allowsTable(_ table: String, on database: String) -> Bool?
    /// The schema `table` is qualified with for this request (`nil`: left unqualified), for
    /// schema-per-tenant setups where shared tables stay unqualified. For SQLite, an attached
    /// database stands in for a schema.
    func schema(for table: String, context: RoutingContext) -> String?
}

// MARK: - Default implementations: one database, nothing qualified.

extension DatabaseRouter {
    public func databaseForReading(_ table: String, context: RoutingContext) -> String? { nil }
    public func databaseForWriting(_ table: String, context: RoutingContext) -> String? { nil }
    public func allowsRelation(_ first: String, on firstDatabase: String, _ second: String, on secondDatabase: String) -> Bool? { nil }
    public func allowsTable(_ table: String, on database: String) -> Bool? { nil }
    public func schema(for table: String, context: RoutingContext) -> String? { nil }
}

/// The router with every default: everything on the default database.
public struct DefaultRouter: DatabaseRouter {
    /// The router that sends everything to the `"default"` database.
    public init() {}
}

/// The router's answers with the defaults filled in.
struct RoutingDecisions {
    let router: any DatabaseRouter
    static let defaultDatabase = RoutedDriver.defaultDatabase

    func reading(_ table: String, _ context: RoutingContext) -> String {
        router.databaseForReading(table, context: context) ?? Self.defaultDatabase
    }

    func writing(_ table: String, _ context: RoutingContext) -> String {
        router.databaseForWriting(table, context: context) ?? Self.defaultDatabase
    }

    func allowsRelation(_ first: String, _ firstDatabase: String, _ second: String, _ secondDatabase: String) -> Bool {
        router.allowsRelation(first, on: firstDatabase, second, on: secondDatabase) ?? (firstDatabase == secondDatabase)
    }

    func allowsTable(_ table: String, on database: String) -> Bool {
        router.allowsTable(table, on: database) ?? true
    }
}
