import Foundation
import Testing

/// Missing is not broken (issue 26): `try?` on a storage read turns a database that does not answer into
/// "absent" — an invalid client, an unknown user, a bad token. This keeps it out of the sources: a read
/// that may find nothing uses `StorageError.ifPresent`, which answers nil for `notFound` only.
@Suite struct StorageFailureGuardTests {
    /// Files where `try?` on storage is the point: the readiness probe reports the failure itself. (Closing
    /// a storage on a failed start is no read and is not matched.)
    static let allowed: Set<String> = ["Readiness.swift"]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    @Test func noStorageCallIsMadeWithTryQuestionMark() throws {
        let pattern = try NSRegularExpression(
            pattern: #"try\?\s*await\s[^\n]*(storage\.(?!close\()\w+\(|UserDirectory\([^\n]*\.find\(|users\.find\()"#)
        var offenders: [String] = []
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)
        var scanned = 0
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", !Self.allowed.contains(url.lastPathComponent) else { continue }
            scanned += 1
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let line = text[..<Range(match.range, in: text)!.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).count
                offenders.append("\(url.lastPathComponent):\(line)")
            }
        }
        #expect(scanned > 100, "the sources were not found at \(Self.sources.path)")
        #expect(offenders.isEmpty, "try? on a storage call hides an outage as absence: \(offenders.joined(separator: ", "))")
    }
}
