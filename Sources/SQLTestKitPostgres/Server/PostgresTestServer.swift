#if PostgreSQL
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL server for tests: the one `SQLTESTKIT_POSTGRES_URL` names, or a private
/// cluster started from the local binaries (`initdb`, `pg_ctl`: found on `PATH`, through
/// `pg_config --bindir`, or in `/usr/lib/postgresql/*/bin`) in a temporary directory, on
/// 127.0.0.1 and a free port. One server is shared by every test of the process and stopped
/// (its directory removed) when the process exits. When the process runs as root, the cluster
/// runs as the `postgres` user (PostgreSQL refuses to run as root).
///
/// ```swift
/// @Test(.enabled(if: PostgresTestServer.isAvailable))
/// func findsAuthors() async throws {
///     let server = try await PostgresTestServer.shared()
///     let db = try await server.driver().connect()
///     // …
///     await db.close()
/// }
/// ```
///
/// The private cluster trades durability for speed (`fsync`, `synchronous_commit` and
/// `full_page_writes` off): it is thrown away anyway. Its directory is named after the
/// process that started it (`sqltestkit-postgres-<pid>-…`): a run that crashed leaves its
/// server running, and the next run that starts one stops it and removes its directory (see
/// ``stopLeftoverServers()``).
public final class PostgresTestServer: Sendable {
    /// Where the server is; its database is `postgres`.
    public let configuration: PostgresDriver.Configuration
    /// The cluster's directory, for a server this process started (`nil` for `SQLTESTKIT_POSTGRES_URL`).
    public let directory: String?
    private let binaries: String?
    private let user: String?

    /// The variable that points the tests at a running server instead.
    public static let urlVariable = "SQLTESTKIT_POSTGRES_URL"

    /// The server's URL.
    public var url: String {
        "postgres://\(configuration.username)@\(configuration.host):\(configuration.port)/\(configuration.database)"
    }

    /// A driver for one of the server's databases (`postgres` when none is named).
    public func driver(database: String? = nil, maxConnections: Int = 10) -> PostgresDriver {
        var configuration = database.map { self.configuration.database($0) } ?? self.configuration
        configuration.maxConnections = maxConnections
        return PostgresDriver(configuration: configuration)
    }

    private init(configuration: PostgresDriver.Configuration, directory: String?, binaries: String?, user: String?) {
        self.configuration = configuration
        self.directory = directory
        self.binaries = binaries
        self.user = user
        if directory != nil { _ = Self.startedHere.withLock { $0.insert(Self.address(of: configuration)) } }
    }

    /// The servers this process started (`host:port`), which go when it ends.
    private static let startedHere = Mutex<Set<String>>([])

    private static func address(of configuration: PostgresDriver.Configuration) -> String {
        configuration.host + ":" + String(configuration.port)
    }

    /// Whether `configuration` names a server this process started, which is stopped and
    /// removed when the process ends (a failed test's database kept there would go with it).
    package static func goesWithThisProcess(_ configuration: PostgresDriver.Configuration) -> Bool {
        startedHere.withLock { $0.contains(address(of: configuration)) }
    }

    // MARK: - The shared server

    /// Whether PostgreSQL tests can run here: `SQLTESTKIT_POSTGRES_URL` is set, or `initdb`
    /// and `pg_ctl` are installed.
    public static var isAvailable: Bool {
        ProcessInfo.processInfo.environment[urlVariable] != nil || binaryDirectory() != nil
    }

    /// Whether ``startPrivate()`` can start a cluster here: `initdb` and `pg_ctl` are installed.
    public static var canStartPrivate: Bool { binaryDirectory() != nil }

    /// What to do when ``isAvailable`` is false: the one line a skipped test prints.
    public static let howToEnable = "PostgreSQL tests skipped: no initdb/pg_ctl found and \(urlVariable) is not set; install PostgreSQL (apt-get install postgresql) or set \(urlVariable)=postgres://user@host:port/db"

    private static let sharedServer = Mutex<PostgresTestServer?>(nil)
    private static let starting = Mutex<Task<PostgresTestServer, any Error>?>(nil)

