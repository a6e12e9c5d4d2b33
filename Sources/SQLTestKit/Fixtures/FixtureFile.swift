import Foundation

/// One parsed fixture file: the rows it gives a table, or the statements of a `.sql` file.
public struct FixtureFile: Sendable, Hashable {
    /// The formats SQLTestKit reads, chosen by file extension.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case yaml, json, csv, sql

        /// The format for a file extension (`yml` and `yaml` are both YAML), or `nil`.
        public init?(fileExtension: String) {
            switch fileExtension.lowercased() {
            case "yml", "yaml": self = .yaml
            case "json": self = .json
            case "csv": self = .csv
            case "sql": self = .sql
            default: return nil
            }
        }

        /// The extension dumps write.
        public var fileExtension: String { self == .yaml ? "yml" : rawValue }
    }

    /// The path the file was read from, as given (used in every error message).
    public var path: String
    /// The table the rows go to: the file name without its extension.
    public var table: String
    /// The file's format, from its extension.
    public var format: Format
    /// The rows, in file order; empty for `.sql` files and for a large CSV file, whose rows
    /// are made a chunk at a time from ``stream``.
    var rows: [FixtureRow]
    /// A large CSV file's rows, kept as bytes until they are loaded.
    var stream: CSVRowStream?
    /// The statements of a `.sql` file.
    public var sql: String?
    /// `false` when the file had problems, so its rows may be missing: references to it are not
    /// reported again as unknown labels.
    var isComplete = true
    /// A hash of the file's bytes, so templates built from fixtures are rebuilt when a file changes.
    var contentHash: UInt64

    /// The number of rows the file gives its table.
    public var rowCount: Int { stream?.rowCount ?? rows.count }

    /// The labels of the file's rows, in file order.
    public var labels: [String] { stream?.labels ?? rows.compactMap(\.label) }

    /// The file with every row in memory (a streamed CSV file's rows made at once).
    var withAllRows: FixtureFile {
        guard let stream else { return self }
        var file = self
        file.rows = stream.allRows()
        file.stream = nil
        return file
    }

    /// Calls `body` with the file's rows, a chunk at a time for a streamed file.
    func forEachChunk(_ body: ([FixtureRow]) throws -> Void) rethrows {
        guard let stream else { return try body(rows) }
        var chunks = stream.chunks()
        while let chunk = chunks.next() { try body(chunk) }
    }
}

/// One row of a fixture file.
struct FixtureRow: Sendable, Hashable {
    /// The row's label (a YAML or JSON mapping key); list-shaped files and CSV have none.
    var label: String?
    var line: Int
    var column: Int?
    var fields: [FixtureField]
}

/// One `key: value` of a row, with where the value was written.
struct FixtureField: Sendable, Hashable {
    var key: String
    var value: FixtureValue
    var line: Int
    var column: Int?
}
