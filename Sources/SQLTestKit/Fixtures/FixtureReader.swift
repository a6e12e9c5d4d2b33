import Foundation

/// Turns the bytes of a fixture file into rows, collecting every problem instead of stopping
/// at the first.
enum FixtureReader {
    /// The CSV header that gives each row a label (so other fixtures can reference CSV rows).
    static let labelColumn = "_label"

    static func read(bytes: [UInt8], path: String, format: FixtureFile.Format) -> (FixtureFile, [FixtureProblem]) {
        let name = (path as NSString).lastPathComponent
        let table = (name as NSString).deletingPathExtension
        var file = FixtureFile(path: path, table: table, format: format, rows: [], sql: nil,
                               contentHash: StableHash.contentHash(bytes))
        var problems: [FixtureProblem] = []
        switch format {
        case .yaml:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return (file, [notUTF8(path)])
            }
            (file.rows, problems) = readYAML(text, path: path)
        case .json:
            (file.rows, problems) = readJSON(bytes, path: path)
        case .csv:
            (file.rows, problems) = readCSV(bytes, path: path)
        case .sql:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return (file, [notUTF8(path)])
            }
            file.sql = text
        }
        for index in problems.indices where problems[index].table == nil { problems[index].table = table }
        return (file, problems)
    }

    private static func notUTF8(_ path: String) -> FixtureProblem {
        FixtureProblem(kind: .malformedFile, message: "the file is not valid UTF-8 text", file: path,
                       suggestion: "save it as UTF-8")
    }

    /// Reads a CSV fixture: a header row of column names, then one row per record. A `_label`
    /// column labels rows. Unquoted fields are plain scalars (an empty one is NULL), quoted
    /// fields are text unless the column's type says otherwise.
    static func readCSV(_ bytes: [UInt8], path: String) -> ([FixtureRow], [FixtureProblem]) {
        var problems: [FixtureProblem] = []
        var rows: [FixtureRow] = []
        var keys: [String]?
        var labelIndex: Int?
        var labels = Set<String>()
        do {
            // Records become rows as they are read: no second copy of a large file's fields.
            try CSVParser.parse(bytes) { record in
                guard let header = keys else {
                    var seen = Set<String>()
                    for field in record where !seen.insert(field.text).inserted {
                        problems.append(FixtureProblem(kind: .duplicateKey, message: "the header names the column `\(field.text)` twice",
                                                       file: path, line: field.line, columnName: field.text,
                                                       suggestion: "remove or rename one of the two columns"))
                    }
                    keys = record.map(\.text)
                    labelIndex = keys?.firstIndex(of: labelColumn)
                    return
                }
                let line = record.first?.line ?? 0
                guard record.count == header.count else {
                    problems.append(FixtureProblem(kind: .malformedFile,
                                                   message: "this row has \(record.count) fields but the header has \(header.count)",
                                                   file: path, line: line,
                                                   suggestion: "quote fields that contain commas; leave a field empty (`,,`) for NULL"))
                    return
                }
                var label: String?
                var fields: [FixtureField] = []
                fields.reserveCapacity(header.count)
                for index in record.indices {
                    let field = record[index]
                    if index == labelIndex {
                        label = field.text.isEmpty ? nil : field.text
                        continue
                    }
                    fields.append(FixtureField(key: header[index], value: field.quoted ? .quoted(field.text) : .plain(field.text),
                                               line: field.line, column: nil))
                }
                if let label, !labels.insert(label).inserted {
                    problems.append(FixtureProblem(kind: .duplicateLabel, message: "duplicate label `\(label)`: two rows cannot share a label",
                                                   file: path, line: line, label: label, suggestion: "rename one of the rows"))
                    return
                }
                rows.append(FixtureRow(label: label, line: line, column: nil, fields: fields))
            }
        } catch let error as CSVParser.Error {
            return ([], [FixtureProblem(kind: .malformedFile, message: "malformed CSV: \(error.message)", file: path, line: error.line,
                                        suggestion: "quote fields that contain commas, quotes or line breaks, and double every quote inside them")])
        } catch {
            return ([], [FixtureProblem(kind: .malformedFile, message: "malformed CSV: \(error)", file: path)])
        }
        return (rows, problems)
    }
}
