import Foundation

/// Writes to standard error (problems, progress) and standard output (results).
enum Output {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Whether standard error is a terminal, where a progress line can redraw itself.
    static var errorIsTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) == 1 }

    /// Rewrites the current terminal line on standard error.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }
}
