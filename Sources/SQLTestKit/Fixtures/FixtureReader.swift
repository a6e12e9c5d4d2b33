import Foundation

/// Turns the bytes of a fixture file into rows, collecting every problem instead of stopping
/// at the first.
enum FixtureReader {
    /// The CSV header that gives each row a label (so other fixtures can reference CSV rows).
    static let labelColumn = "_label"

    static func read(bytes: [UInt8], path: String, format: FixtureFile.Format) -> (FixtureFile, [FixtureProblem]) {
        let name = (path as NSString).lastPathComponent
        let table = (name as NSString).deletingPathExtension
        var file = FixtureFile(path: path, table: table, format: format, rows: [], stream: nil, sql: nil,
                               contentHash: StableHash.contentHash(bytes))
        var problems: [FixtureProblem] = []
        // Every format is UTF-8: invalid bytes are refused, never replaced with U+FFFD.
        if let line = firstInvalidUTF8Line(in: bytes) { return (file, [notUTF8(path, line: line)]) }
        switch format {
        case .yaml:
            (file.rows, problems) = readYAML(String(decoding: bytes, as: UTF8.self), path: path)
        case .json:
            (file.rows, problems) = readJSON(bytes, path: path)
        case .csv:
            (file.rows, file.stream, problems) = readCSV(bytes, path: path)
        case .sql:
            let text = String(decoding: bytes, as: UTF8.self)
            file.sql = text
            problems = transactionControlProblems(in: text, path: path)
        }
        for index in problems.indices where problems[index].table == nil { problems[index].table = table }
        return (file, problems)
    }

