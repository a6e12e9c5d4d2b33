#if PostgreSQL
import NIOCore
import PostgresNIO
import SQLTestKit

/// How `SQLValue` arguments are bound:
///
/// - `.integer` as `int8`, `.real` as `float8` (NaN, ±Infinity and -0.0 kept), `.blob` as
///   `bytea`, `.null` as an untyped NULL;
/// - `.text` **untyped**: the server reads it as whatever type the statement needs there,
///   exactly as it reads a quoted literal. So text binds into `uuid`, `date`, `timestamptz`,
///   `jsonb`, `numeric` and enum columns without a cast, and `SELECT $1` gives it back as text.
///
/// An integer where PostgreSQL wants a `boolean` needs a cast the server has: bind text
/// (`"true"`) or write `$1::int::boolean`; PostgreSQL has no cast from `bigint` to `boolean`.
enum PostgresArgument {
    static func bindings(for arguments: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { append(argument, to: &bindings) }
        return bindings
    }

    static func append(_ argument: SQLValue, to bindings: inout PostgresBindings) {
        switch argument {
        case .null: bindings.appendNull()
        case .integer(let integer): bindings.append(integer)
        case .real(let real): bindings.append(real)
        case .text(let text): bindings.append(UntypedText(text: text))
        case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
        }
    }

    /// Every value as untyped text, the way a literal is read: the fixture loader's path, where
    /// the column decides the type (an integer `1` into a `boolean` column is `true`).
    static func untypedBindings(for arguments: some Collection<SQLValue>) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(UntypedText(text: String(integer)))
            case .real(let real): bindings.append(UntypedText(text: text(of: real)))
            case .text(let text): bindings.append(UntypedText(text: text))
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return bindings
    }
}

extension PostgresArgument {
    /// A double as PostgreSQL's `float8` input reads it back exactly (`NaN`, `-Infinity`).
    static func text(of real: Double) -> String {
        real.isNaN ? "NaN" : real.isInfinite ? (real < 0 ? "-Infinity" : "Infinity") : real.description
    }
}

/// Text sent with no type (OID 0) in text format: the server infers the type from the
/// statement, as for a literal.
struct UntypedText: PostgresDynamicTypeEncodable {
    var text: String
    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}
#endif
