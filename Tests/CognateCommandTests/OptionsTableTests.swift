import ArgumentParser
import Foundation
import Testing

@testable import Cognate

/// The options table of `docs/CONFIGURATION.md` and `cognate --help` name the same options, so neither can fall behind.
@Suite struct OptionsTableTests {
    /// `--name` of every option `--help` lists (`--[no-]x` and `--x/--no-x` as `--x`).
    static func helpOptions() -> Set<String> {
        let help = CognateCommand.helpMessage(columns: 1000)
        var names: Set<String> = []
        for line in help.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("--") else { continue }
            let first = trimmed.split(separator: " ").first.map(String.init) ?? ""
            let name = first.split(separator: "/").first.map(String.init) ?? first
            names.insert(name.replacingOccurrences(of: "[no-]", with: ""))
        }
        names.remove("--help")
        return names
    }

    /// `--name` of every option in the first column of the options table of docs/CONFIGURATION.md.
    static func documentedOptions() throws -> Set<String> {
        let table = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/CONFIGURATION.md")
        let text = try String(contentsOf: table, encoding: .utf8)
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `--") {
            let cell = line.split(separator: "|").first.map(String.init) ?? ""
            for match in cell.matches(of: /`(--[a-z\-\[\]]+)/) {
                let name = String(match.1).replacingOccurrences(of: "[no-]", with: "")
                names.insert(name.hasPrefix("--no-") ? "--" + name.dropFirst(5) : name)
            }
        }
        return names
    }

    @Test func theConfigurationTableAndHelpAgree() throws {
        let help = Self.helpOptions()
        let documented = try Self.documentedOptions()
        #expect(help.count > 25)
        #expect(help.subtracting(documented).sorted() == [], "in --help, not in docs/CONFIGURATION.md")
        #expect(documented.subtracting(help).sorted() == [], "in docs/CONFIGURATION.md, not in --help")
    }
}
