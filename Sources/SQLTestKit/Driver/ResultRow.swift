/// One row of a result: its values in column order, readable by column name or index.
///
/// ```swift
/// let row = try await db.fetchOne("SELECT id, title FROM book WHERE id = \(1)")!
/// row["title"]                              // Optional(.text("Dune"))
/// row[0]                                    // .integer(1)
/// let title: String = try row.decode("title")
/// let book = try row.decode(Book.self)      // any Decodable whose keys are column names
/// ```
public struct ResultRow: Sendable {
    /// The values of the row's part of the result, row after row, shared by the rows of that
    /// part: one allocation for a few hundred rows (the SQLite driver's chunks) instead of one
    /// per row.
    @usableFromInline let storage: ResultStorage
    @usableFromInline let offset: Int

    /// The result's column names, shared by every row of one result.
    public var columns: ResultColumns { storage.columns }

    /// The values, in column order.
    public var values: [SQLValue] { Array(storage.values[offset..<offset + storage.columns.count]) }

    /// A row from column names and values of the same count.
    public init(columns: ResultColumns, values: [SQLValue]) {
        precondition(columns.count == values.count, "a row needs one value per column (\(columns.count) columns, \(values.count) values)")
        self.storage = ResultStorage(columns: columns, values: values)
        self.offset = 0
    }

    init(storage: ResultStorage, offset: Int) {
        self.storage = storage
        self.offset = offset
    }

    /// Rows over `values`, which holds `columns.count` values per row, row after row.
    package static func rows(columns: ResultColumns, values: [SQLValue]) -> [ResultRow] {
        let width = columns.count
        guard width > 0 else { return [] }
        let storage = ResultStorage(columns: columns, values: values)
        return stride(from: 0, to: values.count, by: width).map { ResultRow(storage: storage, offset: $0) }
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
    @inlinable
    public subscript(index: Int) -> SQLValue {
        precondition(index >= 0 && index < storage.columns.count, "column index \(index) out of range; the row has \(storage.columns.count) columns")
        return storage.values[offset + index]
    }

    /// The value of the named column, or `nil` when the row has no such column. Names match
    /// exactly first, then ignoring ASCII case, as SQL column names do.
    public subscript(column: String) -> SQLValue? {
        columns.index(of: column).map { self[$0] }
    }

    /// The named column converted to `Value`.
    ///
    /// Throws ``RowDecodingError`` naming the column when there is no such column or its
    /// value does not convert (with the value, its storage class and the wanted type).
    /// Inlinable, so the conversion is specialized where it is called: unspecialized, a
    /// generic call across modules cost more than the lookup itself (join read by name: see
    /// Benchmarks.md).
    @inlinable
    public func decode<Value: SQLValueConvertible>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        let value = try value(named: column)
        guard let converted = Value(sqlValue: value) else { throw mismatch(column: column, value: value, wanted: Value.self) }
        return converted
    }

    /// The named column's value, or ``RowDecodingError`` when there is no such column.
    @inlinable
    func value(named column: String) throws -> SQLValue {
        guard let index = storage.columns.index(of: column) else { throw missingColumn(column) }
        return self[index]
    }

    /// The error for a column the row does not have.
    @usableFromInline
    func missingColumn(_ column: String) -> RowDecodingError {
        RowDecodingError.missingColumn(column, in: self)
    }

    /// The error for a value of `column` that does not convert to `wanted`.
    @usableFromInline
    func mismatch(column: String, value: SQLValue, wanted: Any.Type) -> RowDecodingError {
        let name = columns.index(of: column).map { columns.names[$0] } ?? column
        return RowDecodingError.mismatch(column: name, value: value, wanted: wanted, in: self)
    }

    /// The columns as a dictionary (the first value wins when names repeat).
    public var dictionary: [String: SQLValue] {
        var result: [String: SQLValue] = [:]
        for (index, name) in columns.names.enumerated() where result[name] == nil {
            let value = self[index]
            result[name] = value
        }
        return result
    }
}

extension ResultRow: Hashable {
    public static func == (lhs: ResultRow, rhs: ResultRow) -> Bool {
        lhs.columns == rhs.columns && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(columns)
        for index in 0..<columns.count { hasher.combine(self[index]) }
    }
}

extension ResultRow: CustomStringConvertible {
    /// `[id: 1, title: 'Dune']`
    public var description: String {
        "[" + columns.names.enumerated().map { "\($1): \(self[$0])" }.joined(separator: ", ") + "]"
    }
}

/// The flat value buffer behind a result's rows.
@usableFromInline
final class ResultStorage: Sendable {
    @usableFromInline let columns: ResultColumns
    @usableFromInline let values: [SQLValue]

    init(columns: ResultColumns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }
}
