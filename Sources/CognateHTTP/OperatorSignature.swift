import CognateWire
import CognitoModel
import Hummingbird
import NIOCore

/// The operator's endpoints beside the API — the test endpoints, `/metrics` when it is `signed` — once
/// access keys are configured: each request needs a valid SigV4 signature by one of those keys (service
/// `cognito-idp`, as the API's own), so that whoever may not call AdminSetUserPassword cannot read the
/// outbox, move the clock or wipe the server either. Without keys there is nothing to check.
struct OperatorSignature: Sendable {
    let verifier: SigV4Verifier?

    init(accessKeys: AccessKeys?) {
        verifier = accessKeys.map { SigV4Verifier(keys: $0) }
    }

    /// Bodies these endpoints take are small JSON objects.
    static let maxBody = 64 * 1024

    /// The request's body (read for the signature's hash) and the refusal to answer instead, if any.
    func check(_ request: Request) async -> (body: ByteBuffer, refusal: Response?) {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxBody)
        } catch {
            return (ByteBuffer(), Self.refuse(CognitoError(.requestEntityTooLargeException, "The request body is larger than 64 KiB.")))
        }
        guard let verifier else { return (body, nil) }
        if case .failure(let error) = verifier.verify(AWSEndpoint.signedRequest(request, body: body)) {
            return (body, Self.refuse(error))
        }
        return (body, nil)
    }

    static func refuse(_ error: CognitoError) -> Response {
        AWSEndpoint.response(.error(error, status: 403), requestID: AWSEndpoint.requestID())
    }
}
