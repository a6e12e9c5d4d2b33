extension FixtureReader {
    /// Reads a JSON fixture: an object from labels to row objects, or an array of row objects.
    ///
    /// A small parser of our own rather than `JSONSerialization`: that one drops the order of
    /// keys and the position of every value, and fixture errors must name the line and column.
    static func readJSON(_ bytes: [UInt8], path: String) -> ([FixtureRow], [FixtureProblem]) {
        var parser = JSONParser(bytes: bytes)
        let root: JSONParser.Node
        do {
            root = try parser.parseDocument()
        } catch {
            return ([], [FixtureProblem(kind: .malformedFile, message: "malformed JSON: \(error.message)", file: path,
                                        line: error.line, column: error.column, suggestion: error.suggestion)])
        }
        var rows: [FixtureRow] = []
        var problems: [FixtureProblem] = []
        func row(_ node: JSONParser.Node, label: String?) {
            guard case .object(let members) = node.value else {
                problems.append(FixtureProblem(kind: .malformedFile,
                                               message: "the row \(label.map { "`\($0)` " } ?? "")is not an object of column names to values",
                                               file: path, line: node.line, column: node.column, label: label))
                return
            }
            var seen = Set<String>()
            var fields: [FixtureField] = []
            for member in members {
                if !seen.insert(member.key).inserted {
                    problems.append(FixtureProblem(kind: .duplicateKey, message: "duplicate key `\(member.key)` in one row",
                                                   file: path, line: member.value.line, column: member.value.column,
                                                   label: label, columnName: member.key, suggestion: "remove one of the two values"))
                    continue
                }
                fields.append(FixtureField(key: member.key, value: member.value.fixtureValue,
                                           line: member.value.line, column: member.value.column))
            }
            rows.append(FixtureRow(label: label, line: node.line, column: node.column, fields: fields))
        }
        switch root.value {
        case .object(let members):
            var labels = Set<String>()
            for member in members {
                guard labels.insert(member.key).inserted else {
                    problems.append(FixtureProblem(kind: .duplicateLabel,
                                                   message: "duplicate label `\(member.key)`: two rows cannot share a label",
                                                   file: path, line: member.keyLine, column: member.keyColumn,
                                                   label: member.key, suggestion: "rename one of the rows"))
                    continue
                }
                row(member.value, label: member.key)
            }
        case .array(let items):
            for item in items { row(item, label: nil) }
        default:
            problems.append(FixtureProblem(kind: .malformedFile,
                                           message: "a JSON fixture must be an object from labels to rows, or an array of rows",
                                           file: path, line: root.line, column: root.column))
        }
        return (rows, problems)
    }
}

/// A JSON parser (RFC 8259) over UTF-8 bytes that keeps key order and each value's position.
struct JSONParser {
    struct Node {
        indirect enum Value {
            case object([Member]), array([Node]), string(String), number(String), bool(Bool), null
        }
        var value: Value
        var line: Int
        var column: Int

        /// A string's text or a number as written.
        var scalarText: String? {
            switch value {
            case .string(let text), .number(let text): text
            default: nil
            }
        }

        var fixtureValue: FixtureValue {
            switch value {
            case .object(let members):
                // `{"$text": "…"}`: an exact value, as dumps write one.
                if members.count == 1, members[0].key.hasPrefix("$"),
                   FixtureValue.exactClasses.contains(String(members[0].key.dropFirst())),
                   let text = members[0].value.scalarText,
                   let exact = FixtureValue.exact(class: String(members[0].key.dropFirst()), text: text) {
                    .exact(exact)
                } else {
                    .map(members.map { .init(key: $0.key, value: $0.value.fixtureValue) })
                }
            case .array(let items): .list(items.map(\.fixtureValue))
            case .string(let text): .quoted(text)
            case .number(let text): .number(text)
            case .bool(let flag): .bool(flag)
            case .null: .null
            }
        }
    }

    struct Member {
        var key: String
        var keyLine: Int
        var keyColumn: Int
        var value: Node
    }

    struct Failure: Error {
        var message: String
        var line: Int
        var column: Int
        var suggestion: String?
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
    }

    private var column: Int { index - lineStart + 1 }

    mutating func parseDocument() throws(Failure) -> Node {
        skipWhitespace()
        let node = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw fail("unexpected text after the end of the document") }
        return node
    }

    private func fail(_ message: String, suggestion: String? = nil) -> Failure {
        Failure(message: message, line: line, column: column, suggestion: suggestion)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Failure) -> Node {
        guard index < bytes.count else { throw fail("the document ends where a value was expected") }
        let (startLine, startColumn) = (line, column)
        let value: Node.Value
        switch bytes[index] {
        case UInt8(ascii: "{"): value = try parseObject()
        case UInt8(ascii: "["): value = try parseArray()
        case UInt8(ascii: "\""): value = .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); value = .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); value = .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); value = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try parseNumber())
        case UInt8(ascii: "'"):
            throw fail("strings must be in double quotes", suggestion: "replace the single quotes with double quotes")
        default:
            throw fail("unexpected character `\(Character(Unicode.Scalar(bytes[index])))` where a value was expected",
                       suggestion: "text values must be in double quotes")
        }
        return Node(value: value, line: startLine, column: startColumn)
    }

    private mutating func expectWord(_ word: String) throws(Failure) {
        let utf8 = Array(word.utf8)
        guard bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw fail("unexpected word where a value was expected", suggestion: "text values must be in double quotes")
        }
        index += utf8.count
    }

    private mutating func nest() throws(Failure) {
        depth += 1
        if depth > 512 { throw fail("values are nested more than 512 levels deep") }
    }

    private mutating func parseObject() throws(Failure) -> Node.Value {
        try nest()
        defer { depth -= 1 }
        index += 1
        var members: [Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail("expected a key in double quotes", suggestion: "check for a trailing comma before `}`")
            }
            let (keyLine, keyColumn) = (line, column)
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected `:` after the key `\(key)`") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(Member(key: key, keyLine: keyLine, keyColumn: keyColumn, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw fail("the document ends inside an object", suggestion: "add the missing `}`") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("expected `,` or `}` after a value", suggestion: "add the missing comma")
        }
    }

    private mutating func parseArray() throws(Failure) -> Node.Value {
        try nest()
        defer { depth -= 1 }
        index += 1
        var items: [Node] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("the document ends inside an array", suggestion: "add the missing `]`") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw fail("expected `,` or `]` after a value", suggestion: "add the missing comma")
        }
    }

    private mutating func parseNumber() throws(Failure) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            let begin = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                parser.index += 1
            }
            return parser.index - begin
        }
        let integerStart = index
        guard digits(&self) > 0 else { throw fail("a number needs digits") }
        if bytes[integerStart] == UInt8(ascii: "0"), index - integerStart > 1 { throw fail("numbers cannot have leading zeros") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw fail("a decimal point must be followed by digits") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw fail("an exponent must have digits") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1
        var buffer: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("a lone UTF-16 surrogate in a \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone UTF-16 surrogate in a \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("an invalid \\u escape") }
                    buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    index -= 1
                    throw fail("an unknown escape `\\\(Character(Unicode.Scalar(escape)))` in a string",
                               suggestion: "write a backslash as `\\\\`")
                }
            case 0x0A:
                throw fail("a string is not closed on its line", suggestion: "add the closing `\"`, or write a newline as `\\n`")
            default:
                buffer.append(byte)
                index += 1
            }
        }
        throw fail("a string is never closed", suggestion: "add the closing `\"`")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value * 16 + UInt32(digit)
        }
        index += 4
        return value
    }
}
