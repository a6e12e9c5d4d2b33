import Foundation

/// Database URLs in messages.
package enum DatabaseURL {
    /// `url` with its password (if any) replaced by `***`: `postgres://u:***@host/db`.
    package static func hidingPassword(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at,
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
