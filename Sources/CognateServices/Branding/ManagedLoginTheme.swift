import CognateStorage
import CognitoModel
import Foundation

/// A branding style as the managed login pages apply it: its settings over Cognito's defaults become CSS
/// custom properties for the colour scheme it asks for (light, dark, or the browser's), and its assets the
/// form logo, page background and favicon.
enum ManagedLoginTheme {
    static func pageBranding(_ style: BrandingStyle) -> PageBranding {
        let settings = style.settings.map { BrandingSettings.merge(BrandingSettings.defaults, $0) } ?? BrandingSettings.defaults
        let scheme = BrandingSettings.string(settings, "categories", "global", "colorSchemeMode") ?? "LIGHT"
        func declarations(_ mode: String) -> String {
            (BrandingSettings.palette(settings, mode: mode) + BrandingSettings.radii(settings)).map { "\($0.name): \($0.value);" }
                .joined(separator: " ")
        }
        let css: String
        switch scheme {
        case "DARK":
            css = ":root { color-scheme: dark; \(declarations("darkMode")) }"
        case "DYNAMIC":
            css =
                ":root { color-scheme: light dark; \(declarations("lightMode")) } "
                + "@media (prefers-color-scheme: dark) { :root { \(declarations("darkMode")) } }"
        default:
            css = ":root { color-scheme: light; \(declarations("lightMode")) }"
        }
        // The image for the scheme: its own mode first, then one for every mode.
        let modes = scheme == "DARK" ? ["DARK", "DYNAMIC"] : scheme == "DYNAMIC" ? ["DYNAMIC", "LIGHT"] : ["LIGHT", "DYNAMIC"]
        func asset(_ category: AssetCategoryType) -> BrandingAsset? {
            for mode in modes {
                if let found = style.assets.first(where: { $0.category == category.rawValue && $0.colorMode == mode }) { return found }
            }
            return nil
        }
        var branding = PageBranding(themeCSS: css)
        if BrandingSettings.bool(settings, "components", "form", "logo", "enabled") == true, let logo = asset(.formLogo) {
            branding.logoPath = path(style, logo)
        }
        if BrandingSettings.bool(settings, "components", "pageBackground", "image", "enabled") != false, let background = asset(.pageBackground) {
            branding.backgroundPath = path(style, background)
        }
        if let favicon = asset(.faviconSvg) ?? asset(.faviconIco) {
            branding.faviconPath = path(style, favicon)
            branding.faviconType = AssetFile.contentType(favicon.fileExtension)
        }
        return branding
    }

    /// Where the pages load an asset from; the modification time in the path makes a changed style a new URL.
    static func path(_ style: BrandingStyle, _ asset: BrandingAsset) -> String {
        "/managed-login/assets/\(style.poolID)/\(style.brandingID)/\(Int(style.lastModifiedDate.timeIntervalSince1970 * 1000))/"
            + "\(asset.category)/\(asset.colorMode)"
    }

    /// An asset for `/managed-login/assets/…`: its bytes and content type.
    static func asset(_ style: BrandingStyle, category: String, colorMode: String) -> (Data, String)? {
        guard let found = style.assets.first(where: { $0.category == category && $0.colorMode == colorMode }) else { return nil }
        return (found.bytes, AssetFile.contentType(found.fileExtension))
    }
}
