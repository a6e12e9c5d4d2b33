#if PostgreSQL
import Foundation
import NIOCore
import PostgresNIO
import SQLTestKit

/// How PostgreSQL's values read into `SQLValue` (the driver asks for binary results and
/// decodes them here, so every type reads the same way whatever the query looks like):
///
/// | PostgreSQL type | reads as |
/// |---|---|
/// | `int2`, `int4`, `int8`, `oid` | `.integer` |
/// | `float4`, `float8` (NaN, ±Infinity, -0.0 kept) | `.real` |
/// | `bool` | `.integer(1)` or `.integer(0)`, as SQLite stores booleans |
/// | `numeric` | `.text` with the exact digits (`"12.50"`, `"NaN"`) |
/// | `text`, `varchar`, `char(n)`, `name`, enums, `citext`, other text-like types | `.text` |
/// | `bytea` | `.blob` |
/// | `uuid` | `.text`, lower case, as PostgreSQL prints it |
/// | `json`, `jsonb` | `.text` (the JSON as the server returns it) |
/// | `date` | `.text` `"2024-05-01"` |
/// | `timestamp`, `timestamptz` (in UTC) | `.text` `"2024-05-01 09:30:00.000"`: the form the SQLite driver stores a `Date` in (`SQLDateFormat`); fractions past milliseconds are kept (`".123456"`) |
/// | `time` | `.text` `"09:30:00"` (fractions kept) |
/// | arrays of the types above | `.text` holding a JSON array (`[1,2,null]`, `["a","b"]`) |
///
/// Any other type reads as `.text` when its binary form is UTF-8 (enums and most extension
/// types), and as `.blob` otherwise: cast it in the query (`interval::text`) to get its text.
enum PostgresCellDecoder {
    static func value(of cell: PostgresCell) -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .text {
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        }
        return value(type: cell.dataType, bytes: &bytes)
    }

    static func value(type: PostgresDataType, bytes: inout ByteBuffer) -> SQLValue {
        switch type {
        case .int2: return bytes.readInteger(as: Int16.self).map { .integer(Int64($0)) } ?? .null
        case .int4: return bytes.readInteger(as: Int32.self).map { .integer(Int64($0)) } ?? .null
        case .int8: return bytes.readInteger(as: Int64.self).map { .integer($0) } ?? .null
        case .oid, .regproc: return bytes.readInteger(as: UInt32.self).map { .integer(Int64($0)) } ?? .null
        case .float4: return bytes.readInteger(as: UInt32.self).map { .real(Double(Float(bitPattern: $0))) } ?? .null
        case .float8: return bytes.readInteger(as: UInt64.self).map { .real(Double(bitPattern: $0)) } ?? .null
        case .bool: return bytes.readInteger(as: UInt8.self).map { .integer($0 == 0 ? 0 : 1) } ?? .null
        case .bytea: return .blob(bytes.readBytes(length: bytes.readableBytes) ?? [])
        case .numeric: return .text(numericText(&bytes))
        case .uuid:
            guard let uuid = bytes.readUUIDBytes() else { return .null }
            return .text(uuid.uuidString.lowercased())
        case .jsonb:
            _ = bytes.readInteger(as: UInt8.self)   // the format version, 1
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        case .date:
            guard let days = bytes.readInteger(as: Int32.self) else { return .null }
            if days == .max { return .text("infinity") }
            if days == .min { return .text("-infinity") }
            return .text(String(SQLDateFormat.string(from: date(microseconds: Int64(days) * 86_400_000_000)).prefix(10)))
        case .timestamp, .timestamptz:
            guard let micros = bytes.readInteger(as: Int64.self) else { return .null }
            if micros == .max { return .text("infinity") }
            if micros == .min { return .text("-infinity") }
            return .text(timestampText(micros))
        case .time:
            guard let micros = bytes.readInteger(as: Int64.self) else { return .null }
            return .text(timeText(micros))
        default:
            if let element = arrayElements[type] { return .text(arrayJSON(&bytes, element: element)) }
            let raw = bytes.readBytes(length: bytes.readableBytes) ?? []
            if let text = String(validating: raw, as: UTF8.self) { return .text(text) }
            return .blob(raw)
        }
    }

    // MARK: - Numbers

    /// `numeric`'s binary form (base-10000 digits, a weight and a display scale) as its exact text.
    static func numericText(_ bytes: inout ByteBuffer) -> String {
        guard let count = bytes.readInteger(as: Int16.self), let weight = bytes.readInteger(as: Int16.self),
              let sign = bytes.readInteger(as: UInt16.self), let scale = bytes.readInteger(as: Int16.self) else { return "" }
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        default: break
        }
        var digits: [Int16] = []
        for _ in 0..<max(0, Int(count)) { digits.append(bytes.readInteger(as: Int16.self) ?? 0) }
        // Integer part: groups 0...weight.
        var integer = ""
        if weight < 0 { integer = "0" }
        else {
            for index in 0...Int(weight) {
                let group = index < digits.count ? Int(digits[index]) : 0
                integer += index == 0 ? String(group) : pad(group, 4)
            }
        }
        var fraction = ""
        if scale > 0 {
            var index = Int(weight) + 1
            // Leading zero groups when weight < -1.
            while fraction.count < Int(scale) {
                let group = index >= 0 && index < digits.count ? Int(digits[index]) : 0
                fraction += pad(group, 4)
                index += 1
            }
            fraction = String(fraction.prefix(Int(scale)))
        }
        let body = fraction.isEmpty ? integer : integer + "." + fraction
        return sign == 0x4000 ? "-" + body : body
    }

    // MARK: - Dates

    /// PostgreSQL counts from 2000-01-01, 946,684,800 s after 1970.
    private static let epochOffset: Int64 = 946_684_800

    private static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds / 1_000_000 + epochOffset))
    }

    private static func timestampText(_ micros: Int64) -> String {
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let base = SQLDateFormat.string(from: Date(timeIntervalSince1970: Double(seconds + epochOffset)))
        // SQLDateFormat gives milliseconds; keep microseconds when there are any.
        guard fraction % 1000 != 0 else { return String(base.dropLast(3)) + pad(Int(fraction / 1000), 3) }
        return String(base.dropLast(3)) + pad(Int(fraction), 6)
    }

    private static func timeText(_ micros: Int64) -> String {
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let text = "\(pad(Int(seconds / 3600), 2)):\(pad(Int(seconds / 60 % 60), 2)):\(pad(Int(seconds % 60), 2))"
        guard fraction > 0 else { return text }
        var digits = pad(Int(fraction), 6)
        while digits.hasSuffix("0") { digits.removeLast() }
        return text + "." + digits
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor, remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // MARK: - Arrays

    /// Array types and their element types.
    private static let arrayElements: [PostgresDataType: PostgresDataType] = [
        .int2Array: .int2, .int4Array: .int4, .int8Array: .int8, .float4Array: .float4, .float8Array: .float8,
        .boolArray: .bool, .textArray: .text, .varcharArray: .varchar, .uuidArray: .uuid, .byteaArray: .bytea,
        .jsonbArray: .jsonb, .numericArray: .numeric, .dateArray: .date, .timestampArray: .timestamp,
        .timestamptzArray: .timestamptz, PostgresDataType(1014): .bpchar, PostgresDataType(199): .json, PostgresDataType(1003): .name,
    ]

    /// An array's binary form (dimensions, then elements) as JSON: nested arrays for more than
    /// one dimension, numbers for numbers, strings for the rest, null for NULL.
    private static func arrayJSON(_ bytes: inout ByteBuffer, element: PostgresDataType) -> String {
        guard let dimensionCount = bytes.readInteger(as: Int32.self), bytes.readInteger(as: Int32.self) != nil,
              bytes.readInteger(as: UInt32.self) != nil else { return "[]" }
        var lengths: [Int] = []
        for _ in 0..<max(0, Int(dimensionCount)) {
            lengths.append(Int(bytes.readInteger(as: Int32.self) ?? 0))
            _ = bytes.readInteger(as: Int32.self)   // lower bound
        }
        guard !lengths.isEmpty else { return "[]" }
        func elementJSON() -> String {
            guard let length = bytes.readInteger(as: Int32.self), length >= 0, var slice = bytes.readSlice(length: Int(length)) else { return "null" }
            let value = value(type: element, bytes: &slice)
            switch (element, value) {
            case (.numeric, .text(let digits)) where Double(digits)?.isFinite == true: return digits
            case (.json, .text(let json)), (.jsonb, .text(let json)): return json
            case (.bool, .integer(let flag)): return flag == 0 ? "false" : "true"
            case (_, .integer(let integer)): return String(integer)
            case (_, .real(let real)): return real.isFinite ? real.description : "\"\(real)\""
            case (_, .text(let text)): return jsonString(text)
            case (_, .blob(let blob)): return jsonString("\\x" + blob.map { String(format: "%02x", $0) }.joined())
            case (_, .null): return "null"
            }
        }
        func level(_ depth: Int) -> String {
            let items = (0..<lengths[depth]).map { _ in depth + 1 == lengths.count ? elementJSON() : level(depth + 1) }
            return "[" + items.joined(separator: ",") + "]"
        }
        return level(0)
    }

    private static func jsonString(_ text: String) -> String {
        var output = ""
        JSONString.write(text, to: &output)
        return output
    }
}

extension ByteBuffer {
    fileprivate mutating func readUUIDBytes() -> UUID? {
        guard let raw = readBytes(length: 16) else { return nil }
        return UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                           raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
    }
}
#endif
