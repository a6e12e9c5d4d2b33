import Foundation

extension ResultRow {
    /// Reads the row into a `Decodable` type whose coding keys are column names.
    ///
    /// Properties of ``SQLValueConvertible`` types (numbers, strings, `Bool`, `Date`, `UUID`,
    /// `Data`, optionals) convert from the column's value; other `Decodable` properties
    /// (arrays, nested structs) are decoded from JSON text in the column. A row with a single
    /// column also decodes as a single value: `try row.decode(Int.self)`.
    ///
    /// ```swift
    /// struct Book: Decodable { var id: Int; var title: String; var published: Date? }
    /// let books = try rows.map { try $0.decode(Book.self) }
    /// ```
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try RowDecoder(row: self).decodeValue(type, column: nil, value: nil)
    }
}

/// A `Decoder` over one ``ResultRow``.
private struct RowDecoder: Decoder {
    let row: ResultRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Converts `value` of `column` into `type`, or decodes the whole row when `column` is nil.
    func decodeValue<T: Decodable>(_ type: T.Type, column: String?, value: SQLValue?) throws -> T {
        guard let column, let value else { return try T(from: self) }
        if let convertible = type as? any SQLValueConvertible.Type {
            guard let converted = convertible.init(sqlValue: value) as? T else {
                throw RowDecodingError.mismatch(column: column, value: value, wanted: type, in: row)
            }
            return converted
        }
        // Structured values live in the column as JSON.
        let json: Data
        switch value {
        case .text(let text): json = Data(text.utf8)
        case .blob(let bytes): json = Data(bytes)
        default: throw RowDecodingError.mismatch(column: column, value: value, wanted: type, in: row, detail: "expected JSON text")
        }
        do {
            return try JSONDecoder().decode(type, from: json)
        } catch {
            throw RowDecodingError.mismatch(column: column, value: value, wanted: type, in: row, detail: "not JSON of that shape: \(error)")
        }
    }

    /// `value` of `column` converted to `T`, or the mismatch `decodeValue` throws. Inlined where
    /// `T` is concrete: called generically, each value looked up the metadata of `T?` at run
    /// time.
    @inline(__always)
    func convert<T: SQLValueConvertible>(_ value: SQLValue, column: @autoclosure () -> String, to type: T.Type) throws -> T {
        guard let converted = T(sqlValue: value) else {
            throw RowDecodingError.mismatch(column: column(), value: value, wanted: type, in: row)
        }
        return converted
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RowUnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard row.columns.count == 1 else {
            throw RowDecodingError.other(
                "a single value needs a row with one column, and this row has \(row.columns.count): [\(row.columnNames.joined(separator: ", "))]",
                wanted: Any.self, in: row)
        }
        return RowSingleValueContainer(decoder: self)
    }
}

private struct RowKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { decoder.row.columnNames.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { decoder.row.columns.index(of: key.stringValue) != nil }

    private func value(for key: Key, wanted: Any.Type) throws -> SQLValue {
        guard let value = decoder.row[key.stringValue] else {
            throw RowDecodingError.missingColumn(key.stringValue, in: decoder.row, wanted: "\(wanted)")
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try value(for: key, wanted: Any.self).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decodeValue(type, column: key.stringValue, value: value(for: key, wanted: type))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = decoder.row[key.stringValue], !value.isNull else { return nil }
        return try decoder.decodeValue(type, column: key.stringValue, value: value)
    }

    // The standard types a synthesized `init(from:)` asks for by name, converted directly:
    // through `decode<T>` each value cost two dynamic casts, and decoding 100k rows of six
    // columns took 5.5–6.3× the raw C read (see Benchmarks.md, "Decodable rows").

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try convert(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try convert(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try convert(type, forKey: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try convert(type, forKey: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try convert(type, forKey: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try convert(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try convert(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try convert(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try convert(type, forKey: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try convert(type, forKey: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try convert(type, forKey: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try convert(type, forKey: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try convert(type, forKey: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try convert(type, forKey: key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try convertIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try convertIfPresent(type, forKey: key) }

    /// The column's value converted to `T`; the errors are those of `decode<T>`.
    @inline(__always)
    private func convert<T: SQLValueConvertible>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.convert(value(for: key, wanted: type), column: key.stringValue, to: type)
    }

    /// `nil` for a missing column or `NULL`, else the value converted to `T`.
    @inline(__always)
    private func convertIfPresent<T: SQLValueConvertible>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = decoder.row[key.stringValue], !value.isNull else { return nil }
        return try decoder.convert(value, column: key.stringValue, to: type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw RowDecodingError.other("column `\(key.stringValue)`: nested containers are read from JSON; decode the property as a Decodable type instead", wanted: type, in: decoder.row)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw RowDecodingError.other("column `\(key.stringValue)`: nested containers are read from JSON; decode the property as a Decodable type instead", wanted: Any.self, in: decoder.row)
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}

/// Reads the columns in order, for tuples-like types.
private struct RowUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { decoder.row.columns.count }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= decoder.row.columns.count }

    init(decoder: RowDecoder) { self.decoder = decoder }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw RowDecodingError.other("read past the last column", wanted: Any.self, in: decoder.row) }
        if decoder.row[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !isAtEnd else { throw RowDecodingError.other("read past the last column", wanted: type, in: decoder.row) }
        defer { currentIndex += 1 }
        return try decoder.decodeValue(type, column: decoder.row.columnNames[currentIndex], value: decoder.row[currentIndex])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw RowDecodingError.other("nested containers are not supported in a row", wanted: type, in: decoder.row)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw RowDecodingError.other("nested containers are not supported in a row", wanted: Any.self, in: decoder.row)
    }

    mutating func superDecoder() throws -> any Decoder { decoder }
}

private struct RowSingleValueContainer: SingleValueDecodingContainer {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.row[0].isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeValue(type, column: decoder.row.columnNames[0], value: decoder.row[0])
    }

    // Directly, as in the keyed container: `fetchAll(Int.self, …)` reads through these.
    func decode(_ type: Bool.Type) throws -> Bool { try convert(type) }
    func decode(_ type: String.Type) throws -> String { try convert(type) }
    func decode(_ type: Double.Type) throws -> Double { try convert(type) }
    func decode(_ type: Float.Type) throws -> Float { try convert(type) }
    func decode(_ type: Int.Type) throws -> Int { try convert(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try convert(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try convert(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try convert(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try convert(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try convert(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try convert(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try convert(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try convert(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try convert(type) }

    /// The single column's value converted to `T`; the errors are those of `decode<T>`.
    @inline(__always)
    private func convert<T: SQLValueConvertible>(_ type: T.Type) throws -> T {
        try decoder.convert(decoder.row[0], column: decoder.row.columnNames[0], to: type)
    }
}
