import CognitoModel
import Foundation

/// An answer of the AWS JSON endpoint: status and body, before it becomes an HTTP response.
public struct WireResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The error code when the answer is an error, for logs and `x-amzn-ErrorType`.
    public var errorCode: ErrorCode?

    public init(status: Int, body: [UInt8], errorCode: ErrorCode? = nil) {
        self.status = status
        self.body = body
        self.errorCode = errorCode
    }

    /// `{"__type": code, "message": message}` with the code's status: 500 for faults, else 400.
    public static func error(_ error: CognitoError, status: Int? = nil) -> WireResponse {
        let data = JSONWriter.encode(WireErrorBody(type: error.code.rawValue, message: error.message))
        return WireResponse(status: status ?? (error.code.isFault ? 500 : 400), body: data, errorCode: error.code)
    }
}

/// The body of every error the AWS endpoint answers.
struct WireErrorBody: WireEncodable {
    var type: String
    var message: String

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.member("__type", type)
        json.member("message", message)
        json.endObject()
    }
}
