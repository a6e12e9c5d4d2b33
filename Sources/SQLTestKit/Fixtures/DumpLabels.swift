/// What a dump needs from the fixture set a database was loaded from to write rows back as they
/// were written: each labelled row by the key it was given, and whether the row set its key
/// itself (a derived key is left out, so a load derives it again).
struct DumpLabels {
    struct Entry {
        var label: String
        var row: FixtureRow
    }

    /// Lowercased table name → key → the labelled row that got it.
    private var tables: [String: [SQLValue: Entry]] = [:]

    init(_ fixtures: FixtureSet) {
        for file in fixtures.files where file.format != .sql {
            var entries: [SQLValue: Entry] = [:]
            file.forEachChunk { rows in
                for row in rows {
                    guard let label = row.label else { continue }
                    let entry = Entry(label: label, row: row)
                    // The key a label gives: set by the row, or derived for a 64-, 32- or
                    // 16-bit key column (PostgreSQL's bigint, integer and smallint).
                    for maximum in [FixtureSet.maximumDerivedID, Int64(Int32.max), Int64(Int16.max)] {
                        if let id = fixtures.id(of: label, in: file.table, maximum: maximum) { entries[.integer(id)] = entry }
                    }
                    entries[.text(label)] = entry
                }
            }
            tables[file.table.asciiLowercased] = entries
        }
    }

    /// The labelled row whose key is `key` in `table`.
    func entry(in table: String, key: SQLValue) -> Entry? {
        tables[table.asciiLowercased]?[key]
    }

    /// The name the row wrote `column` under: the column's own, or its association name
    /// (`author` for `author_id`).
    static func writtenName(of column: String, in row: FixtureRow) -> String? {
        row.fields.first { field in
            field.key.asciiLowercased == column.asciiLowercased || field.key.asciiLowercased + "_id" == column.asciiLowercased
        }?.key
    }
}
