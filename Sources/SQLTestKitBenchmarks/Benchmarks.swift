/// `swift run -c release SQLTestKitBenchmarks [filter] [--runs N]`
///
/// Each figure runs SQLTestKit and the raw SQLite C API on the same work in this process and
/// prints both medians and their ratio.
@main
struct Benchmarks {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var runs = 7
        if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) {
            runs = value
            arguments.removeSubrange(index...index + 1)
        }
        var harness = Harness(runs: runs, filter: arguments.first)
        print("SQLTestKit benchmarks — median of \(runs) runs each")
        try await DriverBenchmarks.run(&harness)
        try await MockBenchmarks.run(&harness)
        try await TrustBenchmarks.run(&harness)
        try await IsolationBenchmarks.run(&harness)
        try await FixtureBenchmarks.run(&harness)
        try await FactoryBenchmarks.run(&harness)
        #if GRDB
        try await GRDBBenchmarks.run(&harness)
        #endif
        #if Fluent
        try await FluentBenchmarks.run(&harness)
        #endif
        #if PostgreSQL
        try await PostgresBenchmarks.run(&harness)
        #endif
        #if Fluent && PostgreSQL
        try await FluentPostgresBenchmarks.run(&harness)
        #endif
    }
}
