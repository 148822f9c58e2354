import CognateServices
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `PUT /_cognate/user-import/<poolId>/<jobId>?X-Amz-…`: the pre-signed URL CreateUserImportJob answers,
/// taking the CSV file as S3 takes a PUT (`curl -T users.csv -H "x-amz-server-side-encryption:aws:kms"
/// "$URL"`), with S3's XML errors. The body is streamed into storage, never held whole.
struct UserImportUploadEndpoint {
    let upload: UserImportUpload

    func add(to router: Router<some RequestContext>) {
        router.put("/_cognate/user-import/:pool/:job") { request, context -> Response in
            guard let pool = context.parameters.get("pool"), let job = context.parameters.get("job") else { return Self.refuse(.init(404)) }
            let refusal = try await upload.admit(
                poolID: pool, jobID: job, query: request.uri.query ?? "", host: request.head.authority,
                encryption: request.headers[HTTPField.Name("x-amz-server-side-encryption")!],
                contentLength: request.headers[.contentLength])
            if let refusal { return Self.refuse(refusal) }
            let length = Int(request.headers[.contentLength] ?? "") ?? 0
            do {
                let stored = try await upload.store(poolID: pool, jobID: job, length: length, body: request.body.map { $0.readableBytesView })
                var headers = HTTPFields()
                headers[.eTag] = stored.etag
                headers[HTTPField.Name("x-amz-server-side-encryption")!] = "aws:kms"
                return Response(status: .ok, headers: headers)
            } catch let refusal as UserImportUpload.Refusal {
                return Self.refuse(refusal)
            }
        }
    }

    /// S3's error document.
    static func refuse(_ refusal: UserImportUpload.Refusal) -> Response {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>\(escape(refusal.code))</Code><Message>\(escape(refusal.message))</Message></Error>
            """
        return Response(
            status: HTTPResponse.Status(code: refusal.status), headers: [.contentType: "application/xml"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension UserImportUpload.Refusal {
    init(_ status: Int) { self.init(status: status, code: "NoSuchKey", message: "The specified key does not exist.") }
}
