import Foundation
import Synchronization

/// A mock's schema check: its checker, and what the checker said about each SQL text, kept so
/// a statement's text is prepared once however often it runs.
final class MockSchemaCheck: Sendable {
    let checker: any StatementChecker
    private let shapes = Mutex<[String: Result<StatementShape, QueryError>]>([:])
    /// Why statements go unchecked, once the checker said so.
    let notice = Mutex<String?>(nil)

    init(checker: any StatementChecker) {
        self.checker = checker
    }

    /// What `query` returns, by the checker; `nil` for a statement that is not checked
    /// (transaction control, settings, schema changes) or that the checker could not check.
    /// A failure is the error the real driver would throw, for this query.
    func shape(of query: SQLQuery, dialect: DatabaseDialect) async -> Result<StatementShape?, QueryError> {
        let known = shapes.withLock { $0[query.sql] }
        let result: Result<StatementShape, QueryError>
        if let known {
            result = known
        } else {
            switch StatementKind(sql: query.sql, dialect: dialect) {
            case .transaction, .setting, .schema:
                // Not checked: kept as a shape that knows nothing, so the text is classified once.
                result = .success(StatementShape(parameterCount: nil, columns: nil))
            default:
                do {
                    result = .success(try await checker.shape(of: query))
                } catch let error as QueryError {
                    result = .failure(error)
                } catch {
                    result = .failure(QueryError(code: .error, message: "the schema check failed: \(error)", sql: query.sql, arguments: query.arguments))
                }
            }
            shapes.withLock { $0[query.sql] = result }
        }
        switch result {
        case .success(let shape):
            if let text = shape.notice {
                report(text)
                return .success(nil)
            }
            if let count = shape.parameterCount, count != query.arguments.count {
                return .failure(checker.argumentCountError(query, parameters: count))
            }
            return .success(shape)
        case .failure(var error):
            error.sql = query.sql
            error.arguments = query.arguments
            return .failure(error)
        }
    }

    /// Keeps `text` as the notice and writes it to standard error, once per process per text.
    private func report(_ text: String) {
        notice.withLock { $0 = text }
        let first = Self.printed.withLock { $0.insert(text).inserted }
        if first { FileHandle.standardError.write(Data("SQLTestKit: \(text)\n".utf8)) }
    }

    private static let printed = Mutex<Set<String>>([])
}

/// The checker of a mock whose dialect has none here: it checks nothing and says why.
struct UncheckedStatements: StatementChecker {
    let dialect: DatabaseDialect
    let reason: String

    func shape(of query: SQLQuery) -> StatementShape { .unchecked(reason) }

    func argumentCountError(_ query: SQLQuery, parameters: Int) -> QueryError {
        QueryError(code: .range, message: "the statement has \(parameters) parameters but \(query.arguments.count) arguments were given",
                   sql: query.sql, arguments: query.arguments)
    }
}
