import Foundation

/// The fixture files of a directory, parsed: one file per table (`author.yml`, `book.json`,
/// `review.csv`) plus `.sql` files of statements, and optionally the schema in `schema.sql`.
///
/// Parsing needs no database; ``load(into:clearingTables:allowingNonTestDatabase:resettingDatabase:schema:progress:)``
/// resolves the rows against the live schema of the database it loads into.
///
/// ```swift
/// let fixtures = try FixtureSet(directory: "Fixtures")           // parses; errors carry file:line
/// try await fixtures.load(into: db)                               // atomic, dependency-ordered, labels resolved
/// fixtures.id(of: "alice", in: "author")                          // the key that label got
/// ```
///
/// Files are applied in this order: the rows of YAML, JSON and CSV files, table by table in
/// foreign-key order (parents first; tables in a cycle in file-name order, with foreign keys
/// deferred to the end of the load), then `.sql` files in file-name order — all in one
/// transaction. `schema.sql` is not a fixture: it is the schema (``schemaSQL``), which a load
/// applies only to a database that has no tables yet (a template applies it first).
public struct FixtureSet: Sendable, Hashable {
    /// The file that holds the schema rather than rows.
    public static let schemaFileName = "schema.sql"

    /// The fixture files, in file-name order.
    public private(set) var files: [FixtureFile]
    /// The contents of `schema.sql`, when the directory has one.
    public var schemaSQL: String?

    /// Parses every `.yml`, `.yaml`, `.json`, `.csv` and `.sql` file in `directory` (not its
    /// subdirectories); other files are ignored. Throws ``FixtureError`` listing every problem
    /// in every file.
    public init(directory: String) throws {
        var problems: [FixtureProblem] = []
        self.init(directory: directory, problems: &problems)
        if !problems.isEmpty { throw FixtureError(problems: problems) }
    }

