// swift-tools-version: 6.2
import PackageDescription

/// Settings every target shares: Swift 6 mode is set package-wide below; these make
/// existential and import mistakes compile errors instead of style nits.
let sharedSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The adapters' dependencies, each named only under its trait, so a package that enables no
/// trait neither resolves nor builds them.
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["GRDB"]))
let fluent: [Target.Dependency] = [
    .product(name: "FluentKit", package: "fluent-kit", condition: .when(traits: ["Fluent"])),
    .product(name: "FluentSQL", package: "fluent-kit", condition: .when(traits: ["Fluent"])),
    .product(name: "SQLKit", package: "sql-kit", condition: .when(traits: ["Fluent"])),
    .product(name: "SQLiteKit", package: "sqlite-kit", condition: .when(traits: ["Fluent"])),
]
/// SwiftNIO and swift-log, which the Fluent adapter and the PostgreSQL driver share.
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Fluent", "PostgreSQL"])),
    .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Fluent", "PostgreSQL"])),
    .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Fluent", "PostgreSQL"])),
]
/// Tests and benchmarks only: what fluent-sqlite-driver sends, to compare with.
let fluentSQLiteDriver = Target.Dependency.product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver", condition: .when(traits: ["Fluent"]))
/// Fluent on PostgreSQL: postgres-kit's dialect, so the adapter renders what
/// fluent-postgres-driver renders. Only with the `PostgreSQL` trait (the module needs `Fluent` too).
let fluentPostgres = Target.Dependency.product(name: "PostgresKit", package: "postgres-kit", condition: .when(traits: ["PostgreSQL"]))
/// Tests and benchmarks only: what fluent-postgres-driver sends, to compare with.
let fluentPostgresDriver = Target.Dependency.product(name: "FluentPostgresDriver", package: "fluent-postgres-driver", condition: .when(traits: ["PostgreSQL"]))
let postgres: [Target.Dependency] = [
    .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
    .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["PostgreSQL"])),
]

