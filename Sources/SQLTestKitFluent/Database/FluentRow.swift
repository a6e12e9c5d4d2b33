#if Fluent
import FluentKit
import Foundation
import NIOCore
import SQLKit
import SQLTestKit
import SQLiteKit
import SQLiteNIO

/// One row of an SQLTestKit result, as SQLKit and Fluent read rows: values decoded the way
/// fluent-sqlite-driver decodes them (`SQLiteDataDecoder`: dates from seconds or ISO text,
/// UUIDs, booleans, JSON), so a model reads the same values from the mock or SQLite as it does
/// in production.
///
/// Fluent selects aliased columns (`"book"."title" AS "book_title"`); a scripted row may use the
/// plain names (`["id": 1, "title": "Dune"]`). A column that is not in the row is looked up by
/// the part after its table's prefix, so such rows decode into models as they are.
struct FluentRow: SQLRow {
    let row: ResultRow
    let decoder: SQLiteDataDecoder

    var allColumns: [String] { Array(row.columns) }

    func contains(column: String) -> Bool { position(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let position = position(of: column) else { throw missing(column) }
        return row.values[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = position(of: column) else { throw missing(column) }
        return try decoder.decode(D.self, from: row.values[position].sqliteData)
    }

    /// The position of `column`, or of the name it aliases (`book_title` → `title`).
    private func position(of column: String) -> Int? {
        if let position = row.columns.index(of: column) { return position }
        var rest = column[...]
        while let underscore = rest.firstIndex(of: "_") {
            rest = rest[rest.index(after: underscore)...]
            if let position = row.columns.index(of: String(rest)) { return position }
        }
        return nil
    }

    private func missing(_ column: String) -> any Error {
        DecodingError.valueNotFound(Any.self, .init(codingPath: [],
            debugDescription: "the row has no column `\(column)` (columns: \(row.columns.map { "`\($0)`" }.joined(separator: ", ")))"))
    }
}

extension SQLValue {
    /// The value as sqlite-nio carries it, for `SQLiteDataDecoder`.
    var sqliteData: SQLiteData {
        switch self {
        case .null: .null
        case .integer(let value): .integer(Int(value))
        case .real(let value): .float(value)
        case .text(let value): .text(value)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        }
    }

    /// A value as `SQLiteDataEncoder` encodes it.
    init(_ data: SQLiteData) {
        switch data {
        case .null: self = .null
        case .integer(let value): self = .integer(Int64(value))
        case .float(let value): self = .real(value)
        case .text(let value): self = .text(value)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        }
    }
}
#endif
