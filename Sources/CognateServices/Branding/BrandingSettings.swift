import CognitoModel
import Foundation

/// The settings document of a managed login branding style: checking what a request sends, merging it
/// into what the style has, Cognito's defaults (what `ReturnMergedResources` adds), and reading the values
/// the pages apply.
enum BrandingSettings {
    /// Colours are `RRGGBBAA` (or `RRGGBB`) hexadecimal, as Cognito writes them.
    static func isColor(_ text: String) -> Bool {
        (text.utf8.count == 8 || text.utf8.count == 6)
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            }
    }

    /// The document is an object, and every colour in it (a key named `color` or ending in `Color`) is a
    /// hexadecimal colour.
    static func check(_ settings: JSONValue) throws(CognitoError) {
        guard case .object = settings else { throw Errors.invalidParameter("Settings must be a JSON object.") }
        try checkColors(settings, path: "")
    }

    private static func checkColors(_ value: JSONValue, path: String) throws(CognitoError) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                let here = path.isEmpty ? key : path + "." + key
                if key == "color" || key.hasSuffix("Color") {
                    guard case .string(let text) = member, isColor(text) else {
                        throw Errors.invalidParameter("Settings \(here.prefix(200)) must be a colour in RRGGBBAA hexadecimal.")
                    }
                } else {
                    try checkColors(member, path: here)
                }
            }
        case .array(let items):
            for item in items { try checkColors(item, path: path) }
        default:
            break
        }
    }

    /// `update` laid over `base`: objects merge member by member, anything else replaces. Settings a request
    /// leaves out keep their values.
    static func merge(_ base: JSONValue?, _ update: JSONValue) -> JSONValue {
        guard case .object(var merged)? = base, case .object(let changes) = update else { return update }
        for (key, value) in changes { merged[key] = merge(merged[key], value) }
        return .object(merged)
    }

    /// The value at a path of keys, if every step is an object.
    static func value(_ document: JSONValue?, _ path: [String]) -> JSONValue? {
        var current = document
        for key in path {
            guard case .object(let members)? = current else { return nil }
            current = members[key]
        }
        return current
    }

    static func string(_ document: JSONValue?, _ path: String...) -> String? {
        if case .string(let text)? = value(document, path) { text } else { nil }
    }

    static func number(_ document: JSONValue?, _ path: String...) -> Double? {
        if case .number(let number)? = value(document, path) { number } else { nil }
    }

    static func bool(_ document: JSONValue?, _ path: String...) -> Bool? {
        if case .bool(let flag)? = value(document, path) { flag } else { nil }
    }

    // MARK: Cognito's defaults (the values of a style made with UseCognitoProvidedValues)

    private static func mode(_ light: [String: JSONValue], _ dark: [String: JSONValue]) -> [String: JSONValue] {
        ["lightMode": .object(light), "darkMode": .object(dark)]
    }

    private static func colors(_ pairs: [String: String]) -> [String: JSONValue] { pairs.mapValues(JSONValue.string) }

    static let defaults: JSONValue = .object([
        "categories": .object([
            "global": .object([
                "colorSchemeMode": .string("LIGHT"), "spacingDensity": .string("REGULAR"),
                "pageHeader": .object(["enabled": .bool(false)]), "pageFooter": .object(["enabled": .bool(false)]),
            ]),
            "form": .object([
                "displayGraphics": .bool(true), "location": .object(["horizontal": .string("CENTER"), "vertical": .string("CENTER")]),
            ]),
        ]),
        "componentClasses": .object([
            "buttons": .object(["borderRadius": .number(8)]),
            "input": .object(
                mode(
                    [
                        "defaults": .object(colors(["backgroundColor": "ffffffff", "borderColor": "7d8998ff"])),
                        "placeholderColor": .string("5f6b7aff"),
                    ],
                    [
                        "defaults": .object(colors(["backgroundColor": "0f1b2aff", "borderColor": "5f6b7aff"])),
                        "placeholderColor": .string("8d99a8ff"),
                    ]
                )
                .merging(["borderRadius": .number(8)]) { $1 }),
            "inputLabel": .object(mode(colors(["textColor": "000716ff"]), colors(["textColor": "d1d5dbff"]))),
            "link": .object(
                mode(
                    ["defaults": .object(colors(["textColor": "0972d3ff"])), "hover": .object(colors(["textColor": "033160ff"]))],
                    ["defaults": .object(colors(["textColor": "539fe5ff"])), "hover": .object(colors(["textColor": "89bdeeff"]))])),
            "focusState": .object(mode(colors(["borderColor": "0972d3ff"]), colors(["borderColor": "539fe5ff"]))),
        ]),
        "components": .object([
            "favicon": .object(["enabledTypes": .array([.string("ICO"), .string("SVG")])]),
            "form": .object(
                mode(
                    colors(["backgroundColor": "ffffffff", "borderColor": "c6c6cdff"]),
                    colors(["backgroundColor": "0f1b2aff", "borderColor": "424650ff"])
                )
                .merging([
                    "borderRadius": .number(8), "backgroundImage": .object(["enabled": .bool(false)]),
                    "logo": .object([
                        "enabled": .bool(false), "formInclusion": .string("IN"), "location": .string("CENTER"),
                        "position": .string("TOP"),
                    ]),
                ]) { $1 }),
            "pageBackground": .object(
                mode(colors(["color": "ffffffff"]), colors(["color": "0f1b2aff"]))
                    .merging(["image": .object(["enabled": .bool(true)])]) { $1 }),
            "pageText": .object(
                mode(
                    colors(["headingColor": "000716ff", "bodyColor": "414d5cff", "descriptionColor": "414d5cff"]),
                    colors(["headingColor": "d1d5dbff", "bodyColor": "b6bec9ff", "descriptionColor": "b6bec9ff"]))),
            "primaryButton": .object(
                mode(
                    [
                        "defaults": .object(colors(["backgroundColor": "0972d3ff", "textColor": "ffffffff"])),
                        "hover": .object(colors(["backgroundColor": "033160ff", "textColor": "ffffffff"])),
                    ],
                    [
                        "defaults": .object(colors(["backgroundColor": "539fe5ff", "textColor": "000716ff"])),
                        "hover": .object(colors(["backgroundColor": "89bdeeff", "textColor": "000716ff"])),
                    ])),
            "alert": .object(
                mode(
                    ["error": .object(colors(["backgroundColor": "fff7f7ff", "borderColor": "d91515ff"]))],
                    ["error": .object(colors(["backgroundColor": "1a0000ff", "borderColor": "eb6f6fff"]))]
                )
                .merging(["borderRadius": .number(12)]) { $1 }),
        ]),
    ])

    // MARK: What the pages apply

    /// CSS custom properties of one colour mode: the pages' stylesheet reads these names.
    static func palette(_ settings: JSONValue, mode: String) -> [(name: String, value: String)] {
        let sources: [(String, [String])] = [
            ("--bg", ["components", "pageBackground", mode, "color"]),
            ("--form-bg", ["components", "form", mode, "backgroundColor"]),
            ("--form-border", ["components", "form", mode, "borderColor"]),
            ("--text", ["components", "pageText", mode, "headingColor"]),
            ("--body", ["components", "pageText", mode, "bodyColor"]),
            ("--muted", ["components", "pageText", mode, "descriptionColor"]),
            ("--label", ["componentClasses", "inputLabel", mode, "textColor"]),
            ("--accent", ["components", "primaryButton", mode, "defaults", "backgroundColor"]),
            ("--accent-text", ["components", "primaryButton", mode, "defaults", "textColor"]),
            ("--accent-hover", ["components", "primaryButton", mode, "hover", "backgroundColor"]),
            ("--link", ["componentClasses", "link", mode, "defaults", "textColor"]),
            ("--input-bg", ["componentClasses", "input", mode, "defaults", "backgroundColor"]),
            ("--input-border", ["componentClasses", "input", mode, "defaults", "borderColor"]),
            ("--focus", ["componentClasses", "focusState", mode, "borderColor"]),
            ("--error", ["components", "alert", mode, "error", "borderColor"]),
            ("--error-bg", ["components", "alert", mode, "error", "backgroundColor"]),
        ]
        return sources.compactMap { name, path in
            guard case .string(let text)? = value(settings, path), isColor(text) else { return nil }
            return (name, "#" + text.lowercased())
        }
    }

    /// Corner radii in pixels, kept to what a page can show.
    static func radii(_ settings: JSONValue) -> [(name: String, value: String)] {
        [
            ("--radius-button", number(settings, "componentClasses", "buttons", "borderRadius")),
            ("--radius-input", number(settings, "componentClasses", "input", "borderRadius")),
            ("--radius-form", number(settings, "components", "form", "borderRadius")),
        ]
        .compactMap { name, value in value.map { (name, "\(Int(min(max($0, 0), 40)))px") } }
    }
}
