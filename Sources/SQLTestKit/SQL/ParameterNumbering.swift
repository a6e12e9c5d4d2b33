/// Gives each placeholder token the 1-based parameter number the database gives it, so
/// expansion, rendering and the mock's matching agree with the driver about which argument
/// a placeholder takes.
///
/// SQLite (and MySQL, whose only placeholder is `?`): `?` takes the next number after the
/// largest so far; `?NNN` takes `NNN`; `:name`, `@name` and `$name` — `$1` included, which
/// SQLite reads as a *name* — take the next number the first time the name appears and the
/// same number after that. So `SELECT $2, $1` binds its first argument to `$2`.
/// PostgreSQL: `$N` takes `N`.
struct ParameterNumbering {
    private let dialect: DatabaseDialect
    private var largest = 0
    private var named: [String: Int] = [:]

    init(dialect: DatabaseDialect) {
        self.dialect = dialect
    }

    mutating func number(for placeholder: String) -> Int {
        let utf8 = placeholder.utf8
        let digits = utf8.dropFirst()
        if let first = utf8.first, first == .questionMark || (first == .dollar && dialect == .postgres),
           !digits.isEmpty, digits.allSatisfy(\.isDigit), let explicit = Int(String(decoding: digits, as: UTF8.self)) {
            largest = max(largest, explicit)
            return explicit
        }
        if utf8.count > 1 {
            if let known = named[placeholder] { return known }
            largest += 1
            named[placeholder] = largest
            return largest
        }
        largest += 1
        return largest
    }
}
