#if Fluent
/// A statement, transaction or session was asked of the outer Fluent database by code running
/// inside a `transaction { }`, `withConnection { }` or SQLKit `withSession { }` closure of that
/// database (the closure itself, or a task it started). The closure holds the database's
/// connection until it returns, so the request would wait for the closure while the closure
/// waits for the request: forever. SQLTestKit fails the request instead.
///
/// ```swift
/// try await db.transaction { tx in
///     try await Planet(name: "Earth").create(on: db)   // FluentDeadlockError: `db`, not `tx`
///     try await Planet(name: "Mars").create(on: tx)    // right: the closure's database
/// }
/// ```
///
/// On a pooled production database the same code does not hang, but its statement runs on
/// another connection, outside the transaction: the error points at a real bug either way.
/// A task started in the closure that is meant to run after the transaction, on the outer
/// database, can be started with `Task.detached`: it then waits for its turn.
public struct FluentDeadlockError: Error, Sendable, CustomStringConvertible {
    /// The statement that asked for the connection, or nil when it was a nested
    /// `transaction { }`, `withConnection { }` or `withSession { }`.
    public var sql: String?

    public var description: String {
        let what = sql.map { "`\($0)` was sent" } ?? "a transaction or session was started"
        return """
            \(what) on the outer Fluent database by code running inside its own `transaction { }` \
            (or `withConnection { }`, `withSession { }`) closure, which holds the database's connection \
            until it returns: this would wait for the closure, and the closure for it, forever
              suggestion: use the database the closure is given (`try await db.transaction { tx in \
            try await Planet.query(on: tx).all() }`, not `on: db`); a task the closure starts to run \
            after the transaction can be started with `Task.detached`
            """
    }
}
#endif
