import Foundation

/// Writes one table's rows as a fixture file that loads back into exactly the same values —
/// the same storage class and the same bytes: the inverse of ``FixtureReader``.
///
/// Each value is written the way a person would write it (text quoted wherever a plain form
/// could be read as something else, reals with a decimal point or exponent, NULL as `~`,
/// `null` or an empty unquoted CSV field, blobs as `!!binary` or base64) when loading that form
/// into its column stores the value unchanged. Otherwise — a `DATETIME` text a load would
/// normalise, `'yes'` in a `BOOLEAN` column, a blob in an untyped column, text SQLite accepted
/// in a `NUMERIC` column — it is written as an exact value, which a load stores as it is:
/// `!text '…'` (YAML), `{"$text": "…"}` (JSON), `!text:…` (CSV), and likewise `integer`,
/// `real` and `blob`.
struct FixtureWriter {
    /// One row: its label (none for tables without a single-column key) and its values.
    struct Row {
        var label: String?
        var values: [SQLValue]
        /// Columns left out of a labelled YAML or JSON row (a key its label derives).
        var omitted: Set<Int> = []
        /// Columns written under another name (`author` for `author_id`), in YAML and JSON.
        var names: [Int: String] = [:]
        /// Foreign-key columns written as the label of the row they reference.
        var references: [Int: String] = [:]

        /// The row's columns as written: position, name, and the label when it references one.
        func written(_ columns: [String], omitting: Bool) -> [(index: Int, name: String)] {
            columns.indices.filter { !(omitting && omitted.contains($0)) }.map { ($0, names[$0] ?? columns[$0]) }
        }
    }

    var table: String
    var columns: [String]
    /// Each column's kind, as a load coerces its values.
    var kinds: [ColumnKind]
    /// Columns a load reads a text value of as a label (single-column foreign keys that are
    /// not text or blob columns): their text is always written exact.
    var labelColumns: Set<Int> = []
    var rows: [Row]

    /// Whether a load that reads `written` into column `column` stores `value` unchanged.
    private func loadsBack(_ written: FixtureValue, as value: SQLValue, column: Int) -> Bool {
        if case .text = value, labelColumns.contains(column) { return false }
        guard case .success(let stored) = kinds[column].coerce(written) else { return false }
        return Self.identical(stored, value)
    }

    /// The same storage class and the same bytes (reals compared bit for bit: `-0.0` is not `0.0`).
    static func identical(_ a: SQLValue, _ b: SQLValue) -> Bool {
        switch (a, b) {
        case (.real(let x), .real(let y)): x.bitPattern == y.bitPattern
        default: a == b
        }
    }

    /// The file's text. Throws `CancellationError` when the task is cancelled (checked every
    /// 1,000 rows), so a cancelled dump of a large table stops instead of finishing it.
    func render(_ format: FixtureFile.Format) throws -> String {
        let text: String
        switch format {
        case .yaml: text = yaml()
        case .json: text = json()
        case .csv: text = csv()
        case .sql: text = ""
        }
        try Task.checkCancellation()
        return text
    }

    /// Whether rendering should stop early: the task is cancelled (checked every 1,000 rows;
    /// ``render(_:)`` then throws).
    private static func stops(at index: Int) -> Bool {
        index % 1000 == 999 && Task.isCancelled
    }

    // MARK: - YAML

    private func yaml() -> String {
        var output = "# \(table): \(rows.count) row\(rows.count == 1 ? "" : "s"), written by sqltestkit dump\n"
        if rows.isEmpty { return output + "[]\n" }
        for (index, row) in rows.enumerated() {
            if Self.stops(at: index) { break }
            if let label = row.label {
                output += Self.yamlKey(label) + ":\n"
                for (index, name) in row.written(columns, omitting: true) {
                    output += "  " + Self.yamlKey(name) + ": " + yamlValue(row, column: index) + "\n"
                }
            } else {
                for (position, (index, name)) in row.written(columns, omitting: false).enumerated() {
                    output += (position == 0 ? "- " : "  ") + Self.yamlKey(name) + ": " + yamlValue(row, column: index) + "\n"
                }
            }
        }
        return output
    }

    private static func yamlKey(_ name: String) -> String {
        isSafePlain(name) ? name : yamlQuoted(name)
    }

    private func yamlValue(_ row: Row, column: Int) -> String {
        // A reference by label is read as one: the plain label, quoted only where YAML needs it.
        if let label = row.references[column] { return Self.yamlKey(label) }
        return yamlValue(row.values[column], column: column)
    }

    private func yamlValue(_ value: SQLValue, column: Int) -> String {
        let (written, natural): (String, FixtureValue)
        switch value {
        case .null: (written, natural) = ("~", .plain("~"))
        case .integer(let integer): (written, natural) = (String(integer), .plain(String(integer)))
        case .real(let real): (written, natural) = (Self.realText(real), .plain(Self.realText(real)))
        case .text(let text):
            (written, natural) = Self.isSafePlain(text) ? (text, .plain(text)) : (Self.yamlQuoted(text), .quoted(text))
        case .blob(let bytes): (written, natural) = ("!!binary \"\(Data(bytes).base64EncodedString())\"", .binary(bytes))
        }
        // Yams drops U+FEFF from every scalar, escaped or not: such text goes as base64.
        if case .text(let text) = value, text.unicodeScalars.contains("\u{FEFF}") {
            return "!base64text \"" + Data(text.utf8).base64EncodedString() + "\""
        }
        if loadsBack(natural, as: value, column: column) { return written }
        guard let exact = FixtureValue.exactParts(of: value) else { return written }
        return "!" + exact.storageClass + " " + Self.yamlQuoted(exact.text)
    }

