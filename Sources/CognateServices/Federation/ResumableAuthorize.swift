import CognateStorage

/// What of an authorize request a sign-in at an identity provider keeps until the provider answers: the
/// parameters `AuthorizeRequest.check` reads when the sign-in resumes, and nothing else, within
/// `FederationState.maxQuerySize` bytes. Anyone can start such a sign-in, so what it stores is small.
enum ResumableAuthorize {
    static let parameters: Set<String> = [
        "client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "prompt",
        "identity_provider", "idp_identifier", "lang",
    ]

    /// The parameters to keep, or nil when they are larger than a sign-in may store.
    static func kept(_ query: [String: String]) -> [String: String]? {
        let kept = query.filter { parameters.contains($0.key) }
        let size = kept.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        return size <= FederationState.maxQuerySize ? kept : nil
    }

    static let tooLarge = "The authorize request is too large to be resumed after the identity provider answers."
}