    /// Transaction control in a `.sql` fixture, one problem per statement: a load runs in one
    /// transaction of its own, and a `COMMIT`, `ROLLBACK` or `PREPARE TRANSACTION` in a file
    /// would end it half-way. The file is read by every dialect's lexical rules (which database
    /// it will load into is not known yet), so a statement that is transaction control for any
    /// of them is refused.
    static func transactionControlProblems(in sql: String, path: String) -> [FixtureProblem] {
        let bytes = Array(sql.utf8)
        var problems: [FixtureProblem] = []
        var seen = Set<Int>()
        for dialect in DatabaseDialect.allCases {
            for statement in SQLTokenizer.statementsWithOffsets(in: sql, dialect: dialect) {
                guard case .transaction(let control) = StatementKind(sql: statement.text, dialect: dialect) else { continue }
                // The offset is the statement's first word's: its comments are not part of it.
                let line = lineNumber(at: statement.offset, in: bytes)
                guard seen.insert(line).inserted else { continue }
                problems.append(transactionControlProblem(control, file: path, line: line))
            }
        }
        return problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    /// The problem for transaction control found in a fixture file.
    static func transactionControlProblem(_ control: TransactionControl, file: String, line: Int) -> FixtureProblem {
        FixtureProblem(
            kind: .malformedFile,
            message: "transaction control (\(control.sqlDescription)) is not allowed in a fixture file",
            file: file, line: line,
            suggestion: control.isTwoPhaseCommit
                ? "remove it: PREPARE TRANSACTION would leave half a load prepared, for one COMMIT PREPARED to commit; the whole load runs in one transaction, committed only when every fixture went in"
                : "remove it: the whole load runs in one transaction, committed only when every fixture went in, so a failed load leaves the database as it was")
    }

    /// The 1-based line of a UTF-8 offset.
    static func lineNumber(at offset: Int, in bytes: [UInt8]) -> Int {
        bytes[..<min(offset, bytes.count)].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    static func notUTF8(_ path: String, line: Int) -> FixtureProblem {
        FixtureProblem(kind: .malformedFile, message: "the file is not valid UTF-8 text (the first invalid byte is on this line)",
                       file: path, line: line, suggestion: "save it as UTF-8")
    }

    /// The line of the first byte that is not valid UTF-8, or `nil` when all of it is valid.
    /// Checked in chunks by the standard library's validator (no copy of a large file at
    /// once); only a failing chunk is scanned scalar by scalar to find the line.
    static func firstInvalidUTF8Line(in bytes: [UInt8]) -> Int? {
        let chunk = 1 << 16
        var start = 0
        while start < bytes.count {
            var end = min(start + chunk, bytes.count)
            // Never split a multi-byte sequence: end before a continuation byte's lead.
            while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            if end == start { end = min(start + chunk, bytes.count) }
            if String(validating: bytes[start..<end], as: UTF8.self) == nil {
                var parser = Unicode.UTF8.ForwardParser()
                var iterator = bytes[start..<bytes.count].makeIterator()
                var offset = start
                while true {
                    switch parser.parseScalar(from: &iterator) {
                    case .valid(let encoded): offset += encoded.count
                    case .error: return lineNumber(at: offset, in: bytes)
                    case .emptyInput: return nil
                    }
                }
            }
            start = end
        }
        return nil
    }

    static func duplicateLabel(_ label: String, path: String, line: Int) -> FixtureProblem {
        FixtureProblem(kind: .duplicateLabel, message: "duplicate label `\(label)`: two rows cannot share a label",
                       file: path, line: line, label: label, suggestion: "rename one of the rows")
    }

    /// Reads a CSV fixture: a header row of column names, then one row per record. A `_label`
    /// column labels rows. Unquoted fields are plain scalars (an empty one is NULL), quoted
    /// fields are text unless the column's type says otherwise.
    ///
    /// A file larger than ``CSVRowStream/threshold`` is only checked here (header, field
    /// counts, labels) and kept as bytes: its rows are made a chunk at a time when it is
    /// loaded, so a million-row file never has all its rows in memory at once.
    static func readCSV(_ bytes: [UInt8], path: String) -> ([FixtureRow], CSVRowStream?, [FixtureProblem]) {
        var problems: [FixtureProblem] = []
        var rows: [FixtureRow] = []
        var header: CSVRowStream.Header?
        var labels: [String] = []
        var seenLabels = Set<String>()
        var rowCount = 0
        var refusedLines = Set<Int>()
        let streams = bytes.count > CSVRowStream.threshold
        do {
            // Records become rows as they are read: no second copy of a large file's fields.
            let body = try CSVParser.parse(bytes, from: .start, limit: 1) { record in
                header = CSVRowStream.Header(record: record, path: path, problems: &problems)
            }
            guard let header else { return ([], nil, problems) }
            if let body, streams {
                // Checked without making rows: the field counts and the labels.
                let labelIndex = header.labelIndex
                _ = try CSVParser.parse(bytes, from: body, limit: .max, onlyTextOf: labelIndex ?? -1) { record in
                    let line = record.first?.line ?? 0
                    guard header.hasFieldCount(of: record, path: path, problems: &problems) else {
                        refusedLines.insert(line)
                        return
                    }
                    if let labelIndex, !record[labelIndex].text.isEmpty {
                        let label = record[labelIndex].text
                        guard seenLabels.insert(label).inserted else {
                            problems.append(Self.duplicateLabel(label, path: path, line: line))
                            refusedLines.insert(line)
                            return
                        }
                        labels.append(label)
                    }
                    rowCount += 1
                }
            } else if let body {
                _ = try CSVParser.parse(bytes, from: body, limit: .max) { record in
                    guard let row = header.row(from: record, path: path, problems: &problems) else { return }
                    if let label = row.label, !seenLabels.insert(label).inserted {
                        problems.append(Self.duplicateLabel(label, path: path, line: row.line))
                        return
                    }
                    rows.append(row)
                }
            }
            guard streams else { return (rows, nil, problems) }
            return ([], CSVRowStream(bytes: bytes, path: path, header: header, body: body, rowCount: rowCount, labels: labels,
                                   refusedLines: refusedLines), problems)
        } catch let error as CSVParser.Error {
            return ([], nil, [FixtureProblem(kind: .malformedFile, message: "malformed CSV: \(error.message)", file: path, line: error.line,
                                             suggestion: "quote fields that contain commas, quotes or line breaks, and double every quote inside them")])
        } catch {
            return ([], nil, [FixtureProblem(kind: .malformedFile, message: "malformed CSV: \(error)", file: path)])
        }
    }
}
