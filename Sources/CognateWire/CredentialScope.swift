import Foundation

/// The region named by a SigV4 `Authorization` header's credential scope. Signatures are not verified.
public enum CredentialScope {
    /// `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/cognito-idp/aws4_request, ...` gives `us-west-2`.
    public static func region(fromAuthorization header: String?) -> String? {
        guard var header else { return nil }
        return header.withUTF8 { bytes -> String? in
            let marker = Array("Credential=".utf8)
            guard bytes.count > marker.count,
                let start = (0...(bytes.count - marker.count)).first(where: { at in
                    marker.indices.allSatisfy { bytes[at + $0] == marker[$0] }
                })
            else { return nil }
            var end = start + marker.count
            while end < bytes.count, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: " ") { end += 1 }
            // AKID/date/region/service/aws4_request: the region is the third part from the end.
            let parts = bytes[(start + marker.count)..<end].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            guard parts.count >= 5 else { return nil }
            let region = parts[parts.count - 3]
            guard (1...maxRegionLength).contains(region.count), region.allSatisfy({ Self.isRegionByte($0) }) else { return nil }
            return String(decoding: region, as: UTF8.self)
        }
    }

    /// The longest region name taken from a scope: AWS's are at most 14 characters (`ap-southeast-5`,
    /// `us-gov-west-1`); a longer one would make pool IDs that no call could name.
    static let maxRegionLength = 20

    private static func isRegionByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
