/// One row of a result: its values in column order, readable by column name or index.
///
/// ```swift
/// let row = try await db.fetchOne("SELECT id, title FROM book WHERE id = \(1)")!
/// row["title"]                              // Optional(.text("Dune"))
/// row[0]                                    // .integer(1)
/// let title: String = try row.decode("title")
/// let book = try row.decode(Book.self)      // any Decodable whose keys are column names
/// ```
public struct ResultRow: Sendable, Hashable {
    /// The result's column names, shared by every row of one result.
    public let columns: ResultColumns
    /// The values, in column order.
    public let values: [SQLValue]

    /// A row from column names and values of the same count.
    public init(columns: ResultColumns, values: [SQLValue]) {
        precondition(columns.count == values.count, "a row needs one value per column (\(columns.count) columns, \(values.count) values)")
        self.columns = columns
        self.values = values
    }

    /// A row from name–value pairs, in order (handy for scripted answers and tests).
    ///
    /// ```swift
    /// let row = ResultRow(["id": 5, "name": "Joe"])
    /// ```
    public init(_ pairs: KeyValuePairs<String, SQLValue>) {
        self.init(columns: ResultColumns(pairs.map(\.key)), values: pairs.map(\.value))
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.names }

    /// The value at a column index.
    public subscript(index: Int) -> SQLValue { values[index] }

    /// The value of the named column, or `nil` when the row has no such column. Names match
    /// exactly first, then ignoring ASCII case, as SQL column names do.
    public subscript(column: String) -> SQLValue? {
        columns.index(of: column).map { values[$0] }
    }

    /// The named column converted to `Value`.
    ///
    /// Throws ``RowDecodingError`` naming the column when there is no such column or its
    /// value does not convert (with the value, its storage class and the wanted type).
    public func decode<Value: SQLValueConvertible>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        guard let index = columns.index(of: column) else {
            throw RowDecodingError.missingColumn(column, in: self)
        }
        let value = values[index]
        guard let converted = Value(sqlValue: value) else {
            throw RowDecodingError.mismatch(column: columns.names[index], value: value, wanted: Value.self, in: self)
        }
        return converted
    }

    /// The columns as a dictionary (the first value wins when names repeat).
    public var dictionary: [String: SQLValue] {
        var result: [String: SQLValue] = [:]
        for (name, value) in zip(columns.names, values) where result[name] == nil {
            result[name] = value
        }
        return result
    }
}

extension ResultRow: CustomStringConvertible {
    /// `[id: 1, title: 'Dune']`
    public var description: String {
        "[" + zip(columns.names, values).map { "\($0): \($1)" }.joined(separator: ", ") + "]"
    }
}

/// The ordered column names of a result, with a lookup table built once and shared by all of
/// its rows.
public final class ResultColumns: Sendable, Hashable {
    /// The names in order.
    public let names: [String]
    private let exact: [String: Int]
    private let folded: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if exact[name] == nil { exact[name] = index }
            let key = name.asciiLowercased
            if folded[key] == nil { folded[key] = index }
        }
        self.exact = exact
        self.folded = folded
    }

    /// How many columns.
    public var count: Int { names.count }

    /// The index of a column: exact name first, then ignoring ASCII case.
    public func index(of name: String) -> Int? {
        exact[name] ?? folded[name.asciiLowercased]
    }

    public static func == (lhs: ResultColumns, rhs: ResultColumns) -> Bool {
        lhs === rhs || lhs.names == rhs.names
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
    }
}

extension String {
    /// Lowercases ASCII letters only, as SQL identifier comparison does.
    var asciiLowercased: String {
        guard utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
