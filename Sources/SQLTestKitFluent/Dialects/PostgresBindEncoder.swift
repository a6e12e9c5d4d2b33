#if Fluent && PostgreSQL
import Foundation
import SQLTestKit

/// SQLKit binds as the arguments fluent-postgres-driver sends, in SQLTestKit's values.
///
/// postgres-kit sends typed binary values; SQLTestKit's PostgreSQL driver sends text untyped
/// and lets the server read it as the type the statement needs there, as it reads a quoted
/// literal. So each value is written as the text PostgreSQL reads back to the same value:
///
/// | bind | argument |
/// |---|---|
/// | `String`, `URL` | `.text` |
/// | integers | `.integer` |
/// | `Double`, `Float` | `.real` |
/// | `Bool` | `.text("true")`: PostgreSQL has no cast from `bigint` to `boolean` |
/// | `UUID` | `.text`, lower case |
/// | `Date` | `.text("2024-05-01 09:30:00.123456+00")`: microseconds, truncated as postgres-nio does, in UTC, so the session's `TimeZone` cannot shift it |
/// | `Decimal` | `.text` with its digits |
/// | `Data` | `.blob` |
/// | arrays | `.text` array literal (`{"a","b"}`, `{1,NULL}`), nested for nested arrays |
/// | structs, dictionaries | `.text` JSON from `JSONEncoder()`, as postgres-kit encodes `jsonb`, keys sorted |
/// | single values (`RawRepresentable` enums) | the value they encode |
enum PostgresBindEncoder {
    static func argument(for bind: any Encodable) throws -> SQLValue {
        if let optional = bind as? any OptionalEncodable, optional.isNil { return .null }
        if let scalar = try scalar(bind) { return scalar }
        if let sequence = bind as? any EncodableArray { return .text(try arrayLiteral(sequence.encodableElements)) }
        let json = try jsonEncoder.encode(bind)
        guard let first = json.first, first != UInt8(ascii: "{") else { return .text(String(decoding: json, as: UTF8.self)) }
        return try fragment(json, of: bind)
    }

    /// `JSONEncoder()` as postgres-kit uses it, with its keys sorted: a recorded argument is
    /// then the same text on every run (`jsonb` keeps no key order, so the server stores the
    /// same value either way).
    static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// The types postgres-nio encodes itself.
    private static func scalar(_ bind: any Encodable) throws -> SQLValue? {
        switch bind {
        case let value as String: return .text(value)
        case let value as Bool: return .text(value ? "true" : "false")
        case let value as any BinaryInteger:
            guard let integer = Int64(exactly: value) else {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) does not fit PostgreSQL's bigint"))
            }
            return .integer(integer)
        case let value as Double: return .real(value)
        case let value as Float: return .real(Double(value))
        case let value as UUID: return .text(value.uuidString.lowercased())
        case let value as Date: return .text(timestamp(value))
        case let value as Decimal: return .text(value.description)
        case let value as Data: return .blob([UInt8](value))
        case let value as URL: return .text(value.absoluteString)
        default: return nil
        }
    }

    /// A value that encodes to a single JSON value (an enum's raw value): that value.
    private static func fragment(_ json: Data, of bind: any Encodable) throws -> SQLValue {
        let decoder = JSONDecoder()
        if let text = try? decoder.decode(String.self, from: json) { return .text(text) }
        if let integer = try? decoder.decode(Int64.self, from: json) { return .integer(integer) }
        if let real = try? decoder.decode(Double.self, from: json) { return .real(real) }
        if let flag = try? decoder.decode(Bool.self, from: json) { return .text(flag ? "true" : "false") }
        if json.elementsEqual("null".utf8) { return .null }
        throw EncodingError.invalidValue(bind, .init(codingPath: [], debugDescription: "\(type(of: bind)) encodes to \(String(decoding: json, as: UTF8.self)), which has no PostgreSQL form"))
    }

    /// A PostgreSQL array literal: `{1,2}`, `{"a","b \"c\""}`, `{NULL}`, `{{1,2},{3,4}}`.
    static func arrayLiteral(_ elements: [any Encodable]) throws -> String {
        let items = try elements.map { element -> String in
            if let nested = element as? any EncodableArray { return try arrayLiteral(nested.encodableElements) }
            switch try argument(for: element) {
            case .null: return "NULL"
            case .integer(let integer): return String(integer)
            case .real(let real): return quoted(real.isNaN ? "NaN" : real.isInfinite ? (real < 0 ? "-Infinity" : "Infinity") : "\(real)")
            case .text(let text): return quoted(text)
            case .blob(let bytes): return quoted("\\x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined())
            }
        }
        return "{" + items.joined(separator: ",") + "}"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// PostgreSQL's epoch, 2000-01-01 UTC.
    static let epoch = Date(timeIntervalSince1970: 946_684_800)

    /// `2024-05-01 09:30:00.123456+00`: the microseconds postgres-nio sends (truncated toward
    /// zero), in UTC.
    static func timestamp(_ date: Date) -> String {
        let micros = Int64(date.timeIntervalSince(epoch) * 1_000_000)
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let base = SQLDateFormat.string(from: Date(timeInterval: Double(seconds), since: epoch))   // "… HH:mm:ss.000"
        return String(base.dropLast(4)) + "." + String(fraction).leftPadded(to: 6) + "+00"
    }
}

/// An `Optional` seen through `any Encodable`.
protocol OptionalEncodable {
    var isNil: Bool { get }
}

extension Optional: OptionalEncodable where Wrapped: Encodable {
    var isNil: Bool { self == nil }
}

/// An array seen through `any Encodable`, its elements one by one.
protocol EncodableArray {
    var encodableElements: [any Encodable] { get }
}

extension Array: EncodableArray where Element: Encodable {
    var encodableElements: [any Encodable] { map { $0 } }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
#endif
