#if GRDB
import Foundation
import GRDB
import SQLTestKit

extension GRDBTestDatabase {
    /// Writes `writer`'s database, as the test left it, to `location.sqliteFile` (with
    /// GRDB's backup; written under a temporary name and renamed when complete).
    ///
    /// ```swift
    /// let kept = try GRDBTestDatabase.keep(dbQueue, at: KeepLocation(suite: "Players", test: "scores"))
    /// print(kept)   // kept the database of the failed test Players/scores: sqlite3 '…'
    /// ```
    public static func keep(_ writer: any DatabaseWriter, at location: KeepLocation) throws -> KeptDatabase {
        let manager = FileManager.default
        let path = location.sqliteFile
        let partial = path + ".partial"
        do {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if manager.fileExists(atPath: partial) { try manager.removeItem(atPath: partial) }
            let copy = try DatabaseQueue(path: partial)
            try writer.backup(to: copy)
            try copy.close()
            try location.removeEarlierKeep()
            try manager.moveItem(atPath: partial, toPath: path)
        } catch {
            try? manager.removeItem(atPath: partial)
            throw KeepError(test: location.name, reason: "writing \(path) failed: \(error)")
        }
        return .sqliteFile(path, test: location.name)
    }

    /// At the end of a test: with a `location`, removes what an earlier run kept there and,
    /// when the test `failed`, keeps `writer`'s database and reports where. Trouble with
    /// keeping is reported, never thrown.
    public static func finish(_ writer: any DatabaseWriter, keepingAt location: KeepLocation?, failed: Bool,
                              report: @Sendable (String) -> Void = KeepOnFailure.report) {
        guard let location else { return }
        do {
            try location.removeEarlierKeep()
        } catch {
            report(KeepError(test: location.name, reason: "what an earlier run kept could not be removed: \(error)").description)
        }
        guard failed else { return }
        do {
            report(try keep(writer, at: location).description)
        } catch {
            report("\(error)")
        }
    }
}
#endif
