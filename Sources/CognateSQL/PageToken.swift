import CognateStorage
import Foundation

/// Opaque keyset-pagination tokens: the sort key of the last item of a page, base64-encoded.
enum PageToken {
    static func encode(_ key: [String]) -> String {
        let data = (try? JSONEncoder().encode(key)) ?? Data()
        return data.base64EncodedString()
    }

    /// The sort key in a token; a token this backend did not issue is answered with `invalidToken`.
    static func decode(_ token: String?, parts: Int) throws -> [String]? {
        guard let token else { return nil }
        guard let data = Data(base64Encoded: token),
            let key = try? JSONDecoder().decode([String].self, from: data), key.count == parts
        else { throw StorageError.invalidPageToken }
        return key
    }
}
