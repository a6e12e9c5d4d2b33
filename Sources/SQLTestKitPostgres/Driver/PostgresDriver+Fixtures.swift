#if PostgreSQL
import PostgresNIO
import SQLTestKit

extension PostgresDriver.Connection: CatalogProviding, BatchRunning {
    /// PostgreSQL's catalog, for fixtures, `check`, `dump` and the assertions.
    package var catalog: any DatabaseCatalog { PostgresCatalog(server: driver.configuration) }

    /// Rows per batch of a fixture load, each one `COPY` and two savepoint round trips: the
    /// 100k-row CSV benchmark went from 3.32× to 2.69× `COPY` of the same rows with 5,000.
    package var preferredBatchSize: Int { 5000 }

    /// A fixture load's rows: the whole batch through one `COPY … FROM STDIN` (text format:
    /// the column decides each value's type, as for a literal). A batch the server refuses, or
    /// a statement COPY cannot take (`DEFAULT VALUES`, names with `"`), goes row by row, each
    /// row in a savepoint of its own with untyped values, so every refused row is found and
    /// the others go in.
    ///
    /// COPY, measured on the 100k-row CSV benchmark (release build): multi-row INSERTs took
    /// several times as long as `COPY` of the same rows, over the ≤ 3× target; COPY itself is
    /// the physical limit that target is set against.
    nonisolated(nonsending)
    package func runBatch(_ sql: String, rows: [ArraySlice<SQLValue?>]) async throws -> [(Int, QueryError)] {
        let shape = Self.insertShape(of: sql)
        if rows.count > 1, let target = shape?.copyTarget {
            _ = try await send(SQLQuery(sql: "SAVEPOINT sqltestkit_batch"))
            do {
                try await copy(rows[...], into: target)
                _ = try await send(SQLQuery(sql: "RELEASE SAVEPOINT sqltestkit_batch"))
                return []
            } catch {
                _ = try await send(SQLQuery(sql: "ROLLBACK TO SAVEPOINT sqltestkit_batch"))
                _ = try await send(SQLQuery(sql: "RELEASE SAVEPOINT sqltestkit_batch"))
            }
        }
        // A fixture sets keys itself, `GENERATED ALWAYS` identity columns included (COPY
        // writes them as given; an INSERT must say so, and saying so changes nothing elsewhere).
        let bytes = Array(sql.utf8)
        let insert = shape.map { shape in
            String(decoding: bytes[..<shape.valuesOffset], as: UTF8.self) + "OVERRIDING SYSTEM VALUE "
                + String(decoding: bytes[shape.valuesOffset...], as: UTF8.self)
        } ?? sql
        var failures: [(Int, QueryError)] = []
        for index in rows.indices {
            _ = try await send(SQLQuery(sql: "SAVEPOINT sqltestkit_batch"))
            do {
                _ = try await send(SQLQuery(sql: insert), bindings: PostgresArgument.untypedBindings(for: rows[index].compactMap { $0 }))
            } catch let error as QueryError {
                failures.append((index, error))
                _ = try await send(SQLQuery(sql: "ROLLBACK TO SAVEPOINT sqltestkit_batch"))
            }
            _ = try await send(SQLQuery(sql: "RELEASE SAVEPOINT sqltestkit_batch"))
        }
        return failures
    }

    /// Sends rows through `COPY table (columns) FROM STDIN` in text format.
    nonisolated(nonsending)
    private func copy(_ rows: ArraySlice<ArraySlice<SQLValue?>>, into target: (table: String, columns: [String])) async throws {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * target.columns.count * 12)
        for row in rows {
            var first = true
            for value in row {
                guard let value else { continue }
                if !first { buffer.writeInteger(UInt8(ascii: "\t")) }
                first = false
                Self.writeCopyField(value, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        try await session.copyFrom(table: target.table, columns: target.columns, logger: PostgresDriver.logger) { writer in
            try await writer.write(buffer)
        }
    }

    /// One value in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage
    /// return escaped; bytes as `\\x…` (bytea's hex input, its backslash escaped).
    static func writeCopyField(_ value: SQLValue, into buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeString("\\N")
        case .integer(let integer): buffer.writeString(String(integer))
        case .real(let real): buffer.writeString(PostgresArgument.text(of: real))
        case .text(let text):
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeString("\\t")
                case UInt8(ascii: "\n"): buffer.writeString("\\n")
                case UInt8(ascii: "\r"): buffer.writeString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        case .blob(let bytes):
            buffer.writeString("\\\\x")
            let digits = Array("0123456789abcdef".utf8)
            for byte in bytes {
                buffer.writeInteger(digits[Int(byte >> 4)])
                buffer.writeInteger(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// The table and columns of the loader's `INSERT INTO "t" ("a", "b") VALUES (…)` and where
    /// its `VALUES` starts; the target is `nil` for names COPY's quoting cannot take, and the
    /// whole shape for any other statement.
    static func insertShape(of sql: String) -> (copyTarget: (table: String, columns: [String])?, valuesOffset: Int)? {
        let tokens = SQLTokenizer.tokenize(sql, dialect: .postgres).filter(\.isSignificant)
        guard tokens.count > 4, tokens[0].text.uppercased() == "INSERT", tokens[1].text.uppercased() == "INTO",
              let table = tokens[2].identifierName, tokens[3].text == "(" else { return nil }
        var columns: [String] = []
        var index = 4
        while index < tokens.count, tokens[index].text != ")" {
            if let name = tokens[index].identifierName, tokens[index].kind == .quotedIdentifier || tokens[index].kind == .word { columns.append(name) }
            index += 1
        }
        guard !columns.isEmpty, index + 1 < tokens.count, tokens[index + 1].text.uppercased() == "VALUES" else { return nil }
        let copyable = !([table] + columns).contains(where: { $0.contains("\"") })
        return (copyable ? (table, columns) : nil, tokens[index + 1].offset)
    }
}
#endif
