import CognateServices
import CognateStorage

/// Wipes the server back to its first start: every record, the cached signing keys, and the moved clock.
/// `POST /_cognate/reset` (and moto's `/moto-api/reset`) and the console's reset do this.
struct ServerReset: Sendable {
    let storage: any Storage
    let keyRing: KeyRing
    /// The services' clock, when it can be moved.
    let clock: OffsetClock?

    func run() async throws {
        try await storage.reset()
        keyRing.forget()
        clock?.setOffset(0)
    }
}
