import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateTerms, DescribeTerms, DescribeTermsByClient, UpdateTerms, DeleteTerms and ListTerms: an app
/// client's terms of use and privacy policy, linked from its sign-up page.
struct TermsService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateTerms.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            _ = try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.appClient(poolID: input.userPoolId, clientID: input.clientId)
            }
            guard let links = input.links, !links.isEmpty else { throw Errors.invalidParameter("Links must name at least one document.") }
            try Self.checkLinks(links)
            let now = deps.clock.now()
            let terms = TermsDocument(
                termsID: deps.random.uuid(), poolID: input.userPoolId, clientID: input.clientId, name: input.termsName,
                source: input.termsSource.rawValue, enforcement: input.enforcement.rawValue, links: links, creationDate: now,
                lastModifiedDate: now)
            do {
                try await deps.storage.createTerms(terms)
            } catch StorageError.alreadyExists {
                throw Self.exists(input.termsName, input.clientId)
            }
            return CreateTermsResponse(terms: Self.wire(terms))
        }
        table.register(Operations.DescribeTerms.self) { input, _ in
            DescribeTermsResponse(terms: Self.wire(try await load(input.userPoolId, input.termsId)))
        }
        table.register(Operations.DescribeTermsByClient.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            guard
                let terms = try await deps.storage.terms(poolID: input.userPoolId, clientID: input.clientId)
                    .first(where: { $0.name == input.termsName })
            else { throw CognitoError(.resourceNotFoundException, "The app client \(input.clientId) has no \(input.termsName) terms.") }
            return DescribeTermsByClientResponse(terms: Self.wire(terms))
        }
        table.register(Operations.UpdateTerms.self) { input, _ in
            _ = try await load(input.userPoolId, input.termsId)
            if let links = input.links {
                if links.isEmpty { throw Errors.invalidParameter("Links must name at least one document.") }
                try Self.checkLinks(links)
            }
            let now = deps.clock.now()
            do {
                let updated = try await deps.storage.updateTerms(poolID: input.userPoolId, termsID: input.termsId) { terms in
                    if let name = input.termsName { terms.name = name }
                    if let source = input.termsSource { terms.source = source.rawValue }
                    if let enforcement = input.enforcement { terms.enforcement = enforcement.rawValue }
                    if let links = input.links { terms.links = links }
                    terms.lastModifiedDate = now
                }
                return UpdateTermsResponse(terms: Self.wire(updated))
            } catch StorageError.alreadyExists {
                throw Self.exists(input.termsName ?? "", "this client")
            }
        }
        table.register(Operations.DeleteTerms.self) { input, _ in
            _ = try await load(input.userPoolId, input.termsId)
            try await StorageError.map(notFound: Self.notFound(input.termsId)) {
                try await deps.storage.deleteTerms(poolID: input.userPoolId, termsID: input.termsId)
            }
            return .init()
        }
        table.register(Operations.ListTerms.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listTerms(poolID: input.userPoolId, PageRequest(token: input.nextToken, limit: input.maxResults ?? 60))
            }
            return ListTermsResponse(
                terms: page.items.map {
                    TermsDescriptionType(
                        termsId: $0.termsID, termsName: $0.name, enforcement: TermsEnforcementType(rawValue: $0.enforcement),
                        creationDate: $0.creationDate, lastModifiedDate: $0.lastModifiedDate)
                },
                nextToken: page.nextToken)
        }
    }

    private func load(_ poolID: String, _ termsID: String) async throws -> TermsDocument {
        _ = try await UserPoolService(deps).load(poolID)
        return try await StorageError.map(notFound: Self.notFound(termsID)) { try await deps.storage.terms(poolID: poolID, termsID: termsID) }
    }

    /// The documents are web pages: links are http or https URLs, nothing a page could run.
    static func checkLinks(_ links: [String: String]) throws(CognitoError) {
        for link in links.values where !(link.lowercased().hasPrefix("https://") || link.lowercased().hasPrefix("http://")) {
            throw Errors.invalidParameter("The link \(link.prefix(256)) is not an http or https URL.")
        }
    }

    static func exists(_ name: String, _ clientID: String) -> CognitoError {
        CognitoError(.termsExistsException, "Terms of type \(name) already exist for app client \(clientID).")
    }

    static func notFound(_ termsID: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "Terms \(termsID) do not exist.")
    }

    static func wire(_ terms: TermsDocument) -> TermsType {
        TermsType(
            termsId: terms.termsID, userPoolId: terms.poolID, clientId: terms.clientID, termsName: terms.name,
            termsSource: TermsSourceType(rawValue: terms.source), enforcement: TermsEnforcementType(rawValue: terms.enforcement),
            links: terms.links, creationDate: terms.creationDate, lastModifiedDate: terms.lastModifiedDate)
    }

    /// The links the sign-up page shows: only once the client has both documents (AWS), each in the
    /// default language.
    static func signUpLinks(_ deps: ServiceDependencies, client: AppClient) async throws -> (termsOfUse: String, privacy: String)? {
        guard let documents = try await StorageError.ifPresent({ try await deps.storage.terms(poolID: client.poolID, clientID: client.clientID) })
        else { return nil }
        func link(_ name: String) -> String? {
            guard let links = documents.first(where: { $0.name == name })?.links else { return nil }
            return links["cognito:default"] ?? links["cognito:english"] ?? links.sorted { $0.key < $1.key }.first?.value
        }
        guard let terms = link("terms-of-use"), let privacy = link("privacy-policy") else { return nil }
        return (terms, privacy)
    }
}
