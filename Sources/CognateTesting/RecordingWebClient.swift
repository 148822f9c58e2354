import CognateServices
import Synchronization

/// Outgoing HTTP in-process (identity providers' token, JWKS and userInfo endpoints): every request is
/// recorded and answered by `answer` (by default 404).
public final class RecordingWebClient: WebClient {
    private let state = Mutex<(requests: [WebRequest], answer: @Sendable (WebRequest) throws -> WebResponse)>(
        ([], { _ in WebResponse(status: 404, headers: [:], body: []) }))

    public init() {}

    public func answer(_ handler: @escaping @Sendable (WebRequest) throws -> WebResponse) {
        state.withLock { $0.answer = handler }
    }

    public var requests: [WebRequest] { state.withLock { $0.requests } }

    public func send(_ request: WebRequest) async throws -> WebResponse {
        let answer = state.withLock { state in
            state.requests.append(request)
            return state.answer
        }
        return try answer(request)
    }
}
