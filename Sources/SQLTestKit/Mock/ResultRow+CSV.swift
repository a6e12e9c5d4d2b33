extension Array where Element == ResultRow {
    /// Rows read from CSV text: a header row of column names, then one line per row. Unquoted
    /// integers and decimals become numbers, an unquoted empty field or `NULL` becomes NULL, and
    /// everything else (and anything quoted) is text. So both spellings of a scripted answer
    /// work: `answer: try .csv("…")` and `answer: .rows(try .csv("…"))`.
    ///
    /// ```swift
    /// let rows: [ResultRow] = try .csv("""
    ///     id,name,score
    ///     1,Ada,9.5
    ///     2,"Grace, Rear Admiral",
    ///     """)
    /// ```
    ///
    /// - Throws: a CSV error naming the line, when a row's field count differs from the header's.
    public static func csv(_ text: String) throws -> [ResultRow] {
        let records = try CSVParser.parse(Array<UInt8>(text.utf8))
        guard let header = records.first else { return [] }
        let columns = ResultColumns(header.map(\.text))
        var rows: [ResultRow] = []
        for (offset, record) in records.dropFirst().enumerated() {
            guard record.count == header.count else {
                throw CSVParser.Error(line: record.first?.line ?? offset + 2,
                                      message: "this row has \(record.count) fields but the header has \(header.count)")
            }
            rows.append(ResultRow(columns: columns, values: record.map(\.inferredValue)))
        }
        return rows
    }
}