let package = Package(
    name: "SQLTestKit",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11)],
    products: [
        .library(name: "SQLTestKit", targets: ["SQLTestKit"]),
        .library(name: "SQLTestKitConformance", targets: ["SQLTestKitConformance"]),
        .library(name: "SQLTestKitTesting", targets: ["SQLTestKitTesting"]),
        .executable(name: "sqltestkit", targets: ["sqltestkit"]),
        // The adapters. Each one's code, and its dependencies, exist only with its trait: a
        // package that names no trait resolves none of GRDB, FluentKit, SQLKit, NIO or
        // postgres-nio, and builds none of them.
        //
        // GRDB apps: per-test copies of a template, fixtures into any writer, GRDB's SQL recorded.
        .library(name: "SQLTestKitGRDB", targets: ["SQLTestKitGRDB"]),
        // Fluent and SQLKit: every SQLTestKit database as a Fluent database.
        .library(name: "SQLTestKitFluent", targets: ["SQLTestKitFluent"]),
        // PostgreSQL: a driver on postgres-nio, per-test databases, a throwaway server.
        // postgres-nio brings swift-crypto and swift-nio-ssl (BoringSSL): 20 minutes of build on
        // a loaded 2-core machine.
        .library(name: "SQLTestKitPostgres", targets: ["SQLTestKitPostgres"]),
    ],
    traits: [
        .trait(
            name: "GRDB",
            description: "Builds SQLTestKitGRDB on GRDB.swift, its tests and benchmarks."
        ),
        .trait(
            name: "Fluent",
            description: "Builds SQLTestKitFluent on FluentKit, SQLKit and SwiftNIO, its tests and benchmarks."
        ),
        .trait(
            name: "PostgreSQL",
            description: "Builds SQLTestKitPostgres on postgres-nio, its tests and benchmarks, and `sqltestkit --database postgres://`."
        ),
    ],
    dependencies: [
        // YAML fixtures. The core's only dependency: it bundles libyaml and builds in seconds.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The `sqltestkit` command line (the executable only).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Test failures that work in XCTest and Swift Testing alike (test-support product only).
        .package(url: "https://github.com/pointfreeco/xctest-dynamic-overlay", from: "1.13.1"),
        // `swift package generate-documentation`: a command plugin, built only when it is run.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Everything below is named only under a trait (see `traits`).
        // The GRDB adapter only (SQLTestKitGRDB, `GRDB` trait).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The Fluent adapter only (SQLTestKitFluent, `Fluent` trait): FluentKit, SQLKit, sqlite-kit's dialect and
        // data coders (what fluent-sqlite-driver renders and binds with), NIO's event loops.
        .package(url: "https://github.com/vapor/fluent-kit", from: "1.57.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.3"),
        // The PostgreSQL driver only (SQLTestKitPostgres, `PostgreSQL` trait); it shares
        // swift-nio and swift-log with the Fluent adapter.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // TLS for `sslmode=require` and stricter (postgres-nio builds it anyway).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Fluent on PostgreSQL (`Fluent` and `PostgreSQL` traits): postgres-kit's dialect.
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        // Tests only: what the real drivers send, to compare with.
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        // Tests only: the Vapor guide's app, run with VaporTesting.
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
    ],
    targets: [
        // The system SQLite, named after the library so it cannot collide with another
        // package's `CSQLite` in a user's dependency graph.
        .systemLibrary(
            name: "SQLTestKitSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(
            name: "SQLTestKit",
            dependencies: ["SQLTestKitSQLite", .product(name: "Yams", package: "Yams")],
            swiftSettings: sharedSettings
        ),
        // The behaviour every driver must show, as a library so third-party drivers can run it too.
        .target(
            name: "SQLTestKitConformance",
            dependencies: ["SQLTestKit"],
            swiftSettings: sharedSettings
        ),
        // Test support: the Swift Testing trait and the XCTest base class. The core library
        // never imports a test framework; this product does, and only tests link it.
        .target(
            name: "SQLTestKitTesting",
            dependencies: [
                "SQLTestKit",
                .product(name: "IssueReporting", package: "xctest-dynamic-overlay"),
                // Without this, failures reported on Linux are dropped with a hint; depending on
                // it here means users get working failures from this product alone.
                .product(name: "IssueReportingTestSupport", package: "xctest-dynamic-overlay"),
            ],
            swiftSettings: sharedSettings
        ),
        // GRDB: its trace into a StatementLog, fixtures into a DatabaseWriter, a private
        // DatabaseQueue per test copied from a template image.
        .target(
            name: "SQLTestKitGRDB",
            dependencies: ["SQLTestKit", "SQLTestKitTesting", "SQLTestKitSQLite", grdb],
            swiftSettings: sharedSettings
        ),
        // Fluent and SQLKit on any SQLTestKit connection. Without the `Fluent` trait the module
        // is empty.
        .target(
            name: "SQLTestKitFluent",
            dependencies: ["SQLTestKit", fluentPostgres, .target(name: "SQLTestKitPostgres", condition: .when(traits: ["PostgreSQL"]))]
                + fluent + nio,
            swiftSettings: sharedSettings
        ),
        // PostgreSQL on postgres-nio. Without the `PostgreSQL` trait the module is empty and
        // postgres-nio is not built.
        .target(
            name: "SQLTestKitPostgres",
            dependencies: ["SQLTestKit", "SQLTestKitTesting"] + postgres + nio,
            swiftSettings: sharedSettings
        ),
        // `sqltestkit load | check | dump`. `--database postgres://` needs the `PostgreSQL` trait.
        .executableTarget(
            name: "sqltestkit",
            dependencies: ["SQLTestKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .target(name: "SQLTestKitPostgres", condition: .when(traits: ["PostgreSQL"]))],
            swiftSettings: sharedSettings
        ),
        .executableTarget(
            name: "SQLTestKitBenchmarks",
            dependencies: ["SQLTestKit", "SQLTestKitSQLite", .product(name: "Yams", package: "Yams"),
                           .target(name: "SQLTestKitGRDB", condition: .when(traits: ["GRDB"])), grdb,
                           .target(name: "SQLTestKitFluent", condition: .when(traits: ["Fluent"])), fluentSQLiteDriver,
                           fluentPostgres, fluentPostgresDriver]
                + fluent + nio
                + [.target(name: "SQLTestKitPostgres", condition: .when(traits: ["PostgreSQL"]))] + postgres,
            swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "SQLTestKitTests",
            // `sqltestkit` is a dependency so `swift test` builds the binary its end-to-end tests run.
            dependencies: ["SQLTestKit", "SQLTestKitConformance", "SQLTestKitTesting", "SQLTestKitSQLite", "sqltestkit", "SQLTestKitTestSupport",
                           .product(name: "IssueReporting", package: "xctest-dynamic-overlay")],
            // SQL snapshots and the Chinook sample are read at run time, not built: excluded so
            // SwiftPM does not warn.
            exclude: ["Assertions/__SQLSnapshots__", "Data", "DocExamples/__SQLCassettes__"],
            swiftSettings: sharedSettings
        ),
        // What the test targets share (not a product: users never build it).
        .target(
            name: "SQLTestKitTestSupport",
            dependencies: [.product(name: "IssueReporting", package: "xctest-dynamic-overlay")],
            path: "Tests/SQLTestKitTestSupport",
            swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "SQLTestKitFluentTests",
            dependencies: [
                "SQLTestKit", "SQLTestKitTesting", "SQLTestKitFluent", "SQLTestKitTestSupport", fluentSQLiteDriver,
                .product(name: "IssueReporting", package: "xctest-dynamic-overlay"),
                // Fluent on PostgreSQL, compared with fluent-postgres-driver on the test server.
                .target(name: "SQLTestKitPostgres", condition: .when(traits: ["PostgreSQL"])), fluentPostgres, fluentPostgresDriver,
            ] + fluent + nio + postgres,
            // The cassette a Fluent test replays without a server is read at run time.
            exclude: ["PostgreSQL/__SQLCassettes__"],
            swiftSettings: sharedSettings
        ),
        .testTarget(
            name: "SQLTestKitGRDBTests",
            dependencies: ["SQLTestKit", "SQLTestKitTesting", "SQLTestKitGRDB", "SQLTestKitSQLite", "SQLTestKitTestSupport", grdb,
                           .product(name: "IssueReporting", package: "xctest-dynamic-overlay")],
            swiftSettings: sharedSettings
        ),
        // The Vapor guide's examples: a Vapor app tested on the mock, on isolated PostgreSQL and
        // SQLite databases, and with its production driver. Needs the `Fluent` and `PostgreSQL`
        // traits; without them the target is empty and Vapor is not built.
        .testTarget(
            name: "SQLTestKitVaporTests",
            dependencies: [
                "SQLTestKit", "SQLTestKitTesting",
                .target(name: "SQLTestKitFluent", condition: .when(traits: ["PostgreSQL"])),
                .target(name: "SQLTestKitPostgres", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "VaporTesting", package: "vapor", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "Fluent", package: "fluent", condition: .when(traits: ["PostgreSQL"])),
                fluentPostgresDriver, fluentPostgres,
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver", condition: .when(traits: ["PostgreSQL"])),
            ],
            exclude: ["Fixtures", "DocExamples/__SQLCassettes__"],
            swiftSettings: sharedSettings
        ),
        // Runs only with the `PostgreSQL` trait (`swift test --traits PostgreSQL`); without it the
        // target is empty.
        .testTarget(
            name: "SQLTestKitPostgresTests",
            dependencies: [
                "SQLTestKit", "SQLTestKitConformance", "SQLTestKitTesting", "SQLTestKitTestSupport", "sqltestkit",
                .target(name: "SQLTestKitPostgres", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "IssueReporting", package: "xctest-dynamic-overlay"),
            ],
            swiftSettings: sharedSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
