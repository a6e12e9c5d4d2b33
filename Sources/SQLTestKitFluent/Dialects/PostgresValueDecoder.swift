#if Fluent && PostgreSQL
import Foundation
import SQLTestKit

/// A column's value decoded into a Fluent field's type as fluent-postgres-driver decodes it,
/// from the values SQLTestKit's PostgreSQL driver reads (and the mock's scripted rows hold):
/// `bool` as `.integer(0/1)`, `uuid`, dates, `numeric`, `jsonb` and arrays as `.text`.
///
/// Scalars convert directly; `UUID`, `Date`, `Decimal` and `Data` are read from their text or
/// bytes; anything that decodes through keyed or unkeyed containers (a JSON-coded struct, a
/// dictionary, an array) is decoded from the JSON text with `JSONDecoder()`, as postgres-kit
/// decodes `jsonb`. Dates inside JSON read as `JSONEncoder()` writes them (seconds since 2001)
/// or as the driver writes timestamps in arrays (`"2024-05-01 09:30:00.000"`).
enum PostgresValueDecoder {
    static func decode<Value: Decodable>(_ type: Value.Type, from value: SQLValue, column: String) throws -> Value {
        try CellDecoder(value: value, column: column).decodeValue(Value.self)
    }

    /// Microseconds since 2000 back to a `Date`, as postgres-nio computes it, so a date reads
    /// back equal to what fluent-postgres-driver gives.
    static func date(from text: String) -> Date? {
        guard let parsed = SQLDateFormat.date(from: text) else { return nil }
        let micros = (parsed.timeIntervalSince(PostgresBindEncoder.epoch) * 1_000_000).rounded()
        return Date(timeInterval: micros / 1_000_000, since: PostgresBindEncoder.epoch)
    }

    static let jsonDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
            let text = try container.decode(String.self)
            guard let date = date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "`\(text)` is not a date")
            }
            return date
        }
        return decoder
    }()
}

/// Thrown by the cell's keyed and unkeyed containers: the value is JSON text, decoded whole.
private struct DecodeAsJSON: Error {}

private struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLValue
    let column: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func decodeValue<Value: Decodable>(_ type: Value.Type) throws -> Value {
        switch Value.self {
        case is UUID.Type:
            if case .text(let text) = value, let uuid = UUID(uuidString: text) { return uuid as! Value }
        case is Date.Type:
            if case .text(let text) = value, let date = PostgresValueDecoder.date(from: text) { return date as! Value }
            if case .real(let seconds) = value { return Date(timeIntervalSince1970: seconds) as! Value }
            if case .integer(let seconds) = value { return Date(timeIntervalSince1970: Double(seconds)) as! Value }
        case is Decimal.Type:
            switch value {
            case .text(let text): if let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) { return decimal as! Value }
            case .integer(let integer): return Decimal(integer) as! Value
            case .real(let real): return Decimal(real) as! Value
            default: break
            }
        case is Data.Type:
            if case .blob(let bytes) = value { return Data(bytes) as! Value }
        default:
            do {
                return try Value(from: self)
            } catch is DecodeAsJSON {
                guard case .text(let json) = value else { throw mismatch(Value.self) }
                do {
                    return try PostgresValueDecoder.jsonDecoder.decode(Value.self, from: Data(json.utf8))
                } catch {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                        "column `\(column)`: the JSON \(json.count > 120 ? String(json.prefix(120)) + "…" : json) does not decode as \(Value.self): \(error)",
                        underlyingError: error))
                }
            }
        }
        throw mismatch(Value.self)
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription:
            "column `\(column)` holds \(value.storageClass) \(value), which does not read as \(type)"))
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw DecodeAsJSON() }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw DecodeAsJSON() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch value {
        case .integer(let flag): return flag != 0
        case .text("t"), .text("true"): return true
        case .text("f"), .text("false"): return false
        default: throw mismatch(Bool.self)
        }
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .text(let text) = value else { throw mismatch(String.self) }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        // `numeric` read as `Double`, as postgres-kit allows.
        case .text(let digits): if let real = Double(digits) { return real }
        default: break
        }
        throw mismatch(Double.self)
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try decodeValue(Value.self) }

    private func integer<Integer: FixedWidthInteger>() throws -> Integer {
        guard case .integer(let integer) = value, let converted = Integer(exactly: integer) else { throw mismatch(Integer.self) }
        return converted
    }
}
#endif