    /// The process's server, started on first use.
    ///
    /// - Throws: ``PostgresTestServerError`` when the server cannot be started.
    public static func shared() async throws -> PostgresTestServer {
        if let server = sharedServer.withLock({ $0 }) { return server }
        let task = starting.withLock { task in
            if let task { return task }
            let started = Task { try await offThePool(start) }
            task = started
            return started
        }
        let server = try await task.value
        sharedServer.withLock { $0 = server }
        return server
    }

    /// Starts the shared server now (a blocking call: `initdb` and `pg_ctl` take a second or two).
    private static func start() throws -> PostgresTestServer {
        if let url = ProcessInfo.processInfo.environment[urlVariable] {
            do {
                return PostgresTestServer(configuration: try PostgresDriver.Configuration(url: url), directory: nil, binaries: nil, user: nil)
            } catch {
                throw PostgresTestServerError(step: "reading \(urlVariable)", output: "\(error)", suggestion: "set it to postgres://user@host:port/db")
            }
        }
        guard let binaries = binaryDirectory() else {
            throw PostgresTestServerError(step: "finding initdb and pg_ctl", output: "", suggestion: howToEnable)
        }
        stopLeftoverServers()
        let server = try launch(binaries: binaries)
        atexit { PostgresTestServer.stopShared() }
        return server
    }

    /// Stops the shared server (at exit).
    static func stopShared() {
        sharedServer.withLock { $0 }?.stop()
    }

    // MARK: - Starting and stopping

    /// Starts a private cluster of its own, whatever `SQLTESTKIT_POSTGRES_URL` says: for a test
    /// that needs a server nobody else uses. Stop it with ``stop()``.
    ///
    /// - Throws: ``PostgresTestServerError`` when the binaries are missing or a step fails.
    public static func startPrivate() async throws -> PostgresTestServer {
        try await startPrivate(ownerPID: getpid())
    }

    /// ``startPrivate()`` with the directory named after another process (tests of the
    /// leftover clean-up start a server "of" a process that has exited).
    static func startPrivate(ownerPID: pid_t) async throws -> PostgresTestServer {
        guard let binaries = binaryDirectory() else {
            throw PostgresTestServerError(step: "finding initdb and pg_ctl", output: "", suggestion: howToEnable)
        }
        return try await offThePool {
            if ownerPID == getpid() {
                stopLeftoverServers()
                return try launch(binaries: binaries, ownerPID: ownerPID)
            }
            // A directory named after a process that is gone must not be cleaned up while it is made.
            return try directories.withLock { _ in try launch(binaries: binaries, ownerPID: ownerPID) }
        }
    }

    /// Held while leftovers are cleaned up (and while a server is made for a process that is gone).
    private static let directories = Mutex(())

    /// The prefix of a private cluster's directory, before the owning process's id.
    static let directoryPrefix = "sqltestkit-postgres-"

    /// Stops the private servers of processes that are gone (a run that crashed, or was
    /// killed, before it could stop its server) and removes their directories; returns the
    /// directories removed. A server whose process still runs is never touched.
    @discardableResult
    public static func stopLeftoverServers() -> [String] {
        directories.withLock { _ in stopLeftoverServersNow() }
    }

