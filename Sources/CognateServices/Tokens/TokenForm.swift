/// The token endpoint's form (`application/x-www-form-urlencoded`), read once into its fields: every
/// grant reads these, never the raw form.
public struct TokenForm: Sendable, Equatable {
    public var grantType: String?
    public var clientID: String?
    public var clientSecret: String?
    // authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5)
    public var code: String?
    public var redirectURI: String?
    public var codeVerifier: String?
    // refresh_token
    public var refreshToken: String?
    public var scope: String?
    // token exchange (RFC 8693 §2.1)
    public var subjectToken: String?
    public var subjectTokenType: String?
    public var actorToken: String?
    public var actorTokenType: String?
    public var requestedTokenType: String?
    public var audience: String?
    public var resource: String?
    // revocation (RFC 7009 §2.1)
    public var token: String?

    public init(_ parameters: [String: String]) {
        grantType = parameters["grant_type"]
        clientID = parameters["client_id"]
        clientSecret = parameters["client_secret"]
        code = parameters["code"]
        redirectURI = parameters["redirect_uri"]
        codeVerifier = parameters["code_verifier"]
        refreshToken = parameters["refresh_token"]
        scope = parameters["scope"]
        subjectToken = parameters["subject_token"]
        subjectTokenType = parameters["subject_token_type"]
        actorToken = parameters["actor_token"]
        actorTokenType = parameters["actor_token_type"]
        requestedTokenType = parameters["requested_token_type"]
        audience = parameters["audience"]
        resource = parameters["resource"]
        token = parameters["token"]
    }

    /// The field, present, not empty and at most `maxBytes` long; else nil.
    func required(_ field: KeyPath<TokenForm, String?>, maxBytes: Int) -> String? {
        guard let value = self[keyPath: field], !value.isEmpty, value.utf8.count <= maxBytes else { return nil }
        return value
    }
}
