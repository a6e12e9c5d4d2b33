import Foundation

/// Times work with `ContinuousClock` and reports medians. A comparison times SQLTestKit's way
/// and the raw SQLite C API's way alternately, one run of each per round, so drift in the
/// shared machine's load hits both sides alike; its ratio is the median of the rounds' ratios.
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
        for _ in 0..<runs {
            timings.append(try await time(setUp: setUp, body))
        }
        return median(timings)
    }

    /// One timing of `body`, after an untimed `setUp` and before an untimed tear-down (the
    /// state's release): without holding the state to the end, the optimizer was free to
    /// release it before the clock was read, so whether a figure included freeing (a mock's
    /// log of 100,000 statements, say) depended on the build.
    static func time<State>(setUp: () async throws -> State, _ body: (State) async throws -> Void) async throws -> Duration {
        let state = try await setUp()
        let clock = ContinuousClock()
        let start = clock.now
        try await body(state)
        let elapsed = clock.now - start
        withExtendedLifetime(state) {}
        return elapsed
    }

    /// Times every side once per round, in turn, for `runs` rounds; returns each side's
    /// timings in round order.
    ///
    /// With `warmingUp`, each timed run follows an untimed run of the same side, so the
    /// allocator holds that side's own memory, not what the side before it freed: sides that
    /// make and free tens of megabytes (100k rows read) otherwise time each other's page
    /// faults (measured: the raw C read took 20% longer after one side's change of how it
    /// allocated, with its own code unchanged).
    static func alternate(runs: Int, warmingUp: Bool = false, _ sides: [() async throws -> Duration]) async throws -> [[Duration]] {
        var timings = Array(repeating: [Duration](), count: sides.count)
        for _ in 0..<runs {
            for (index, side) in sides.enumerated() {
                if warmingUp { _ = try await side() }
                timings[index].append(try await side())
            }
        }
        return timings
    }

    /// Times sides interleaved in chunks, for figures whose sides are far apart in length: each
    /// round sets every side up (untimed: `makeSide` returns the side's chunk of work), then runs
    /// `chunks` chunks, every side's in turn, the order rotating per chunk, and sums each side's
    /// chunk times. A run of a whole side can last long enough for this shared machine's speed
    /// to change under it; chunks keep the sides in the same stretch of it. Returns each side's
    /// sums in round order.
    static func interleave(runs: Int, chunks: Int, _ makeSides: [() async throws -> () async throws -> Void]) async throws -> [[Duration]] {
        let clock = ContinuousClock()
        var timings = Array(repeating: [Duration](), count: makeSides.count)
        for _ in 0..<runs {
            var sides: [() async throws -> Void] = []
            for makeSide in makeSides { sides.append(try await makeSide()) }
            var sums = Array(repeating: Duration.zero, count: sides.count)
            for chunk in 0..<chunks {
                for turn in 0..<sides.count {
                    let side = (turn + chunk) % sides.count
                    let start = clock.now
                    try await sides[side]()
                    sums[side] += clock.now - start
                }
            }
            for (side, sum) in sums.enumerated() { timings[side].append(sum) }
            withExtendedLifetime(sides) {}
        }
        return timings
    }

    static func median(_ timings: [Duration]) -> Duration {
        timings.sorted()[timings.count / 2]
    }

    /// The median of the rounds' ratios `first / second`.
    static func pairedRatio(_ first: [Duration], _ second: [Duration]) -> Double {
        let ratios = zip(first, second).map { $0.seconds / $1.seconds }.sorted()
        return ratios[ratios.count / 2]
    }

    /// Prints and records one comparison line from alternated timings (see ``alternate(runs:_:)``),
    /// each divided by `per` (a per-item figure).
    mutating func compare(_ name: String, ours: [Duration], raw: [Duration], per: Int = 1, target: Double, rawLabel: String = "raw C") {
        let ratio = Harness.pairedRatio(ours, raw)
        let verdict = ratio <= target ? "ok" : "OVER TARGET"
        let line = "\(name.padding(toLength: 52, withPad: " ", startingAt: 0)) ours \(format(Harness.median(ours) / per))  \(rawLabel) \(format(Harness.median(raw) / per))  ratio \(String(format: "%.2f", ratio))× (target ≤ \(target)×) \(verdict)"
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
