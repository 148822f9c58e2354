import Foundation

/// What `cognate --version` prints: the version, and the commit a packaged build was made from
/// (Scripts/package.sh writes it beside the binary as `cognate.commit`; a development build has none).
enum BuildInfo {
    static let version = "0.13.0"

    static var commit: String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let file = executable.deletingLastPathComponent().appendingPathComponent("cognate.commit")
        return (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var description: String {
        "cognate \(version) (\(commit.map { "commit " + $0 } ?? "development build"); cognito-idp model of botocore 1.44.8)"
    }
}
