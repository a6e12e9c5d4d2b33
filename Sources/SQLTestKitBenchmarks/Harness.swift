import Foundation

/// Times work with `ContinuousClock` and reports medians. Each figure runs SQLTestKit's way
/// and the raw SQLite C API's way alternately in the same process, so machine noise hits both.
struct Harness {
    var runs: Int
    var filter: String?
    private(set) var lines: [String] = []

    init(runs: Int, filter: String?) {
        self.runs = runs
        self.filter = filter
    }

    func wants(_ name: String) -> Bool {
        guard let filter else { return true }
        return name.localizedCaseInsensitiveContains(filter)
    }

    /// Median of `runs` timings of `body`; `setUp` runs before each timing, untimed.
    static func median<State>(runs: Int, setUp: () async throws -> State, _ body: (State) async throws -> Void) async throws -> Duration {
        var timings: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let state = try await setUp()
            let start = clock.now
            try await body(state)
            timings.append(clock.now - start)
        }
        timings.sort()
        return timings[timings.count / 2]
    }

    /// Prints and records one comparison line.
    mutating func compare(_ name: String, ours: Duration, raw: Duration, target: Double) {
        let ratio = ours.seconds / raw.seconds
        let verdict = ratio <= target ? "ok" : "OVER TARGET"
        let line = "\(name.padding(toLength: 52, withPad: " ", startingAt: 0)) ours \(format(ours))  raw C \(format(raw))  ratio \(String(format: "%.2f", ratio))× (target ≤ \(target)×) \(verdict)"
        print(line)
        lines.append(line)
    }

    /// Prints and records one absolute figure.
    mutating func report(_ name: String, _ value: String, target: String = "") {
        let line = "\(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(value)\(target.isEmpty ? "" : "  (target \(target))")"
        print(line)
        lines.append(line)
    }

    func format(_ duration: Duration) -> String {
        let seconds = duration.seconds
        if seconds >= 1 { return String(format: "%8.3f s ", seconds) }
        if seconds >= 1e-3 { return String(format: "%8.2f ms", seconds * 1e3) }
        return String(format: "%8.2f µs", seconds * 1e6)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
