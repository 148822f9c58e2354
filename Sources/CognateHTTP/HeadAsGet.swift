import HTTPTypes
import Hummingbird

/// Answers `HEAD` wherever `GET` is served (RFC 9110 §9.3.2): the same status and headers, no body. It
/// wraps the router's responder, since a router resolves the route before any middleware runs.
struct HeadAsGet<Builder: HTTPResponderBuilder>: HTTPResponderBuilder {
    let router: Builder

    func buildResponder() -> Responder { Responder(inner: router.buildResponder()) }

    struct Responder: HTTPResponder {
        let inner: Builder.Responder

        func respond(to request: Request, context: Builder.Responder.Context) async throws -> Response {
            guard request.method == .head else { return try await inner.respond(to: request, context: context) }
            var head = request.head
            head.method = .get
            var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
            response.body = .init()
            return response
        }
    }
}
