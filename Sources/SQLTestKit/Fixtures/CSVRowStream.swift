/// The rows of a large CSV fixture, made a chunk at a time from the file's bytes.
///
/// A fixture row costs several hundred bytes once parsed (its fields, their keys, values and
/// lines), against about fifty in the file: a million-row file held as rows took 700 MB. A file
/// larger than ``threshold`` is therefore checked when it is read (header, field counts,
/// duplicate labels, so ``FixtureSet`` still reports every problem up front) and kept as bytes;
/// loads and checks plan and insert it ``chunkSize`` rows at a time.
struct CSVRowStream: Sendable, Hashable {
    /// Files larger than this many bytes are streamed (about 20,000 rows of five short columns).
    static let threshold = 1 << 20
    /// Rows made, planned and inserted at a time.
    static let chunkSize = 5_000

    /// A CSV file's header: the column names and where the `_label` column is.
    struct Header: Sendable, Hashable {
        var keys: [String]
        var labelIndex: Int?

        /// The header of `record` (the file's first record), reporting a column named twice.
        init(record: [CSVParser.Field], path: String, problems: inout [FixtureProblem]) {
            var seen = Set<String>()
            for field in record where !seen.insert(field.text).inserted {
                problems.append(FixtureProblem(kind: .duplicateKey, message: "the header names the column `\(field.text)` twice",
                                               file: path, line: field.line, columnName: field.text,
                                               suggestion: "remove or rename one of the two columns"))
            }
            keys = record.map(\.text)
            labelIndex = keys.firstIndex(of: FixtureReader.labelColumn)
        }

        /// Whether `record` has a field for every column; otherwise adds the problem.
        func hasFieldCount(of record: [CSVParser.Field], path: String, problems: inout [FixtureProblem]) -> Bool {
            guard record.count != keys.count else { return true }
            problems.append(FixtureProblem(kind: .malformedFile,
                                           message: "this row has \(record.count) fields but the header has \(keys.count)",
                                           file: path, line: record.first?.line ?? 0,
                                           suggestion: "quote fields that contain commas; leave a field empty (`,,`) for NULL"))
            return false
        }

        /// The fixture row of one record, or `nil` (with a problem) when its field count is wrong.
        func row(from record: [CSVParser.Field], path: String, problems: inout [FixtureProblem]) -> FixtureRow? {
            let line = record.first?.line ?? 0
            guard hasFieldCount(of: record, path: path, problems: &problems) else { return nil }
            var label: String?
            var fields: [FixtureField] = []
            fields.reserveCapacity(keys.count)
            for index in record.indices {
                let field = record[index]
                if index == labelIndex {
                    label = field.text.isEmpty ? nil : field.text
                    continue
                }
                let value: FixtureValue = FixtureValue.exactCSVField(field.text).map(FixtureValue.exact)
                    ?? (field.quoted ? .quoted(field.text) : .plain(field.text))
                fields.append(FixtureField(key: keys[index], value: value, line: field.line, column: nil))
            }
            return FixtureRow(label: label, line: line, column: nil, fields: fields)
        }
    }

    /// Hands out the file's rows a chunk at a time, leaving out rows whose problems were
    /// reported when the file was read.
    struct Chunks {
        let stream: CSVRowStream
        private var position: CSVParser.Position?

        init(_ stream: CSVRowStream) {
            self.stream = stream
            position = stream.body
        }

        /// The next rows (at most ``CSVRowStream/chunkSize``), or `nil` after the last.
        mutating func next() -> [FixtureRow]? {
            guard let start = position else { return nil }
            var rows: [FixtureRow] = []
            rows.reserveCapacity(CSVRowStream.chunkSize)
            var ignored: [FixtureProblem] = []
            let header = stream.header
            // The bytes parsed cleanly when the file was read, so this cannot throw.
            let refused = stream.refusedLines
            position = try? CSVParser.parse(stream.bytes, from: start, limit: CSVRowStream.chunkSize) { record in
                if !refused.isEmpty, let line = record.first?.line, refused.contains(line) { return }
                if let row = header.row(from: record, path: stream.path, problems: &ignored) { rows.append(row) }
            }
            return rows.isEmpty && position == nil ? nil : rows
        }
    }

    /// The file's bytes.
    let bytes: [UInt8]
    let path: String
    let header: Header
    /// Where the first record after the header starts; `nil` for a file with only a header.
    let body: CSVParser.Position?
    /// The rows the file gives (rows with a problem left out).
    let rowCount: Int
    /// The rows' labels, in file order.
    let labels: [String]
    /// The lines of records refused when the file was read (a wrong field count, a label
    /// taken): left out of the chunks, as they are left out of a small file's rows.
    let refusedLines: Set<Int>

    /// The rows, a chunk at a time.
    func chunks() -> Chunks { Chunks(self) }

    /// Every row at once, for the uses that need them together and are given small files.
    func allRows() -> [FixtureRow] {
        var chunks = chunks()
        var rows: [FixtureRow] = []
        while let chunk = chunks.next() { rows += chunk }
        return rows
    }

    static func == (lhs: CSVRowStream, rhs: CSVRowStream) -> Bool { lhs.path == rhs.path && lhs.bytes == rhs.bytes }
    func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(bytes.count)
    }
}
