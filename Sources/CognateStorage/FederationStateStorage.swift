/// Sign-ins waiting for an identity provider's answer: stored once, taken once (a second take is
/// `notFound`). They go with their pool; backends may drop expired ones.
public protocol FederationStateStorage: Sendable {
    func createFederationState(_ state: FederationState) async throws
    /// Removes and answers the state.
    func takeFederationState(hash: String) async throws -> FederationState
}