    /// Parses what can be parsed and adds every problem to `problems` (for `check`, which
    /// reports the problems of broken files and still checks the others).
    init(directory: String, problems: inout [FixtureProblem]) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? manager.contentsOfDirectory(atPath: directory).sorted() else {
            problems.append(FixtureProblem(
                kind: .unreadableFile, message: "there is no fixture directory at \(directory)", file: directory,
                suggestion: "paths are relative to the working directory, \(manager.currentDirectoryPath); pass an absolute path (in a test, build it from #filePath)"))
            self.init(sources: [], problems: &problems)
            return
        }
        var sources: [(path: String, bytes: [UInt8])] = []
        for name in names where !name.hasPrefix(".") {
            guard FixtureFile.Format(fileExtension: (name as NSString).pathExtension) != nil else { continue }
            let path = (directory as NSString).appendingPathComponent(name)
            // Reading a FIFO would block for ever and a device may never end: only regular files.
            if let what = Self.notARegularFile(path) {
                problems.append(FixtureProblem(kind: .unreadableFile, message: "\(path) is \(what), not a fixture file", file: path,
                                               suggestion: "rename it or move it out of the fixture directory, which reads every .yml, .yaml, .json, .csv and .sql file"))
                continue
            }
            guard let bytes = Self.readBytes(path) else {
                problems.append(FixtureProblem(kind: .unreadableFile, message: "cannot read \(path)", file: path,
                                               suggestion: "check the file's permissions"))
                continue
            }
            sources.append((path, bytes))
        }
        self.init(sources: sources, problems: &problems)
    }

    /// The bytes of the file at `path`, read straight into an array (reading a `Data` and
    /// copying it held a large file twice), or `nil` when it cannot be read.
    static func readBytes(_ path: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), (try? handle.seek(toOffset: 0)) != nil else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        // In pieces: a file that grows or shrinks while it is read is still read to its end.
        while let piece = try? handle.read(upToCount: 1 << 20), !piece.isEmpty { bytes.append(contentsOf: piece) }
        return bytes
    }

    /// What the file at `path` is when it is not a regular file (links followed), such as
    /// "a directory"; `nil` for a regular file or one that cannot be examined.
    static func notARegularFile(_ path: String) -> String? {
        let resolved = (path as NSString).resolvingSymlinksInPath
        guard let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType else { return nil }
        switch type {
        case .typeRegular: return nil
        case .typeDirectory: return "a directory"
        case .typeCharacterSpecial, .typeBlockSpecial: return "a device"
        case .typeSocket: return "a socket"
        case .typeSymbolicLink: return "a broken symbolic link"
        default: return "a special file (a FIFO or other non-regular file)"
        }
    }

    /// Parses fixture files given as names and contents, such as `("author.yml", "alice: …")`.
    /// A file named `schema.sql` is taken as the schema.
    ///
    /// ```swift
    /// let fixtures = try FixtureSet(files: ["tag.csv": "_label,name\nswift,Swift\n"])
    /// ```
    public init(files: KeyValuePairs<String, String>) throws {
        var problems: [FixtureProblem] = []
        self.init(sources: files.map { ($0.key, Array($0.value.utf8)) }, problems: &problems)
        if !problems.isEmpty { throw FixtureError(problems: problems) }
    }

    init(sources: [(path: String, bytes: [UInt8])], problems: inout [FixtureProblem]) {
        var files: [FixtureFile] = []
        for source in sources.sorted(by: { $0.path < $1.path }) {
            let name = (source.path as NSString).lastPathComponent
            guard let format = FixtureFile.Format(fileExtension: (name as NSString).pathExtension) else {
                problems.append(FixtureProblem(kind: .unreadableFile,
                                               message: "\(name) is not a fixture file: its extension is not one of yml, yaml, json, csv or sql",
                                               file: source.path))
                continue
            }
            if name == Self.schemaFileName {
                do {
                    schemaSQL = try Self.schemaText(source.bytes, path: source.path)
                } catch let error as FixtureError {
                    problems += error.problems
                } catch {}
                continue
            }
            var (file, fileProblems) = FixtureReader.read(bytes: source.bytes, path: source.path, format: format)
            file.isComplete = fileProblems.isEmpty
            files.append(file)
            problems += fileProblems
        }
        self.files = files
    }

    /// The text of a schema file, checked as fixture files are: valid UTF-8, and no transaction
    /// control (the schema is applied inside the load's own transaction). Throws
    /// ``FixtureError`` naming the file and line.
    public static func schemaText(_ bytes: [UInt8], path: String) throws -> String {
        if let line = FixtureReader.firstInvalidUTF8Line(in: bytes) {
            throw FixtureError(problems: [FixtureReader.notUTF8(path, line: line)])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let problems = FixtureReader.transactionControlProblems(in: text, path: path)
        if !problems.isEmpty { throw FixtureError(problems: problems) }
        return text
    }

    /// Keeps only the files `include` accepts.
    mutating func keepFiles(_ include: (FixtureFile) -> Bool) {
        files = files.filter(include)
    }

    /// The tables the fixture files give rows to, in file-name order.
    public var tables: [String] { files.filter { $0.format != .sql }.map(\.table) }

    /// The file that gives rows to `table` (names compare ignoring ASCII case, as SQLite's do).
    public func file(for table: String) -> FixtureFile? {
        files.first { $0.format != .sql && $0.table.asciiLowercased == table.asciiLowercased }
    }

    /// The integer key the row labelled `label` gets in `table`: the `id` the row sets, or else
    /// the key derived from its label (``derivedID(for:)``). `nil` when `table` has no row with
    /// that label.
    ///
    /// ```swift
    /// fixtures.id(of: "alice", in: "author")   // the same number on every run and machine
    /// ```
    public func id(of label: String, in table: String) -> Int64? {
        id(of: label, in: table, maximum: Self.maximumDerivedID)
    }

    /// The key the row labelled `label` gets in `table` when its key column is narrower than
    /// 64 bits — PostgreSQL's `integer`/`serial` (`Int32`) or `smallint` (`Int16`): labels
    /// there derive keys that fit the type (``derivedID(for:maximum:)``).
    ///
    /// ```swift
    /// let ada = fixtures.id(of: "ada", in: "author", as: Int32.self)   // an `integer` key
    /// ```
    public func id<Key: FixedWidthInteger>(of label: String, in table: String, as type: Key.Type) -> Key? {
        id(of: label, in: table, maximum: min(Int64(clamping: Key.max), Self.maximumDerivedID)).flatMap(Key.init(exactly:))
    }

    func id(of label: String, in table: String, maximum: Int64) -> Int64? {
        guard let row = row(labelled: label, in: table) else { return nil }
        if let field = row.fields.first(where: { $0.key == "id" }),
           case .success(.integer(let id)) = ColumnKind.integer.coerce(field.value) {
            return id
        }
        return Self.derivedID(for: label, maximum: maximum)
    }

    /// The largest key a label derives: 2⁵³−1, exact as a `Double` and as a JSON number.
    public static let maximumDerivedID: Int64 = 1 << 53 - 1

    /// The key a label gives a row with a single integer primary key: the 64-bit FNV-1a hash
    /// of the label's UTF-8 bytes, mixed (MurmurHash3's finalizer) and reduced to
    /// 1…2⁵³−1 — exact as a `Double` and as a JSON number. Stable across runs, processes and
    /// machines; a million labels in one table get a million different keys (the chance of
    /// any collision among them is about 1 in 18,000; among the labels `row0`…`row999999`
    /// there is none). SQLite integer keys hold 64 bits.
    public static func derivedID(for label: String) -> Int64 {
        derivedID(for: label, maximum: maximumDerivedID)
    }

    /// The key a label gives a row whose key column holds at most `maximum`: the same hash
    /// reduced to 1…`maximum` (a PostgreSQL `integer` key takes `Int64(Int32.max)`). In a
    /// narrow range labels collide sooner — with `integer` keys, one table of 10,000 labels
    /// has a collision with a chance of about 2%; a load names both rows when they do.
    public static func derivedID(for label: String, maximum: Int64) -> Int64 {
        Int64(StableHash.mixed(StableHash.fnv1a64(label.utf8)) % UInt64(max(1, min(maximum, maximumDerivedID)))) + 1
    }

    /// The UUID a label gives a row whose single primary key is a `UUID` column (Fluent's
    /// default `@ID`): 128 bits from two 64-bit FNV-1a hashes of the label (the second seeded
    /// differently), mixed, marked as an RFC 9562 version 8 (custom) UUID. Stable across runs,
    /// processes and machines; stored as upper-case text, as Fluent binds UUIDs on SQLite.
    ///
    /// ```swift
    /// FixtureSet.derivedUUID(for: "dune")   // the same UUID everywhere
    /// ```
    public static func derivedUUID(for label: String) -> UUID {
        let high = StableHash.mixed(StableHash.fnv1a64(label.utf8))
        let low = StableHash.mixed(StableHash.fnv1a64(label.utf8, seed: 0x6C62_272E_07BB_0142))
        var bytes = withUnsafeBytes(of: high.bigEndian) { Array($0) } + withUnsafeBytes(of: low.bigEndian) { Array($0) }
        bytes[6] = bytes[6] & 0x0F | 0x80   // version 8
        bytes[8] = bytes[8] & 0x3F | 0x80   // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The UUID key the row labelled `label` gets in `table`: the `id` the row sets, or else
    /// ``derivedUUID(for:)``; `nil` when `table` has no row with that label.
    ///
    /// ```swift
    /// let dune = fixtures.uuid(of: "dune", in: "book")!   // what Book.find(dune, on: db) finds
    /// ```
    public func uuid(of label: String, in table: String) -> UUID? {
        guard let row = row(labelled: label, in: table) else { return nil }
        if let field = row.fields.first(where: { $0.key == "id" }), case .success(.text(let text)) = ColumnKind.uuid.coerce(field.value) {
            return UUID(uuidString: text)
        }
        return Self.derivedUUID(for: label)
    }

    /// The row labelled `label` in the file of `table` (a streamed file is read chunk by chunk).
    private func row(labelled label: String, in table: String) -> FixtureRow? {
        guard let file = file(for: table), file.labels.contains(label) else { return nil }
        var found: FixtureRow?
        file.forEachChunk { rows in if found == nil { found = rows.first { $0.label == label } } }
        return found
    }

    /// A stable hash of every file's name and bytes (and of the schema), for template keys.
    public var contentHash: String {
        var hash = StableHash.fnv1a64((schemaSQL ?? "").utf8)
        for file in files {
            hash = StableHash.fnv1a64(file.path.utf8, seed: hash)
            hash = StableHash.fnv1a64(withUnsafeBytes(of: file.contentHash.littleEndian) { Array($0) }, seed: hash)
        }
        return StableHash.hex(hash)
    }

    public static func == (lhs: FixtureSet, rhs: FixtureSet) -> Bool { lhs.contentHash == rhs.contentHash }
    public func hash(into hasher: inout Hasher) { hasher.combine(contentHash) }
}
