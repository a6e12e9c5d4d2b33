#if PostgreSQL
import SQLTestKit

/// The statements that make a PostgreSQL schema, read back from the catalog for
/// `sqltestkit dump`: first what the tables need — the extensions installed, enum types,
/// domains, and sequences no column owns (with their current value) — then the tables:
/// columns with their types, defaults, identity and serial numbering, NOT NULL; primary keys,
/// unique and check constraints; foreign keys (after every table, so order and cycles do not
/// matter); other indexes. Enough to load the dump into an empty database; not a replacement
/// for `pg_dump` (no functions, triggers, views, composite types or grants).
enum PostgresSchemaScript {
    /// Objects an extension made are left to its `CREATE EXTENSION`.
    private static let notFromAnExtension = """
        NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.objid = t.oid AND dep.deptype = 'e')
        """

    private static let extensionsSQL = "SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY extname"

    private static let enumsSQL = """
        SELECT t.typname, string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = ANY (pg_catalog.current_schemas(false)) AND \(notFromAnExtension)
        GROUP BY t.oid, t.typname ORDER BY t.oid
        """

    private static let domainsSQL = """
        SELECT t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
               (SELECT string_agg(pg_catalog.pg_get_constraintdef(c.oid), ' ' ORDER BY c.conname)
                FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c')
        FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'd' AND n.nspname = ANY (pg_catalog.current_schemas(false)) AND \(notFromAnExtension)
        ORDER BY t.oid
        """

    /// Sequences no column owns (serial and identity columns make their own).
    private static let sequencesSQL = """
        SELECT t.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcycle,
               ps.last_value
        FROM pg_catalog.pg_class t
        JOIN pg_catalog.pg_sequence s ON s.seqrelid = t.oid
        JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_catalog.pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = t.relname
        WHERE t.relkind = 'S' AND n.nspname = ANY (pg_catalog.current_schemas(false))
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.objid = t.oid AND dep.deptype IN ('a', 'i', 'e'))
        ORDER BY t.oid
        """

    /// What the tables need, in the order it must be made.
    nonisolated(nonsending)
    private static func prerequisites(of db: any DatabaseConnection) async throws -> [String] {
        let quote = DatabaseDialect.postgres.quoteIdentifier
        var statements: [String] = []
        for row in try await db.fetchAll(SQLQuery(sql: extensionsSQL)) {
            guard let name = row[0].textValue else { continue }
            statements.append("CREATE EXTENSION IF NOT EXISTS \(quote(name));")
        }
        for row in try await db.fetchAll(SQLQuery(sql: enumsSQL)) {
            guard let name = row[0].textValue else { continue }
            statements.append("CREATE TYPE \(quote(name)) AS ENUM (\(row[1].textValue ?? ""));")
        }
        for row in try await db.fetchAll(SQLQuery(sql: domainsSQL)) {
            guard let name = row[0].textValue, let base = row[1].textValue else { continue }
            var line = "CREATE DOMAIN \(quote(name)) AS \(base)"
            if let value = row[3].textValue { line += " DEFAULT \(value)" }
            if row[2].integerValue == 1 { line += " NOT NULL" }
            if let checks = row[4].textValue { line += " " + checks }
            statements.append(line + ";")
        }
        for row in try await db.fetchAll(SQLQuery(sql: sequencesSQL)) {
            guard let name = row[0].textValue, let type = row[1].textValue, let increment = row[2].integerValue,
                  let minimum = row[3].integerValue, let maximum = row[4].integerValue, let start = row[5].integerValue else { continue }
            let cycle = row[6].integerValue == 1 ? " CYCLE" : ""
            statements.append("CREATE SEQUENCE \(quote(name)) AS \(type) INCREMENT BY \(increment) MINVALUE \(minimum) MAXVALUE \(maximum) START WITH \(start)\(cycle);")
            if let last = row[7].integerValue {
                statements.append("SELECT pg_catalog.setval(\(DatabaseDialect.postgres.literal(.text(quote(name)))), \(last), true);")
            }
        }
        return statements
    }

