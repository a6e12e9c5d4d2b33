// SQLTestKitPostgres is compiled only with the package's `PostgreSQL` trait:
//
//     .package(url: "https://github.com/sqltestkit/sqltestkit", from: "1.0.0", traits: ["PostgreSQL"])
//
// Without it this module is empty and postgres-nio is not built.
#if PostgreSQL
@_exported import SQLTestKit
#endif
