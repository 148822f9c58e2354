import CognateStorage
import CognitoModel
import Foundation
import Testing

@testable import CognateServices

/// Managed login settings documents: what is refused, how a request merges into a style, and what the pages
/// get out of it.
@Suite struct BrandingSettingsTests {
    @Test func coloursMustBeHexadecimal() throws {
        try BrandingSettings.check(.object(["components": .object(["form": .object(["lightMode": .object(["borderColor": .string("c6c6cdff")])])])]))
        for bad: JSONValue in [.string("red"), .string("c6c6cd;x"), .number(3), .string("#c6c6cd")] {
            #expect(throws: CognitoError.self) {
                try BrandingSettings.check(.object(["components": .object(["pageBackground": .object(["lightMode": .object(["color": bad])])])]))
            }
        }
        #expect(throws: CognitoError.self) { try BrandingSettings.check(.array([])) }
    }

    @Test func requestsMergeIntoTheStyle() {
        let stored: JSONValue = .object(["a": .object(["b": .number(1), "c": .number(2)]), "d": .string("x")])
        let merged = BrandingSettings.merge(stored, .object(["a": .object(["c": .number(3)]), "e": .bool(true)]))
        #expect(merged == .object(["a": .object(["b": .number(1), "c": .number(3)]), "d": .string("x"), "e": .bool(true)]))
        #expect(BrandingSettings.merge(nil, .string("y")) == .string("y"))
    }

    @Test func theDefaultsGiveCognitosColoursAndADarkSchemeItsOwn() {
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        var style = BrandingStyle(
            brandingID: "b", poolID: "us-east-1_P", clientID: "c", useCognitoProvidedValues: true, settings: nil,
            assets: [], creationDate: date, lastModifiedDate: date)
        let light = ManagedLoginTheme.pageBranding(style).themeCSS ?? ""
        #expect(light.contains("--accent: #0972d3ff;") && light.contains("color-scheme: light") && light.contains("--radius-form: 8px;"))
        style.settings = .object(["categories": .object(["global": .object(["colorSchemeMode": .string("DARK")])])])
        style.assets = [BrandingAsset(category: "FORM_LOGO", colorMode: "DARK", fileExtension: "PNG", bytes: Data([1]))]
        let dark = ManagedLoginTheme.pageBranding(style)
        #expect(dark.themeCSS?.contains("--accent: #539fe5ff;") == true)
        #expect(dark.logoPath == nil)  // the form logo is off until the settings turn it on
        style.settings = BrandingSettings.merge(
            style.settings, .object(["components": .object(["form": .object(["logo": .object(["enabled": .bool(true)])])])]))
        #expect(ManagedLoginTheme.pageBranding(style).logoPath == "/managed-login/assets/us-east-1_P/b/1800000000000/FORM_LOGO/DARK")
    }
}
