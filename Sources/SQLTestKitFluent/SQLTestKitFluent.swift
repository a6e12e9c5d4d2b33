// SQLTestKitFluent is compiled only with the package's `Fluent` trait:
//
//     .package(url: "https://github.com/sqltestkit/sqltestkit", from: "1.0.0", traits: ["Fluent"])
//
// Without it this module is empty and fluent-kit is neither resolved nor built.
