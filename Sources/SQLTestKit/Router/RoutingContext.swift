/// What a request carries that routing may depend on — the current tenant, and any other
/// named values — travelling with the task as a task-local. (Not `RequestContext`: Hummingbird
/// users import a protocol of that name into the same files.)
///
/// ```swift
/// try await RoutingContext.with(tenant: "acme") {
///     try await db.execute("SELECT * FROM invoice")    // the router may send it to schema `acme`
/// }
/// ```
public struct RoutingContext: Sendable, Hashable {
    /// The tenant the request acts for, if any.
    public var tenant: String?
    /// Other values a router may read.
    public var values: [String: String]

    /// A context naming the tenant (for schema-per-tenant routing) and any other values a router reads.
    public init(tenant: String? = nil, values: [String: String] = [:]) {
        self.tenant = tenant
        self.values = values
    }

    /// The context of the running task (empty unless set with ``with(_:_:)``).
    @TaskLocal public static var current = RoutingContext()

    /// Runs `body` with `context` as the current routing context.
    @discardableResult
    nonisolated(nonsending)
    public static func with<Result>(_ context: RoutingContext, _ body: () async throws -> Result) async rethrows -> Result {
        try await $current.withValue(context, operation: body)
    }

    /// Runs `body` acting for `tenant`.
    @discardableResult
    nonisolated(nonsending)
    public static func with<Result>(tenant: String, _ body: () async throws -> Result) async rethrows -> Result {
        var context = current
        context.tenant = tenant
        return try await with(context, body)
    }
}
