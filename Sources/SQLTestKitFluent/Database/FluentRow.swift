#if Fluent
import FluentKit
import Foundation
import NIOCore
import SQLKit
import SQLTestKit

/// One row of an SQLTestKit result, as SQLKit and Fluent read rows: values decoded the way
/// the dialect's Fluent driver decodes them (fluent-sqlite-driver's `SQLiteDataDecoder`, or
/// fluent-postgres-driver's decoding), so a model reads the same values from the mock or the
/// test database as it does in production.
///
/// Fluent selects aliased columns (`"book"."title" AS "book_title"`); a scripted row may use the
/// plain names (`["id": 1, "title": "Dune"]`). A column that is not in the row is looked up by
/// the part after its table's prefix, so such rows decode into models as they are.
struct FluentRow: SQLRow {
    let row: ResultRow
    let dialect: any FluentDialect

    var allColumns: [String] { Array(row.columns) }

    func contains(column: String) -> Bool { position(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let position = position(of: column) else { throw missing(column) }
        return row[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = position(of: column) else { throw missing(column) }
        return try dialect.decode(D.self, from: row[position], column: row.columns[position])
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

#endif
