import CognateCrypto
import CognateStorage
import Foundation
import Synchronization

/// Each pool's token signers, parsed once and kept. A pool's first key is generated on first use,
/// outside any transaction, and stored with `ensureSigningKey` so concurrent first uses agree on one key.
public final class KeyRing: Sendable {
    private let storage: any Storage
    private let clock: any Clock
    private let cache = Mutex<[String: [TokenSigner]]>([:])
    /// Access tokens already verified by these keys.
    let verified = VerifiedTokens()

    public init(storage: any Storage, clock: any Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// The key new tokens of the pool are signed with.
    func signer(poolID: String) async throws -> TokenSigner {
        if let first = try await signers(poolID: poolID).first { return first }
        let generated = try TokenSigner.generateKey()
        let stored = try await storage.ensureSigningKey(
            SigningKey(poolID: poolID, kid: generated.kid, privateKeyPEM: generated.pem, createdAt: clock.now()))
        let signer = try TokenSigner(privateKeyPEM: stored.privateKeyPEM, kid: stored.kid)
        cache.withLock { $0[poolID] = [signer] }
        return signer
    }

    /// Every key of the pool, newest first (all of them verify; the first signs).
    func signers(poolID: String) async throws -> [TokenSigner] {
        if let cached = cache.withLock({ $0[poolID] }) { return cached }
        let keys = try await storage.signingKeys(poolID: poolID)
        guard !keys.isEmpty else { return [] }
        let signers = try keys.map { try TokenSigner(privateKeyPEM: $0.privateKeyPEM, kid: $0.kid) }
        cache.withLock { $0[poolID] = signers }
        return signers
    }

    /// Forgets cached keys (after a reset or a pool deletion).
    public func forget(poolID: String? = nil) {
        cache.withLock { cache in
            if let poolID { cache[poolID] = nil } else { cache.removeAll() }
        }
        verified.forget(poolID: poolID)
    }

    /// The pool's JWKS document: `{"keys": [...]}`, generating the pool's key if it has none yet.
    public func jwks(poolID: String) async throws -> [String: [[String: String]]] {
        _ = try await signer(poolID: poolID)
        return ["keys": try await signers(poolID: poolID).map { try $0.jwk() }]
    }
}