    private static func stopLeftoverServersNow() -> [String] {
        let temporary = FileManager.default.temporaryDirectory.path
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return [] }
        var removed: [String] = []
        for entry in entries.sorted() where entry.hasPrefix(directoryPrefix) {
            guard let pid = pid_t(entry.dropFirst(directoryPrefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid(),
                  kill(pid, 0) == -1, errno == ESRCH else { continue }
            let directory = temporary + "/" + entry
            if let binaries = binaryDirectory(), FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") {
                let user = geteuid() == 0 ? "postgres" : nil
                _ = try? run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], as: user)
            }
            if (try? FileManager.default.removeItem(atPath: directory)) != nil { removed.append(directory) }
        }
        return removed
    }

    /// Runs blocking work (spawning and waiting for `initdb` and `pg_ctl`) on a thread of its
    /// own, not on one of the few threads Swift's tasks share.
    private static func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func launch(binaries: String, ownerPID: pid_t = getpid()) throws -> PostgresTestServer {
        let user = geteuid() == 0 ? "postgres" : nil
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(directoryPrefix)\(ownerPID)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let user {
            let chown = try run("/bin/chown", [user, directory], as: nil)
            guard chown.status == 0 else {
                throw PostgresTestServerError(step: "giving \(directory) to the `\(user)` user", output: chown.output,
                                              suggestion: "PostgreSQL does not run as root; create a `postgres` user (the postgresql package does) or run the tests as another user")
            }
        }
        let data = directory + "/data"
        let initdb = try run(binaries + "/initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], as: user)
        guard initdb.status == 0 else {
            throw PostgresTestServerError(step: "initdb", output: initdb.output, suggestion: "check that \(binaries)/initdb runs for \(user ?? "this user")")
        }
        var lastOutput = ""
        for _ in 0..<5 {
            let port = freePort()
            let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c max_prepared_transactions=20"
            let start = try run(binaries + "/pg_ctl", ["-D", data, "-o", options, "-l", directory + "/server.log", "-w", "-t", "30", "start"], as: user)
            if start.status == 0 {
                return PostgresTestServer(configuration: PostgresDriver.Configuration(port: port, username: "postgres", database: "postgres"),
                                          directory: directory, binaries: binaries, user: user)
            }
            lastOutput = start.output + ((try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "")
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw PostgresTestServerError(step: "pg_ctl start", output: lastOutput, suggestion: "see the server's log above")
    }

    /// Stops a server this process started and removes its directory.
    public func stop() {
        guard let directory, let binaries else { return }
        _ = try? Self.run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], as: user)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Where `initdb` and `pg_ctl` are.
    static func binaryDirectory() -> String? {
        let manager = FileManager.default
        func hasBoth(_ directory: String) -> Bool {
            manager.isExecutableFile(atPath: directory + "/initdb") && manager.isExecutableFile(atPath: directory + "/pg_ctl")
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) where hasBoth(directory) {
            return directory
        }
        for candidate in ["/usr/bin/pg_config", "/usr/local/bin/pg_config", "/opt/homebrew/bin/pg_config"] where manager.isExecutableFile(atPath: candidate) {
            if let output = try? run(candidate, ["--bindir"], as: nil), output.status == 0 {
                let directory = output.output.trimmingCharacters(in: .whitespacesAndNewlines)
                if hasBoth(directory) { return directory }
            }
        }
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted { $0.compare($1, options: .numeric) == .orderedDescending }
        return versions.map { "/usr/lib/postgresql/\($0)/bin" }.first(where: hasBoth)
    }

    /// Runs a program (as `user` through `runuser` when given) and collects its output.
    /// Spawned directly and waited for with `waitpid`, its output going to a file: `pg_ctl`
    /// leaves a daemon behind that would hold a pipe open for as long as the server runs.
    private static func run(_ program: String, _ arguments: [String], as user: String?) throws -> (status: Int32, output: String) {
        let argv = (user.map { ["/usr/sbin/runuser", "-u", $0, "--", program] } ?? [program]) + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sqltestkit-run-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        #if canImport(Darwin)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
        #endif
        var pid = pid_t()
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else {
            throw PostgresTestServerError(step: "running \(argv[0])", output: String(cString: strerror(spawned)), suggestion: "check that \(argv[0]) exists and is executable")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // Exited normally: the exit code; killed: 128 + the signal.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, output)
    }

    /// Makes the child close every descriptor above 2. Without it the server `pg_ctl` leaves
    /// running inherits whatever the process has open at that moment — another task's pipe to
    /// a child, say — and holds it open for as long as it runs, so a reader of that pipe waits
    /// for an end that never comes (a test run hung on it). glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` is not in Swift's Glibc module, so it is looked
    /// up by name; Darwin has a spawn flag for the same.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        #if canImport(Glibc)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        #endif
    }

    /// A port nothing listens on now.
    private static func freePort() -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0 }
        }
        guard bound else { return Int.random(in: 20_000..<60_000) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The throwaway server could not be started: the step that failed, what it printed, and what to do.
public struct PostgresTestServerError: Error, Sendable, CustomStringConvertible {
    /// The step that failed (`initdb`, `pg_ctl start`).
    public var step: String
    /// What the step printed.
    public var output: String
    /// What to do about it.
    public var suggestion: String

    public var description: String {
        "could not start a PostgreSQL server for tests: \(step) failed\(output.isEmpty ? "" : ":\n" + output)\n  suggestion: \(suggestion)"
    }
}
#endif
