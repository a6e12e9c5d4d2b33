import Foundation

extension Cassette {
    /// The cassette as text: a short header, the dialect, then one block per statement.
    ///
    /// ```text
    /// > SELECT id, title FROM book WHERE id = ?
    /// arguments: 1
    /// columns: "id", "title"
    /// row: 1, "Dune"
    /// ```
    ///
    /// The SQL is written as sent, one `> ` line per line of it, unless it holds a character
    /// an editor could change (a control character, trailing whitespace); then it is one
    /// `sql:` line, quoted with escapes. Values: integers as digits, reals always with a
    /// decimal point or exponent (`5.0`, `-0.0`, `1e+300`, `inf`, `nan`), text quoted with
    /// `\"`, `\\`, `\n`, `\r`, `\t` and `\u00XX` escapes, blobs as `x'0aff'`, and `NULL`.
    public var text: String {
        var lines = [
            "# SQLTestKit cassette: the statements a test sent, with the database's answers, in order.",
            "# Replayed by MockDriver(replaying:); re-record with SQLTESTKIT_RECORD_CASSETTES=1.",
            "dialect: \(dialect.rawValue)",
        ]
        // What the database could do, where it differs from what its dialect usually can.
        let usual = DriverCapability.default(for: dialect)
        if capability.beginTransactionSQL != usual.beginTransactionSQL { lines.append("begin transaction: \(capability.beginTransactionSQL)") }
        if capability.supportsReturning != usual.supportsReturning { lines.append("returning: \(capability.supportsReturning ? "yes" : "no")") }
        if capability.supportsSavepoints != usual.supportsSavepoints { lines.append("savepoints: \(capability.supportsSavepoints ? "yes" : "no")") }
        if capability.placeholderStyle != usual.placeholderStyle { lines.append("placeholders: \(capability.placeholderStyle.rawValue)") }
        for entry in entries {
            lines.append("")
            if Self.canWriteRaw(entry.sql) {
                lines += entry.sql.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }
            } else {
                lines.append("sql: " + CassetteValue.quote(entry.sql))
            }
            if !entry.arguments.isEmpty { lines.append("arguments: " + CassetteValue.list(entry.arguments)) }
            switch entry.outcome {
            case .result(let columns, let rows, let affected, let lastInsertID):
                if !columns.isEmpty { lines.append("columns: " + columns.map(CassetteValue.quote).joined(separator: ", ")) }
                for row in rows { lines.append("row: " + CassetteValue.list(row)) }
                if affected != 0 { lines.append("rows affected: \(affected)") }
                if let lastInsertID { lines.append("last insert id: \(lastInsertID)") }
            case .error(let error):
                // Named as the error's description names it: SQLite's name, or for a database
                // with codes of its own the `QueryError.Code` a `catch` matches.
                lines.append("error: \(error.databaseCode == nil ? error.code.name : error.code.caseName) (\(error.code.rawValue))")
                if let state = error.databaseCode {
                    lines.append("sqlstate: \(state)" + (error.databaseCodeName.map { " " + $0 } ?? ""))
                }
                lines.append("message: " + CassetteValue.quote(error.message))
                if let detail = error.detail { lines.append("detail: " + CassetteValue.quote(detail)) }
                if let suggestion = error.suggestion { lines.append("suggestion: " + CassetteValue.quote(suggestion)) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether SQL can be written as it is, line by line, and read back the same.
    private static func canWriteRaw(_ sql: String) -> Bool {
        guard !sql.isEmpty else { return false }
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.last == " " || line.last == "\t" { return false }
            if line.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) { return false }
        }
        return true
    }

    /// Reads a cassette from its text; `path` names it in messages. Throws
    /// ``CassetteFormatError`` with the line of the first thing it cannot read.
    public init(text: String, path: String? = nil) throws {
        self.init(dialect: .sqlite, path: path)
        var dialect: DatabaseDialect?
        var header: [(line: Int, key: String, value: String)] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var number = 0
        func fail(_ message: String, line: Int? = nil) -> CassetteFormatError {
            CassetteFormatError(path: path, line: line ?? number, message: message)
        }
        var block: (start: Int, sql: [String], quoted: String?, fields: [(Int, String, String)])?
        func finish() throws {
            guard let current = block else { return }
            block = nil
            let sql = current.quoted ?? current.sql.joined(separator: "\n")
            entries.append(try Self.entry(sql: sql, fields: current.fields, path: path))
            self.lines.append(current.start)
        }
        for (offset, line) in lines.enumerated() {
            number = offset + 1
            if line.hasPrefix("#") { continue }
            if line.isEmpty {
                try finish()
                continue
            }
            if line == ">" || line.hasPrefix("> ") {
                let sqlLine = line == ">" ? "" : String(line.dropFirst(2))
                if var current = block {
                    guard current.fields.isEmpty, current.quoted == nil else {
                        throw fail("SQL after the statement's fields; separate statements with a blank line")
                    }
                    current.sql.append(sqlLine)
                    block = current
                } else {
                    block = (number, [sqlLine], nil, [])
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw fail("expected `> SQL`, `key: value` or a blank line, found \(CassetteValue.quote(line))")
            }
            let key = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop { $0 == " " })
            if block == nil {
                if key == "dialect" {
                    guard let known = DatabaseDialect(rawValue: value) else {
                        throw fail("unknown dialect \(CassetteValue.quote(value)); expected sqlite, postgres or mysql")
                    }
                    dialect = known
                    continue
                }
                if ["begin transaction", "returning", "savepoints", "placeholders"].contains(key) {
                    header.append((number, key, value))
                    continue
                }
                if key == "sql" {
                    block = (number, [], try CassetteValue.unquote(value, path: path, line: number), [])
                    continue
                }
                throw fail("`\(key):` outside a statement; a statement starts with `> SQL`")
            }
            block?.fields.append((number, key, value))
        }
        try finish()
        guard let dialect else { throw fail("the cassette names no dialect (a `dialect: sqlite` line)", line: 1) }
        capability = .default(for: dialect)
        for (line, key, value) in header {
            func flag() throws -> Bool {
                guard value == "yes" || value == "no" else { throw fail("`\(key):` takes yes or no, found \(CassetteValue.quote(value))", line: line) }
                return value == "yes"
            }
            switch key {
            case "begin transaction": capability.beginTransactionSQL = value
            case "returning": capability.supportsReturning = try flag()
            case "savepoints": capability.supportsSavepoints = try flag()
            default:
                guard let style = PlaceholderStyle(rawValue: value) else {
                    throw fail("`placeholders:` takes questionMark or dollarNumbered, found \(CassetteValue.quote(value))", line: line)
                }
                capability.placeholderStyle = style
            }
        }
    }

    /// Reads the cassette file at `path`.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CassetteFormatError(path: path, line: 0, message: "cannot read the cassette: \(error.localizedDescription)")
        }
        try self.init(text: text, path: path)
    }

    /// Writes the cassette to `path` (making its folder), unless the file already holds
    /// exactly this text; returns whether it wrote.
    @discardableResult
    public func write(to path: String) throws -> Bool {
        let text = self.text
        if (try? String(contentsOfFile: path, encoding: .utf8)) == text { return false }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return true
    }

    private static func entry(sql: String, fields: [(Int, String, String)], path: String?) throws -> Entry {
        var arguments: [SQLValue] = []
        var columns: [String] = []
        var rows: [[SQLValue]] = []
        var affected = 0
        var lastInsertID: Int64?
        var code: QueryError.Code?
        var state: (code: String, name: String?)?
        var message: String?
        var detail: String?
        var suggestion: String?
        for (line, key, value) in fields {
            func fail(_ text: String) -> CassetteFormatError { CassetteFormatError(path: path, line: line, message: text) }
            switch key {
            case "arguments": arguments = try CassetteValue.parseList(value, path: path, line: line)
            case "columns":
                columns = try CassetteValue.parseList(value, path: path, line: line).map { value in
                    guard case .text(let name) = value else { throw fail("a column name must be quoted text") }
                    return name
                }
            case "row":
                let row = try CassetteValue.parseList(value, path: path, line: line)
                guard row.count == columns.count else {
                    throw fail("the row has \(row.count) value\(row.count == 1 ? "" : "s") but `columns:` names \(columns.count)")
                }
                rows.append(row)
            case "rows affected":
                guard let number = Int(value) else { throw fail("`rows affected:` takes a whole number, found \(CassetteValue.quote(value))") }
                affected = number
            case "last insert id":
                guard let number = Int64(value) else { throw fail("`last insert id:` takes a whole number, found \(CassetteValue.quote(value))") }
                lastInsertID = number
            case "error":
                guard let open = value.lastIndex(of: "("), value.hasSuffix(")"),
                      let raw = Int32(value[value.index(after: open)..<value.index(before: value.endIndex)]) else {
                    throw fail("`error:` takes a code name and its number, as in `SQLITE_CONSTRAINT_UNIQUE (2067)`")
                }
                code = QueryError.Code(rawValue: raw)
            case "sqlstate":
                let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
                guard let first = parts.first else { throw fail("`sqlstate:` takes a code, as in `23505 unique_violation`") }
                state = (first, parts.count > 1 ? parts[1] : nil)
            case "message": message = try CassetteValue.unquote(value, path: path, line: line)
            case "detail": detail = try CassetteValue.unquote(value, path: path, line: line)
            case "suggestion": suggestion = try CassetteValue.unquote(value, path: path, line: line)
            default:
                throw fail("unknown field `\(key):`; a statement has arguments, columns, row, rows affected, last insert id, or error, sqlstate, message, detail and suggestion")
            }
        }
        guard let code else {
            return Entry(sql: sql, arguments: arguments, outcome: .result(columns: columns, rows: rows, rowsAffected: affected, lastInsertID: lastInsertID))
        }
        var error = QueryError(code: code, message: message ?? "", suggestion: suggestion, databaseCode: state?.code, detail: detail)
        error.databaseCodeName = state?.name
        return Entry(sql: sql, arguments: arguments, outcome: .error(error))
    }
}