    private static let columnsSQL = """
        SELECT a.attrelid::int8, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
               s.seqrelid IS NOT NULL AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'
        FROM pg_catalog.pg_attribute a
        LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_catalog.pg_depend dep ON dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
            AND dep.classid = 'pg_catalog.pg_class'::regclass
        LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
        WHERE a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """

    private static let constraintsSQL = """
        SELECT con.conrelid::int8, con.conname, con.contype::text, pg_catalog.pg_get_constraintdef(con.oid)
        FROM pg_catalog.pg_constraint con WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conrelid <> 0
        ORDER BY con.conrelid, CASE con.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 ELSE 2 END, con.conname
        """

    private static let indexesSQL = """
        SELECT i.indrelid::int8, pg_catalog.pg_get_indexdef(i.indexrelid)
        FROM pg_catalog.pg_index i
        WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid)
        ORDER BY i.indrelid, i.indexrelid
        """

    nonisolated(nonsending)
    static func script(of db: any DatabaseConnection, tables wanted: Set<String>?) async throws -> String {
        let quote = DatabaseDialect.postgres.quoteIdentifier
        var names: [Int64: String] = [:]
        var order: [Int64] = []
        for row in try await db.fetchAll(SQLQuery(sql: PostgresCatalog.tablesSQL)) {
            guard let oid = row[0].integerValue, let name = row[1].textValue else { continue }
            if let wanted, !wanted.contains(name.lowercased()) { continue }
            names[oid] = name
            order.append(oid)
        }
        var definitions: [Int64: [String]] = [:]
        for row in try await db.fetchAll(SQLQuery(sql: columnsSQL)) {
            guard let oid = row[0].integerValue, names[oid] != nil, let name = row[1].textValue, var type = row[2].textValue else { continue }
            var line = quote(name)
            let isSerial = row[7].integerValue == 1
            if isSerial {
                type = ["integer": "serial", "bigint": "bigserial", "smallint": "smallserial"][type] ?? type
            }
            line += " " + type
            switch row[5].textValue {
            case "a": line += " GENERATED ALWAYS AS IDENTITY"
            case "d": line += " GENERATED BY DEFAULT AS IDENTITY"
            default:
                if row[6].textValue == "s", let expression = row[4].textValue {
                    line += " GENERATED ALWAYS AS (\(expression)) STORED"
                } else if !isSerial, let expression = row[4].textValue {
                    line += " DEFAULT \(expression)"
                }
            }
            if row[3].integerValue == 1 && !isSerial { line += " NOT NULL" }
            definitions[oid, default: []].append(line)
        }
        var foreignKeys: [String] = []
        for row in try await db.fetchAll(SQLQuery(sql: constraintsSQL)) {
            guard let oid = row[0].integerValue, let table = names[oid], let name = row[1].textValue, let definition = row[3].textValue else { continue }
            if row[2].textValue == "f" {
                foreignKeys.append("ALTER TABLE \(quote(table)) ADD CONSTRAINT \(quote(name)) \(definition);")
            } else {
                definitions[oid, default: []].append("CONSTRAINT \(quote(name)) \(definition)")
            }
        }
        var statements = try await prerequisites(of: db)
        statements += order.map { oid in
            "CREATE TABLE \(quote(names[oid]!)) (\n    " + (definitions[oid] ?? []).joined(separator: ",\n    ") + "\n);"
        }
        statements += foreignKeys
        for row in try await db.fetchAll(SQLQuery(sql: indexesSQL)) {
            guard let oid = row[0].integerValue, names[oid] != nil, let definition = row[1].textValue else { continue }
            statements.append(definition + ";")
        }
        return "-- schema written by sqltestkit dump (PostgreSQL)\n" + statements.joined(separator: "\n") + "\n"
    }
}
#endif
