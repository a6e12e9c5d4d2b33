/// A statement the router cannot place: tables on databases it may not relate, a database
/// name the routed driver does not have, or a write to another database inside a transaction.
public struct RoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the router could not do.
    public var message: String
    /// The statement, expanded.
    public var sql: String
    /// How to route the statement instead.
    public var suggestion: String

    public var description: String { "\(message)\n  SQL: \(sql)\n  suggestion: \(suggestion)" }
}
