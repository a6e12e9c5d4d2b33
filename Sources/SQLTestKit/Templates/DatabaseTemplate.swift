import Foundation

/// A database to copy for every test: a schema plus seed data, built once per test process
/// (keyed by a hash of its content) and cloned for each test in microseconds.
///
/// ```swift
/// let template = try DatabaseTemplate(schemaFile: "Fixtures/schema.sql", seed: """
///     INSERT INTO author(id, name, email) VALUES (1, 'Ada', 'ada@example.com');
///     """)
/// let driver = try await SQLiteDriver.cloning(template)   // a private in-memory copy
/// ```
public struct DatabaseTemplate: Sendable, Hashable {
    /// SQL that creates the schema.
    public var schema: String
    /// SQL run after the schema: the rows every test starts with.
    public var seed: String

    public init(schema: String, seed: String = "") {
        self.schema = schema
        self.seed = seed
    }

    /// A template whose schema is read from a file. Throws ``TemplateError`` naming the file
    /// when it cannot be read.
    public init(schemaFile path: String, seed: String = "") throws {
        do {
            self.init(schema: try String(contentsOfFile: path, encoding: .utf8), seed: seed)
        } catch {
            throw TemplateError(message: "cannot read the schema file \(path): \(error.localizedDescription)",
                                suggestion: "paths are relative to the working directory, \(FileManager.default.currentDirectoryPath); pass an absolute path or one built from #filePath")
        }
    }

    /// A stable hash of the schema and seed (FNV-1a, 64 bits, hexadecimal): the same content
    /// gives the same key in every process and on every machine.
    public var contentHash: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in schema.utf8 + [0] + seed.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A template could not be built or read.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var suggestion: String?
    public var description: String { message + (suggestion.map { "\n  suggestion: \($0)" } ?? "") }
}
