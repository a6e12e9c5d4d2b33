// SQLTestKitGRDB is compiled only with the package's `GRDB` trait:
//
//     .package(url: "https://github.com/sqltestkit/sqltestkit", from: "1.0.0", traits: ["GRDB"])
//
// Without it this module is empty and GRDB.swift is neither resolved nor built.
