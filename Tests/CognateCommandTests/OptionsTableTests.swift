import ArgumentParser
import Foundation
import Testing

@testable import Cognate

/// The README's options table and `cognate --help` name the same options, so neither can fall behind.
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

    /// `--name` of every option in the first column of the README's options table.
    static func readmeOptions() throws -> Set<String> {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
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

    @Test func theReadmeTableAndHelpAgree() throws {
        let help = Self.helpOptions()
        let readme = try Self.readmeOptions()
        #expect(help.count > 25)
        #expect(help.subtracting(readme).sorted() == [], "in --help, not in the README's table")
        #expect(readme.subtracting(help).sorted() == [], "in the README's table, not in --help")
    }
}