/// A cassette file that cannot be read: where, and what was wrong.
public struct CassetteFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, when the cassette came from one.
    public var path: String?
    /// The line (1-based; 0 when the file could not be read at all).
    public var line: Int
    /// What was wrong.
    public var message: String

    public var description: String {
        "\(path ?? "cassette")\(line > 0 ? ":\(line)" : ""): \(message)\n  suggestion: fix the line, or record the cassette again with SQLTESTKIT_RECORD_CASSETTES=1"
    }
}

/// How a cassette writes and reads values: exactly, each with its storage class.
enum CassetteValue {
    static func encode(_ value: SQLValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let integer): String(integer)
        case .real(let real): real.description
        case .text(let text): quote(text)
        case .blob(let bytes): "x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }

    static func list(_ values: [SQLValue]) -> String {
        values.map(encode).joined(separator: ", ")
    }

    /// `text` in double quotes, with `"`, `\`, and control characters escaped, as in JSON.
    static func quote(_ text: String) -> String {
        var result = ""
        JSONString.write(text, to: &result)
        return result
    }

    static func unquote(_ text: String, path: String?, line: Int) throws -> String {
        var reader = Reader(text, path: path, line: line)
        let value = try reader.quoted()
        guard reader.rest.allSatisfy({ $0 == " " }) else { throw reader.fail("unexpected text after the closing quote") }
        return value
    }

