#if Fluent && PostgreSQL
import SQLTestKit
import Synchronization

/// A connection that keeps every statement with the answer the database gave, so a mock can
/// be scripted to answer the same statements the same way.
final class AnswerRecorder: DatabaseConnection {
    let wrapped: any DatabaseConnection
    private let answers = Mutex<[(query: SQLQuery, result: QueryResult)]>([])

    init(wrapping connection: any DatabaseConnection) {
        wrapped = connection
    }

    var capability: DriverCapability { wrapped.capability }
    var transactionState: TransactionState { wrapped.transactionState }

    /// The statements and their answers, in order.
    var recorded: [(query: SQLQuery, result: QueryResult)] { answers.withLock { $0 } }

    func run(_ query: SQLQuery) async throws -> QueryResult {
        let result = try await wrapped.run(query)
        answers.withLock { $0.append((query, result)) }
        return result
    }

    func execute(_ query: SQLQuery) async throws -> QueryResult {
        let result = try await wrapped.execute(query)
        answers.withLock { $0.append((query, result)) }
        return result
    }

    func fetchAll(_ query: SQLQuery) async throws -> [ResultRow] { try await execute(query).rows }
    func fetchOne(_ query: SQLQuery) async throws -> ResultRow? { try await execute(query).rows.first }
    func executeScript(_ sql: String) async throws { try await wrapped.executeScript(sql) }
    func close() async { await wrapped.close() }

    /// A mock in the same dialect that answers each statement text with the answers recorded
    /// for it, in turn. Transaction control is left to the mock's own handling.
    func replayingMock() -> MockDriver {
        let mock = MockDriver(dialect: capability.dialect)
        var order: [String] = []
        var answersBySQL: [String: [MockAnswer]] = [:]
        for (query, result) in recorded where !StatementKind(sql: query.sql, dialect: capability.dialect).isTransactionControl {
            if answersBySQL[query.sql] == nil { order.append(query.sql) }
            answersBySQL[query.sql, default: []].append(.rows(result.rows))
        }
        for sql in order { mock.script(.exact(sql), answers: answersBySQL[sql] ?? []) }
        return mock
    }
}
#endif