    /// Text in YAML double quotes: JSON's escapes, plus the Unicode line breaks YAML would
    /// fold inside quotes.
    static func yamlQuoted(_ text: String) -> String {
        var quoted = jsonString(text)
        for (character, escape) in [("\u{85}", "\\N"), ("\u{2028}", "\\L"), ("\u{2029}", "\\P")]
        where quoted.contains(character) {
            quoted = quoted.replacingOccurrences(of: character, with: escape)
        }
        return quoted
    }

    /// Text YAML reads back as the same text with no quotes: starts with a letter, holds only
    /// letters, digits, spaces and `_ . @ / -`, does not end in a space, and is not a word that
    /// reads as a boolean or null.
    private static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, text.last != " " else { return false }
        let reserved: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "t", "f"]
        if reserved.contains(text.asciiLowercased) { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " _.@/-".unicodeScalars.contains(scalar)
        } && !text.contains("  ") && !text.contains(" -") && !text.contains(" #")
    }

    // MARK: - JSON

    private func json() -> String {
        func object(_ row: Row, indent: String) -> String {
            let members = row.written(columns, omitting: row.label != nil).map { index, name in
                indent + "  " + Self.jsonString(name) + ": "
                    + (row.references[index].map(Self.jsonString) ?? jsonValue(row.values[index], column: index))
            }
            return "{\n" + members.joined(separator: ",\n") + "\n" + indent + "}"
        }
        let labelled = rows.contains { $0.label != nil }
        if rows.isEmpty { return labelled ? "{}\n" : "[]\n" }
        var output = labelled ? "{\n" : "[\n"
        for (index, row) in rows.enumerated() {
            if Self.stops(at: index) { break }
            output += "  " + (row.label.map { Self.jsonString($0) + ": " } ?? "") + object(row, indent: "  ")
            output += index == rows.count - 1 ? "\n" : ",\n"
        }
        return output + (labelled ? "}\n" : "]\n")
    }

    private func jsonValue(_ value: SQLValue, column: Int) -> String {
        let (written, natural): (String, FixtureValue)
        switch value {
        case .null: (written, natural) = ("null", .null)
        case .integer(let integer): (written, natural) = (String(integer), .number(String(integer)))
        case .real(let real): (written, natural) = (Self.realText(real), .number(Self.realText(real)))
        case .text(let text): (written, natural) = (Self.jsonString(text), .quoted(text))
        case .blob(let bytes):
            let base64 = Data(bytes).base64EncodedString()
            (written, natural) = (Self.jsonString(base64), .quoted(base64))
        }
        if loadsBack(natural, as: value, column: column) { return written }
        guard let exact = FixtureValue.exactParts(of: value) else { return written }
        return "{\"$\(exact.storageClass)\": \(Self.jsonString(exact.text))}"
    }

    // MARK: - CSV

    private func csv() -> String {
        let labelled = rows.contains { $0.label != nil }
        var output = ((labelled ? [FixtureReader.labelColumn] : []) + columns).map(Self.csvHeader).joined(separator: ",") + "\n"
        for (index, row) in rows.enumerated() {
            if Self.stops(at: index) { break }
            var fields = labelled ? [Self.csvQuoted(row.label ?? "")] : []
            for (column, value) in row.values.enumerated() {
                fields.append(row.references[column].map(Self.csvQuoted) ?? csvField(value, column: column))
            }
            output += fields.joined(separator: ",") + "\n"
        }
        return output
    }

    private func csvField(_ value: SQLValue, column: Int) -> String {
        let (written, natural): (String, FixtureValue)
        switch value {
        case .null: (written, natural) = ("", .plain(""))
        case .integer(let integer): (written, natural) = (String(integer), .plain(String(integer)))
        case .real(let real): (written, natural) = (Self.realText(real), .plain(Self.realText(real)))
        case .text(let text): (written, natural) = (Self.csvQuoted(text), .quoted(text))
        case .blob(let bytes):
            let base64 = Data(bytes).base64EncodedString()
            (written, natural) = (Self.csvQuoted(base64), .quoted(base64))
        }
        // A text the reader would take for an exact value (`!text:…`) must be written exact too.
        var readsAsExact = false
        if case .quoted(let text) = natural { readsAsExact = FixtureValue.exactCSVField(text) != nil }
        if !readsAsExact, loadsBack(natural, as: value, column: column) { return written }
        guard let exact = FixtureValue.exactParts(of: value) else { return written }
        return Self.csvQuoted("!" + exact.storageClass + ":" + exact.text)
    }

    private static func csvHeader(_ name: String) -> String {
        name.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? csvQuoted(name) : name
    }

    /// Text fields are always quoted: a quoted field is text (an empty one is the empty
    /// string, not NULL).
    private static func csvQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Shared

    /// A real as SQLite's literal writes it (``DatabaseDialect/literal(_:)``): the shortest text
    /// that reads back as the same `Double`, always with a decimal point or exponent, so it
    /// loads back as a real (`30.0`, `1e-05`). NaN, which SQLite cannot store but PostgreSQL
    /// can, is `NaN` (SQLite's literal would be `NULL`, another value).
    static func realText(_ real: Double) -> String {
        real.isNaN ? "NaN" : DatabaseDialect.sqlite.literal(.real(real))
    }

    static func jsonString(_ text: String) -> String {
        var output = ""
        JSONString.write(text, to: &output)
        return output
    }
}
