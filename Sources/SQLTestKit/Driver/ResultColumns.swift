import Synchronization

/// The ordered column names of a result, with a lookup table built once and shared by all of
/// its rows. A collection of the names, so it compares with an array literal and prints as one.
///
/// ```swift
/// let row = try await db.fetchOne("SELECT id, age FROM person")!
/// row.columns == ["id", "age"]   // true
/// print(row.columns)             // ["id", "age"]
/// ```
public final class ResultColumns: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The names in order.
    public let names: [String]
    private let exact: [String: Int]
    private let folded: [String: Int]
    /// The column the next lookup tries first: the one after the column found last. Code reads
    /// a row's columns in the order it selected them, so a lookup is then one comparison.
    /// It is only a guess, checked against the name, and shared by the rows of the result and
    /// the tasks reading them: a stale guess costs a scan, never a wrong column. Results with a
    /// repeated name never guess, since a guess could land on a later column of that name.
    @usableFromInline let nextGuess: Atomic<Int>
    private let guesses: Bool

    /// Columns with these names, in order.
    public init(_ names: [String]) {
        self.names = names
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if exact[name] == nil { exact[name] = index }
            let key = name.asciiLowercased
            if folded[key] == nil { folded[key] = index }
        }
        self.exact = exact
        self.folded = folded
        self.guesses = exact.count == names.count
        self.nextGuess = Atomic(guesses ? 0 : Int.max)
    }

    /// Columns from names written as an array literal (`["id", "age"]`).
    public convenience init(arrayLiteral names: String...) {
        self.init(names)
    }

    /// How many columns.
    @inlinable public var count: Int { names.count }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { names.count }
    /// The name of the column at `position`.
    public subscript(position: Int) -> String { names[position] }

    /// The names as an array prints: `["id", "age"]`.
    public var description: String { names.description }

    /// The index of a column: exact name first, then ignoring ASCII case; the first column of
    /// that name when names repeat.
    ///
    /// Reading rows by column name is most of what a read costs once the rows are fetched, so
    /// the lookup first tries the column after the one found last (see `nextGuess`), inline,
    /// and only then compares the names in order, lengths first (join read by name: see
    /// Benchmarks.md).
    @inlinable @inline(__always)
    public func index(of name: String) -> Int? {
        let guess = nextGuess.load(ordering: .relaxed)
        if guess < names.count && names[guess].utf8.count == name.utf8.count && names[guess] == name {
            guessNext(after: guess)
            return guess
        }
        return index(scanning: name)
    }

    /// Makes the column after `position` (the first after the last) the next lookup's guess.
    @inlinable @inline(__always)
    func guessNext(after position: Int) {
        nextGuess.store(position + 1 == names.count ? 0 : position + 1, ordering: .relaxed)
    }

    /// The lookup when the guess missed: the names of a narrow result in order, lengths first
    /// (a short name compares as two machine words; hashing it cost more than the scan).
    @usableFromInline
    func index(scanning name: String) -> Int? {
        var found: Int?
        if names.count <= 16 {
            let length = name.utf8.count
            found = names.indices.first { names[$0].utf8.count == length && names[$0] == name }
        } else {
            found = exact[name]
        }
        guard let found else { return folded[name.asciiLowercased] }
        if guesses { guessNext(after: found) }
        return found
    }

    public static func == (lhs: ResultColumns, rhs: ResultColumns) -> Bool {
        lhs === rhs || lhs.names == rhs.names
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
    }
}
