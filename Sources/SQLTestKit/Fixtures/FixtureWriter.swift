import Foundation

/// Writes one table's rows as a fixture file that loads back into the same values: the
/// inverse of ``FixtureReader``. Text is quoted wherever a plain form could be read as
/// something else, reals keep a decimal point or exponent, NULL is `~` (YAML), `null` (JSON) or
/// an empty unquoted field (CSV), and blobs are `!!binary` (YAML) or base64 text.
struct FixtureWriter {
    /// One row: its label (none for tables without a single-column key) and its values.
    struct Row {
        var label: String?
        var values: [SQLValue]
    }

    var table: String
    var columns: [String]
    var rows: [Row]

    func render(_ format: FixtureFile.Format) -> String {
        switch format {
        case .yaml: yaml()
        case .json: json()
        case .csv: csv()
        case .sql: ""
        }
    }

    // MARK: - YAML

    private func yaml() -> String {
        var output = "# \(table): \(rows.count) row\(rows.count == 1 ? "" : "s"), written by sqltestkit dump\n"
        if rows.isEmpty { return output + "[]\n" }
        for row in rows {
            if let label = row.label {
                output += Self.yamlKey(label) + ":\n"
                for (column, value) in zip(columns, row.values) {
                    output += "  " + Self.yamlKey(column) + ": " + Self.yamlValue(value) + "\n"
                }
            } else {
                for (index, (column, value)) in zip(columns, row.values).enumerated() {
                    output += (index == 0 ? "- " : "  ") + Self.yamlKey(column) + ": " + Self.yamlValue(value) + "\n"
                }
            }
        }
        return output
    }

    private static func yamlKey(_ name: String) -> String {
        isSafePlain(name) ? name : jsonString(name)
    }

    private static func yamlValue(_ value: SQLValue) -> String {
        switch value {
        case .null: "~"
        case .integer(let integer): String(integer)
        case .real(let real): realText(real)
        case .text(let text): isSafePlain(text) ? text : jsonString(text)
        case .blob(let bytes): "!!binary \"\(Data(bytes).base64EncodedString())\""
        }
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
        func object(_ values: [SQLValue], indent: String) -> String {
            var output = "{\n"
            for (index, (column, value)) in zip(columns, values).enumerated() {
                output += indent + "  " + Self.jsonString(column) + ": " + Self.jsonValue(value)
                output += index == columns.count - 1 ? "\n" : ",\n"
            }
            return output + indent + "}"
        }
        let labelled = rows.contains { $0.label != nil }
        if rows.isEmpty { return labelled ? "{}\n" : "[]\n" }
        var output = labelled ? "{\n" : "[\n"
        for (index, row) in rows.enumerated() {
            output += "  " + (row.label.map { Self.jsonString($0) + ": " } ?? "") + object(row.values, indent: "  ")
            output += index == rows.count - 1 ? "\n" : ",\n"
        }
        return output + (labelled ? "}\n" : "]\n")
    }

    private static func jsonValue(_ value: SQLValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let integer): String(integer)
        case .real(let real): realText(real)
        case .text(let text): jsonString(text)
        case .blob(let bytes): jsonString(Data(bytes).base64EncodedString())
        }
    }

    // MARK: - CSV

    private func csv() -> String {
        let labelled = rows.contains { $0.label != nil }
        var output = ((labelled ? [FixtureReader.labelColumn] : []) + columns).map(Self.csvHeader).joined(separator: ",") + "\n"
        for row in rows {
            var fields = labelled ? [Self.csvQuoted(row.label ?? "")] : []
            for value in row.values {
                switch value {
                case .null: fields.append("")
                case .integer(let integer): fields.append(String(integer))
                case .real(let real): fields.append(Self.realText(real))
                case .text(let text): fields.append(Self.csvQuoted(text))
                case .blob(let bytes): fields.append(Self.csvQuoted(Data(bytes).base64EncodedString()))
                }
            }
            output += fields.joined(separator: ",") + "\n"
        }
        return output
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
    /// loads back as a real (`30.0`, `1e-05`).
    static func realText(_ real: Double) -> String {
        DatabaseDialect.sqlite.literal(.real(real))
    }

    static func jsonString(_ text: String) -> String {
        var output = ""
        FixtureValue.writeJSONString(text, to: &output)
        return output
    }
}
