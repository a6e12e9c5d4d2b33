/// A statement the router cannot place: tables on databases it may not relate, a database
/// name the routed driver does not have, or a write to another database inside a transaction.
public struct RoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The statement, expanded.
    public var sql: String
    public var suggestion: String

    public var description: String { "\(message)\n  SQL: \(sql)\n  suggestion: \(suggestion)" }
}
