import Foundation
import HTTPTypes
import Hummingbird

/// The cookies of the managed login pages: the session (`cognito`) and the CSRF token (`XSRF-TOKEN`),
/// both HttpOnly and SameSite=Lax (a form posted from another site carries neither), Secure under HTTPS.
enum Cookies {
    static let session = "cognito"
    static let csrf = "XSRF-TOKEN"

    /// A cookie the request carries.
    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0] == name { return pair[1] }
            }
        }
        return nil
    }

    static func set(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    static func clear(_ name: String, secure: Bool) -> String {
        set(name, "", maxAge: 0, secure: secure)
    }
}
