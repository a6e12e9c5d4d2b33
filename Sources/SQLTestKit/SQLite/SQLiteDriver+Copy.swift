import Foundation

extension SQLiteDriver.Connection {
    /// Writes the database as this connection sees it — uncommitted changes of an open
    /// transaction included — to a new SQLite file at `path` (replaced if it exists): the
    /// tables with their rows, `sqlite_sequence`, then indexes, triggers and views, and
    /// `PRAGMA user_version`. The file is written under a temporary name and renamed when
    /// complete, so a copy that fails leaves nothing at `path`.
    ///
    /// SQLite's own copiers cannot do this: `VACUUM INTO` and `ATTACH` refuse to run inside a
    /// transaction, the backup API waits for the write transaction to end, and
    /// `sqlite3_serialize` returns the database as last committed. Rows are copied by their
    /// visible columns (a table without an `INTEGER PRIMARY KEY` gets new rowids); `TEMP`
    /// tables are not copied.
    ///
    /// ```swift
    /// try await db.writeCopy(toFile: "failed/deletesAReview.sqlite")
    /// ```
    nonisolated(nonsending)
    public func writeCopy(toFile path: String) async throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let partial = path + ".partial"
        for leftover in [partial, partial + "-journal"] where manager.fileExists(atPath: leftover) {
            try manager.removeItem(atPath: leftover)
        }
        // A plain connection: rollback journal (one file at the end), foreign keys off while
        // rows go in before the rows they reference.
        let configuration = SQLiteDriver.Configuration()
        let copy = SQLiteDriver.Connection(handle: try SQLiteHandle.open(partial, configuration: configuration, foreignKeys: false),
                                           cacheCapacity: 16, capability: configuration.capability)
        do {
            try await copyContents(into: copy)
            await copy.close()
            for old in [path, path + "-journal", path + "-wal", path + "-shm"] where manager.fileExists(atPath: old) {
                try manager.removeItem(atPath: old)
            }
            try manager.moveItem(atPath: partial, toPath: path)
        } catch {
            await copy.close()
            try? manager.removeItem(atPath: partial)
            try? manager.removeItem(atPath: partial + "-journal")
            throw error
        }
    }

    nonisolated(nonsending)
    private func copyContents(into copy: SQLiteDriver.Connection) async throws {
        let entries = try await fetchAll(SQLQuery(sql: """
            SELECT type, name, sql FROM main.sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
            """)).map { (type: $0[0].textValue ?? "", name: $0[1].textValue ?? "", sql: $0[2].textValue ?? "") }
        // Tables a virtual table keeps its data in are made again by its CREATE VIRTUAL TABLE.
        let shadows = Set((try? await fetchAll(SQLQuery(sql: "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'")))?
            .compactMap { $0[0].textValue } ?? [])
        let tables = entries.filter { $0.type == "table" && !shadows.contains($0.name) }
        let quote = DatabaseDialect.sqlite.quoteIdentifier
        // The fixture loader's batch path: one prepared statement for every row.
        func insert(_ rows: [ResultRow], with sql: String) async throws {
            if let (_, error) = try await copy.runBatch(sql, rows: rows.map { ArraySlice($0.values.map(Optional.some)) }).first {
                throw error
            }
        }
        try await copy.transaction { _ in
            for table in tables { try await copy.execute(SQLQuery(sql: table.sql)) }
            for table in tables {
                let columns = try await fetchAll(SQLQuery(sql: "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid",
                                                          arguments: [.text(table.name)])).compactMap { $0[0].textValue }
                guard !columns.isEmpty else { continue }
                let list = columns.map(quote).joined(separator: ", ")
                let rows = try await fetchAll(SQLQuery(sql: "SELECT \(list) FROM main.\(quote(table.name))"))
                try await insert(rows, with: "INSERT INTO \(quote(table.name)) (\(list)) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
            }
            if try await fetchOne(SQLQuery(sql: "SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'")) != nil,
               try await copy.fetchOne(SQLQuery(sql: "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")) != nil {
                try await copy.execute(SQLQuery(sql: "DELETE FROM sqlite_sequence"))
                try await insert(try await fetchAll(SQLQuery(sql: "SELECT name, seq FROM main.sqlite_sequence")),
                                 with: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)")
            }
            for entry in entries where entry.type != "table" { try await copy.execute(SQLQuery(sql: entry.sql)) }
            let version = try await fetchOne(SQLQuery(sql: "PRAGMA main.user_version"))?[0].integerValue ?? 0
            if version != 0 { try await copy.execute(SQLQuery(sql: "PRAGMA user_version = \(version)")) }
        }
    }
}
