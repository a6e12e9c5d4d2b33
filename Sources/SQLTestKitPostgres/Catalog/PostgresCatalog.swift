#if PostgreSQL
import Foundation
import SQLTestKit

/// PostgreSQL's catalog (`pg_catalog`), for fixtures, `check`, `dump` and the assertions: the
/// tables of the schemas on the search path, their columns (types, NOT NULL, defaults, serial
/// and identity sequences), primary keys and foreign keys (single and composite, deferrable or
/// not).
///
/// SQLTestKit's marker on a database it created is its comment,
/// `PostgresCatalog.testDatabaseMarker`.
package struct PostgresCatalog: DatabaseCatalog {
    /// The server, for databases of its own (`changes(in:)`'s baseline); `nil`: none.
    let server: PostgresDriver.Configuration?

    package init(server: PostgresDriver.Configuration? = nil) {
        self.server = server
    }

    /// A boolean as text (`true`/`false`): PostgreSQL has no cast from `bigint` to `boolean`,
    /// and reads untyped text as the column's type. Every other value binds as it is.
    package func insertArgument(_ value: SQLValue, into column: SchemaInfo.Column) -> SQLValue {
        if column.kind == .boolean, case .integer(let flag) = value { return .text(flag == 0 ? "false" : "true") }
        return value
    }

    /// The comment SQLTestKit puts on every database it creates (`COMMENT ON DATABASE`), so
    /// destructive operations know it is a test database whatever its name.
    package static let testDatabaseMarker = "sqltestkit test database"

    /// The user's tables: ordinary and partitioned tables of the schemas on the search path.
    static let visibleTablesSQL = """
        SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = ANY (pg_catalog.current_schemas(false))
        """

    static func columnNamesQuery(tables: [String]) -> SQLQuery {
        SQLQuery(sql: """
            SELECT DISTINCT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname IN (\(tables.map { _ in "?" }.joined(separator: ", ")))
            """, arguments: tables.map { .text($0) })
    }

    /// The tables fixtures and dumps work on: ordinary and partitioned (not partitions) of the
    /// schemas on the search path, oldest first.
    static let tablesSQL = """
        SELECT c.oid::int8, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY (pg_catalog.current_schemas(false))
        ORDER BY c.oid
        """

    private static let columnsSQL = """
        SELECT a.attrelid::int8, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typname, t.typcategory::text,
               a.attnotnull, a.atthasdef OR a.attidentity <> '', a.attgenerated <> '',
               pg_catalog.pg_get_serial_sequence(pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), a.attname)
        FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (pg_catalog.current_schemas(false)) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """

    private static let primaryKeysSQL = """
        SELECT con.conrelid::int8, a.attname, k.position::int8
        FROM pg_catalog.pg_constraint con
        CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        WHERE con.contype = 'p'
        """

    private static let foreignKeysSQL = """
        SELECT con.oid::int8, con.conrelid::int8, parent.relname, a.attname, pa.attname, con.condeferrable
        FROM pg_catalog.pg_constraint con
        CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, parent_attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        JOIN pg_catalog.pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_attnum
        JOIN pg_catalog.pg_class parent ON parent.oid = con.confrelid
        WHERE con.contype = 'f'
        ORDER BY con.conrelid, con.conname, k.position
        """

    nonisolated(nonsending)
    package func schema(of db: any DatabaseConnection) async throws -> SchemaInfo {
        var names: [Int64: String] = [:]
        var order: [Int64] = []
        for row in try await db.fetchAll(SQLQuery(sql: Self.tablesSQL)) {
            guard let oid = row[0].integerValue, let name = row[1].textValue else { continue }
            names[oid] = name
            order.append(oid)
        }
        var keyPositions: [Int64: [String: Int]] = [:]
        for row in try await db.fetchAll(SQLQuery(sql: Self.primaryKeysSQL)) {
            guard let oid = row[0].integerValue, let column = row[1].textValue, let position = row[2].integerValue else { continue }
            keyPositions[oid, default: [:]][column] = Int(position)
        }
        var columns: [Int64: [SchemaInfo.Column]] = [:]
        for row in try await db.fetchAll(SQLQuery(sql: Self.columnsSQL)) {
            guard let oid = row[0].integerValue, names[oid] != nil, let name = row[1].textValue else { continue }
            let declared = row[2].textValue ?? ""
            columns[oid, default: []].append(SchemaInfo.Column(
                name: name, declaredType: declared,
                kind: Self.kind(typeName: row[3].textValue ?? "", category: row[4].textValue ?? ""),
                notNull: row[5].integerValue == 1, hasDefault: row[6].integerValue == 1,
                primaryKeyPosition: keyPositions[oid]?[name] ?? 0, isGenerated: row[7].integerValue == 1,
                sequence: row[8].textValue))
            columns[oid]![columns[oid]!.count - 1].integerMaximum = Self.integerMaximum(typeName: row[3].textValue ?? "")
        }
        var foreignKeys: [Int64: [SchemaInfo.ForeignKey]] = [:]
        var lastConstraint: Int64?
        for row in try await db.fetchAll(SQLQuery(sql: Self.foreignKeysSQL)) {
            guard let constraint = row[0].integerValue, let oid = row[1].integerValue, names[oid] != nil,
                  let parent = row[2].textValue, let column = row[3].textValue, let parentColumn = row[4].textValue else { continue }
            if constraint != lastConstraint {
                foreignKeys[oid, default: []].append(SchemaInfo.ForeignKey(columns: [], parentTable: parent, parentColumns: []))
                lastConstraint = constraint
            }
            let index = foreignKeys[oid]!.count - 1
            foreignKeys[oid]![index].columns.append(column)
            foreignKeys[oid]![index].parentColumns.append(parentColumn)
        }
        let tables = order.map { oid in
            var table = SchemaInfo.Table(name: names[oid]!, columns: columns[oid] ?? [], foreignKeys: foreignKeys[oid] ?? [])
            table.hasRowid = false
            return table
        }
        return SchemaInfo(tables: tables)
    }

    /// The largest value of PostgreSQL's integer types narrower than `bigint`.
    static func integerMaximum(typeName: String) -> Int64? {
        switch typeName {
        case "int2": Int64(Int16.max)
        case "int4": Int64(Int32.max)
        default: nil
        }
    }

    /// A column's kind from its type, for fixture values (`true` into `boolean`, dates into
    /// `date` and `timestamptz`, labels into `uuid`).
    static func kind(typeName: String, category: String) -> ColumnKind {
        switch typeName {
        case "int2", "int4", "int8", "oid": return .integer
        case "float4", "float8": return .real
        case "numeric", "money": return .numeric
        case "bool": return .boolean
        case "date": return .date
        case "timestamp", "timestamptz": return .dateTime
        case "time", "timetz": return .time
        case "json", "jsonb": return .json
        case "uuid": return .uuid
        case "bytea": return .blob
        default: return category == "A" ? .array : category == "S" || category == "E" ? .text : .any
        }
    }

    nonisolated(nonsending)
    package func hasTables(_ db: any DatabaseConnection) async throws -> Bool {
        try await db.fetchOne(SQLQuery(sql: Self.tablesSQL + " LIMIT 1")) != nil
    }

    /// Drops the schemas on the search path with everything in them, then creates them again,
    /// empty (inside the caller's transaction, so a failed load keeps even the old schema).
    nonisolated(nonsending)
    package func dropEverything(on db: any DatabaseConnection) async throws {
        let schemas = try await db.fetchAll(SQLQuery(sql: "SELECT unnest(pg_catalog.current_schemas(false))")).compactMap { $0[0].textValue }
        for schema in schemas {
            let quoted = DatabaseDialect.postgres.quoteIdentifier(schema)
            try await db.execute(SQLQuery(sql: "DROP SCHEMA \(quoted) CASCADE"))
            try await db.execute(SQLQuery(sql: "CREATE SCHEMA \(quoted)"))
        }
    }

    nonisolated(nonsending)
    package func checkIsTestDatabase(_ db: any DatabaseConnection, operation: String, overrideHint: String) async throws {
        let row = try await db.fetchOne(SQLQuery(sql: """
            SELECT d.datname::text, pg_catalog.shobj_description(d.oid, 'pg_database')
            FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
            """))
        let name = row?[0].textValue ?? ""
        if row?[1].textValue == Self.testDatabaseMarker || TestDatabasePolicy.nameSaysTest(name) { return }
        throw NotATestDatabaseError(
            operation: operation, location: "the PostgreSQL database `\(name)`",
            reason: "SQLTestKit did not create it (it has no `\(Self.testDatabaseMarker)` comment) and its name does not say it is a test database",
            howToOverride: "Nothing was changed. To go ahead anyway, \(overrideHint); or use a database whose name has the word `test` in it (like `\(name)_test`), or a PostgresTemplate, which creates a marked database per test.")
    }

    nonisolated(nonsending)
    package func deferForeignKeys(on db: any DatabaseConnection) async throws -> DeferredForeignKeys {
        // Deferrable keys wait for the end of the load, where they are checked; the others are
        // satisfied by the dependency order the loader inserts in. They are named, not `ALL`:
        // `SET CONSTRAINTS ALL IMMEDIATE` would also run the commit guard's deferred trigger,
        // armed in every test transaction, and fail a load made inside one. The guard lives
        // outside the schemas in use, so it is not among them.
        let names = try await db.fetchAll(SQLQuery(sql: """
            SELECT DISTINCT pg_catalog.format('%I.%I', n.nspname, c.conname)
            FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
            WHERE c.condeferrable AND n.nspname = ANY (pg_catalog.current_schemas(false)) ORDER BY 1
            """)).compactMap { $0[0].textValue }
        guard !names.isEmpty else { return DeferredForeignKeys(restore: nil) }
        let list = names.joined(separator: ", ")
        try await db.execute(SQLQuery(sql: "SET CONSTRAINTS \(list) DEFERRED"))
        return DeferredForeignKeys(restore: SQLQuery(sql: "SET CONSTRAINTS \(list) IMMEDIATE"))
    }

    nonisolated(nonsending)
    package func foreignKeyViolations(on db: any DatabaseConnection, tables: [SchemaInfo.Table], limit: Int) async throws -> [ForeignKeyViolation] {
        let quote = DatabaseDialect.postgres.quoteIdentifier
        var found: [ForeignKeyViolation] = []
        for table in tables {
            let key = table.primaryKey.map { "c." + quote($0.name) }
            for (index, foreignKey) in table.foreignKeys.enumerated() where found.count < limit {
                let given = foreignKey.columns.map { "c.\(quote($0)) IS NOT NULL" }.joined(separator: " AND ")
                let matches = zip(foreignKey.columns, foreignKey.parentColumns).map { "p.\(quote($1)) = c.\(quote($0))" }.joined(separator: " AND ")
                let rows = try await db.fetchAll(SQLQuery(sql: """
                    SELECT \(key.isEmpty ? "1" : key.joined(separator: ", ")) FROM \(quote(table.name)) c
                    WHERE \(given) AND NOT EXISTS (SELECT 1 FROM \(quote(foreignKey.parentTable)) p WHERE \(matches))
                    LIMIT \(limit - found.count)
                    """))
                found += rows.map { row in
                    ForeignKeyViolation(table: table.name, primaryKey: key.isEmpty ? nil : row.values,
                                        parentTable: foreignKey.parentTable, foreignKeyIndex: index)
                }
            }
        }
        return found
    }

    nonisolated(nonsending)
    package func advanceSequences(on db: any DatabaseConnection, tables: [SchemaInfo.Table]) async throws {
        let quote = DatabaseDialect.postgres.quoteIdentifier
        for table in tables {
            for column in table.columns {
                guard let sequence = column.sequence, column.kind == .integer else { continue }
                // Past the largest value, or back to the start for an empty table.
                try await db.execute(SQLQuery(sql: """
                    SELECT pg_catalog.setval(?::regclass, COALESCE(max(\(quote(column.name))), 1), max(\(quote(column.name))) IS NOT NULL)
                    FROM \(quote(table.name))
                    """, arguments: [.text(sequence)]))
            }
        }
    }

    nonisolated(nonsending)
    package func creationScript(of db: any DatabaseConnection, tables: Set<String>?) async throws -> String {
        try await PostgresSchemaScript.script(of: db, tables: tables)
    }

    /// A new database on the same server (marked, dropped afterwards) with `db`'s tables
    /// made from the catalog (`creationScript(of:tables:)`).
    nonisolated(nonsending)
    package func withEmptyCopy<Result>(of db: any DatabaseConnection, _ body: (any DatabaseConnection) async throws -> Result) async throws -> Result {
        guard let server else {
            throw TemplateError(message: "this PostgreSQL connection cannot make a database to compare with", suggestion: "use a connection opened by PostgresDriver")
        }
        let script = try await creationScript(of: db, tables: nil)
        let name = "sqltestkit_scratch_\(UUID().uuidString.prefix(12).lowercased().replacing("-", with: ""))"
        try await PostgresTemplate.onServer(server) { try await PostgresTemplate.createMarkedDatabase(name, on: $0) }
        do {
            let result = try await PostgresDriver(configuration: server.database(name)).open().closing { copy in
                try await copy.executeScript(script)
                return try await body(copy)
            }
            try await PostgresTemplate.drop(name, on: server)
            return result
        } catch {
            try? await PostgresTemplate.drop(name, on: server)
            throw error
        }
    }
}
#endif
