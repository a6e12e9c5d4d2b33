/// Gives each placeholder token the 1-based parameter number SQLite would give it, so
/// expansion, rendering and the mock's matching agree with the driver about which argument
/// a placeholder takes.
///
/// `?` takes the next number after the largest so far; `?NNN` and `$N` take `NNN`/`N`;
/// `:name`, `@name` and `$name` take the next number the first time a name appears and the
/// same number after that.
struct ParameterNumbering {
    private var largest = 0
    private var named: [String: Int] = [:]

    mutating func number(for placeholder: String) -> Int {
        let utf8 = placeholder.utf8
        let digits = utf8.dropFirst()
        if let first = utf8.first, first == .questionMark || first == .dollar,
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
