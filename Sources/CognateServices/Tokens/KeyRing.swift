import CognateCrypto
import CognateStorage
import Foundation
import Synchronization

/// Each pool's token signers, parsed once and kept. A pool's first key is generated on first use,
/// outside any transaction, and stored with `ensureSigningKey` so concurrent first uses agree on one key.
/// On a database several nodes share, the kept signers hold while the storage's change count does: a pool
/// deleted and made again under its ID on another node (a reset, a fixed ID) changes it, and the keys are
/// then read again (and parsed again only when they differ).
public final class KeyRing: Sendable {
    private let storage: any Storage
    private let clock: any Clock
    private struct Entry {
        var signers: [TokenSigner]
        /// The storage's `sharedChangeCount` when they were read.
        var changeCount: Int64?
    }
    private let cache = Mutex<[String: Entry]>([:])
    /// Access tokens already verified by these keys.
    let verified = VerifiedTokens()

    public init(storage: any Storage, clock: any Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// The key new tokens of the pool are signed with.
    func signer(poolID: String) async throws -> TokenSigner {
        if let first = try await signers(poolID: poolID).first { return first }
        let changeCount = try await storage.sharedChangeCount()
        let generated = try TokenSigner.generateKey()
        let stored = try await storage.ensureSigningKey(
            SigningKey(poolID: poolID, kid: generated.kid, privateKeyPEM: generated.pem, createdAt: clock.now()))
        let signer = try TokenSigner(privateKeyPEM: stored.privateKeyPEM, kid: stored.kid)
        cache.withLock { $0[poolID] = Entry(signers: [signer], changeCount: changeCount) }
        return signer
    }

    /// Every key of the pool, newest first (all of them verify; the first signs).
    func signers(poolID: String) async throws -> [TokenSigner] {
        let changeCount = try await storage.sharedChangeCount()
        let cached = cache.withLock { $0[poolID] }
        if let cached, cached.changeCount == changeCount { return cached.signers }
        let keys = try await storage.signingKeys(poolID: poolID)
        guard !keys.isEmpty else {
            if cached != nil { forget(poolID: poolID) }
            return []
        }
        let signers: [TokenSigner]
        if let cached, cached.signers.map(\.kid) == keys.map(\.kid) {
            signers = cached.signers
        } else {
            signers = try keys.map { try TokenSigner(privateKeyPEM: $0.privateKeyPEM, kid: $0.kid) }
            // Tokens verified by keys the pool no longer has are not good any more.
            if cached != nil { verified.forget(poolID: poolID) }
        }
        cache.withLock { $0[poolID] = Entry(signers: signers, changeCount: changeCount) }
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
