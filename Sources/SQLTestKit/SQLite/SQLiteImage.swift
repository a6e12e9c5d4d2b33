import SQLTestKitSQLite

/// The bytes of an SQLite database, as `sqlite3_serialize` gives them: what templates keep,
/// and what a copy of a database is made from (`sqlite3_deserialize` into any connection,
/// also one another library opened, such as GRDB's).
///
/// ```swift
/// let image = try db.withDatabasePointer { try SQLiteImage(serializing: $0) }
/// try image.deserialize(into: otherConnectionPointer)   // now a private copy, in memory
/// ```
public struct SQLiteImage: Sendable, Hashable {
    /// The database file's bytes.
    public let bytes: [UInt8]

    /// An image from a database file's bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The current contents of the `main` database of the connection `db`.
    public init(serializing db: OpaquePointer) throws {
        var size: sqlite3_int64 = 0
        guard let serialized = sqlite3_serialize(db, "main", &size, 0) else {
            throw QueryError(code: .noMemory, message: "cannot serialize the database")
        }
        defer { sqlite3_free(serialized) }
        bytes = Array(UnsafeBufferPointer(start: serialized, count: Int(size)))
    }

    /// Makes the `main` database of the connection `db` a private, writable, in-memory copy of
    /// this image (what was there before is gone). The connection's settings stay as they were.
    public func deserialize(into db: OpaquePointer) throws {
        guard let buffer = sqlite3_malloc64(sqlite3_uint64(bytes.count)) else {
            throw QueryError(code: .noMemory, message: "cannot allocate \(bytes.count) bytes for the database copy")
        }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        // SQLite owns the buffer from here on, also when deserializing fails.
        let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
        let loaded = sqlite3_deserialize(db, "main", buffer.assumingMemoryBound(to: UInt8.self),
                                         sqlite3_int64(bytes.count), sqlite3_int64(bytes.count), flags)
        guard loaded == SQLITE_OK else {
            throw QueryError(code: .init(rawValue: loaded), message: "cannot load the database image: \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}