    /// Reads values separated by `, `.
    static func parseList(_ text: String, path: String?, line: Int) throws -> [SQLValue] {
        var reader = Reader(text, path: path, line: line)
        var values: [SQLValue] = []
        while true {
            reader.skipSpaces()
            guard let first = reader.peek else {
                if values.isEmpty { return [] }
                throw reader.fail("a value is missing after the last comma")
            }
            if first == "\"" {
                values.append(.text(try reader.quoted()))
            } else {
                values.append(try value(reader.word(), fail: reader.fail))
            }
            reader.skipSpaces()
            guard let next = reader.next() else { return values }
            guard next == "," else { throw reader.fail("expected `,` between values, found `\(next)`") }
        }
    }

    /// A cursor over one line's characters.
    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0
        let path: String?
        let line: Int

        init(_ text: String, path: String?, line: Int) {
            scalars = Array(text.unicodeScalars)
            self.path = path
            self.line = line
        }

        var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
        var rest: ArraySlice<Unicode.Scalar> { scalars[position...] }

        mutating func next() -> Unicode.Scalar? {
            defer { if position < scalars.count { position += 1 } }
            return peek
        }

        mutating func skipSpaces() {
            while peek == " " { position += 1 }
        }

        func fail(_ message: String) -> CassetteFormatError {
            CassetteFormatError(path: path, line: line, message: message)
        }

        /// Everything up to the next comma or space.
        mutating func word() -> String {
            var result = String.UnicodeScalarView()
            while let scalar = peek, scalar != ",", scalar != " " {
                result.append(scalar)
                position += 1
            }
            return String(result)
        }

        /// A quoted string, with its escapes read.
        mutating func quoted() throws -> String {
            guard next() == "\"" else { throw fail("expected a quoted string") }
            var result = String.UnicodeScalarView()
            while let scalar = next() {
                switch scalar {
                case "\"":
                    return String(result)
                case "\\":
                    guard let escaped = next() else { throw fail("a quoted string ends inside an escape") }
                    switch escaped {
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "n": result.append("\n")
                    case "r": result.append("\r")
                    case "t": result.append("\t")
                    case "u":
                        let end = min(position + 4, scalars.count)
                        let hex = String(String.UnicodeScalarView(scalars[position..<end]))
                        guard hex.count == 4, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else {
                            throw fail("`\\u` takes four hexadecimal digits")
                        }
                        position = end
                        result.append(decoded)
                    default: throw fail("unknown escape `\\\(escaped)`")
                    }
                default:
                    result.append(scalar)
                }
            }
            throw fail("a quoted string is not closed")
        }
    }

    private static func value(_ word: String, fail: (String) -> CassetteFormatError) throws -> SQLValue {
        if word == "NULL" { return .null }
        if let integer = Int64(word) { return .integer(integer) }
        if word.hasPrefix("x'"), word.hasSuffix("'"), word.count >= 3 {
            let hex = Array(word.utf8.dropFirst(2).dropLast())
            guard hex.count % 2 == 0 else { throw fail("a blob needs two hexadecimal digits per byte: \(word)") }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            for index in stride(from: 0, to: hex.count, by: 2) {
                guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else {
                    throw fail("a blob holds only hexadecimal digits: \(word)")
                }
                bytes.append(byte)
            }
            return .blob(bytes)
        }
        if let real = Double(word), word.contains(where: { ".eEin".contains($0) }) { return .real(real) }
        throw fail("cannot read the value `\(word)`: expected a number, \"text\", x'blob' or NULL")
    }
}
