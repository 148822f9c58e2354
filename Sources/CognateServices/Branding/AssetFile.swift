import CognitoModel
import Foundation

/// The image files of a branding style: their bytes must be what their extension says, the favicons of
/// the type their category names, and the pages serve them with that type.
public enum AssetFile {
    static func check(_ bytes: Data, extension kind: AssetExtensionType, category: AssetCategoryType) throws(CognitoError) {
        if category == .faviconIco && kind != .ico { throw Errors.invalidParameter("A FAVICON_ICO asset must be an ICO file.") }
        if category == .faviconSvg && kind != .svg { throw Errors.invalidParameter("A FAVICON_SVG asset must be an SVG file.") }
        guard !bytes.isEmpty, bytes.count <= 1_000_000 else { throw Errors.invalidParameter("An asset must have 1 to 1,000,000 bytes.") }
        guard matches(bytes, kind) else {
            throw Errors.invalidParameter("The \(category.rawValue) asset is not a valid \(kind.rawValue) file.")
        }
    }

    static func matches(_ bytes: Data, _ kind: AssetExtensionType) -> Bool {
        switch kind {
        case .png: return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .jpeg: return bytes.starts(with: [0xFF, 0xD8, 0xFF])
        case .ico: return bytes.starts(with: [0x00, 0x00, 0x01, 0x00])
        case .webp: return bytes.count >= 12 && bytes.starts(with: Array("RIFF".utf8)) && bytes.dropFirst(8).starts(with: Array("WEBP".utf8))
        case .svg:
            // Text that is an SVG document; whatever script it holds never runs (the pages show it as an image,
            // and it is served with a sandboxing policy).
            guard let text = String(data: bytes.prefix(4_096), encoding: .utf8) else { return false }
            return text.range(of: "<svg", options: .caseInsensitive) != nil
        default: return false
        }
    }

    public static func contentType(_ fileExtension: String) -> String {
        switch fileExtension {
        case "PNG": "image/png"
        case "JPEG": "image/jpeg"
        case "ICO": "image/x-icon"
        case "WEBP": "image/webp"
        case "SVG": "image/svg+xml"
        default: "application/octet-stream"
        }
    }
}
