import CognitoModel
import Foundation

/// A CIMD policy's URL pattern (`https://clients.example.com/*`) and how a client's metadata URL matches
/// it. AWS documents only that a pattern "can contain the * wildcard character"; Cognate's reading, the safe
/// one: in the host and port, `*` stands for one or more letters, digits or hyphens (a part of one DNS
/// label, as in a TLS wildcard), so it can never reach into another host; in the path, for any run of
/// characters, slashes included. Everything else is compared exactly, as the draft compares client IDs.
struct MetadataURLPattern: Sendable, Equatable {
    let text: String

    /// Checks a pattern beyond the model's character class: an https URL with a host and a path.
    init(checking text: String) throws(CognitoError) {
        guard text.hasPrefix("https://") else { throw Errors.invalidParameter("URL pattern \(text) must start with https://.") }
        let rest = text.dropFirst("https://".count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else {
            throw Errors.invalidParameter("URL pattern \(text) must name a host and a path (https://host/path).")
        }
        if rest[..<slash].contains("@") { throw Errors.invalidParameter("URL pattern \(text) may not contain user information.") }
        self.text = text
    }

    init(_ text: String) { self.text = text }

    /// How specific a matching pattern is: its characters other than `*`. Of several matching patterns, the
    /// most specific one decides.
    var specificity: Int { text.filter { $0 != "*" }.count }

    func matches(_ url: String) -> Bool {
        let scheme = "https://"
        guard text.hasPrefix(scheme), url.hasPrefix(scheme) else { return false }
        let (patternAuthority, patternPath) = Self.split(Substring(text.dropFirst(scheme.count)))
        let (authority, path) = Self.split(Substring(url.dropFirst(scheme.count)))
        return Self.glob(Array(patternAuthority.utf8), Array(authority.utf8), wildcard: { Self.isLabelByte($0) }, atLeastOne: true)
            && Self.glob(Array(patternPath.utf8), Array(path.utf8), wildcard: { _ in true }, atLeastOne: false)
    }

    static func split(_ rest: Substring) -> (Substring, Substring) {
        guard let slash = rest.firstIndex(of: "/") else { return (rest, "") }
        return (rest[..<slash], rest[slash...])
    }

    static func isLabelByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
    }

    /// Whether `subject` matches `pattern`, where `*` stands for a run of bytes that `wildcard` accepts.
    /// Iterative with backtracking to the last star: linear in practice, never exponential.
    static func glob(_ pattern: [UInt8], _ subject: [UInt8], wildcard: (UInt8) -> Bool, atLeastOne: Bool) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        while s < subject.count {
            if p < pattern.count, pattern[p] == star {
                // The star takes the minimum first; more on backtracking.
                starP = p
                starS = s
                p += 1
                if atLeastOne {
                    guard wildcard(subject[s]) else { return false }
                    s += 1
                    starS = s
                }
            } else if p < pattern.count, pattern[p] == subject[s] {
                p += 1
                s += 1
            } else if starP >= 0, starS < subject.count, wildcard(subject[starS]) {
                starS += 1
                s = starS
                p = starP + 1
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star, !atLeastOne { p += 1 }
        return p == pattern.count
    }
}
