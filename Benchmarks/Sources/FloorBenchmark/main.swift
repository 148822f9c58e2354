// The cryptographic floor of each scenario: the CPU time of the cryptography a request cannot avoid, measured
// with Cognate's own code paths on this machine in this run (Scripts/bench.sh runs it before the servers).
// Prints JSON: milliseconds of thread CPU time per primitive, the best of several rounds. A scenario's floor
// is a sum of these (Benchmarks/bench.py, FLOORS); its server CPU per request is reported as a multiple of it.
import CognateCrypto
import Foundation

/// This thread's CPU time in nanoseconds: the figure the servers' CPU ms/req is compared with.
func threadCPU() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Best CPU ms per call over `rounds` rounds of `iterations` calls: on a shared machine the minimum is the
/// figure least disturbed by other work.
func best(rounds: Int = 15, iterations: Int, _ body: (Int) throws -> Void) rethrows -> Double {
    try body(0)  // warm up
    var best = Double.infinity
    for _ in 0..<rounds {
        let start = threadCPU()
        for i in 0..<iterations { try body(i) }
        best = min(best, Double(threadCPU() - start) / Double(iterations) / 1_000_000)
    }
    return best
}

let srp = CognitoSRP.shared
let (pem, kid) = try TokenSigner.generateKey()
let signer = try TokenSigner(privateKeyPEM: pem, kid: kid)
// An access token's claims as Cognate issues them (about the size of a real one).
let claims: [String: Any] = [
    "sub": UUID().uuidString.lowercased(), "iss": "http://127.0.0.1:9229/us-east-1_AbCdEfGhI", "client_id": "26ubd5sjf4ue2mjlpqmqh0p0kk",
    "origin_jti": UUID().uuidString.lowercased(), "event_id": UUID().uuidString.lowercased(), "token_use": "access",
    "scope": "aws.cognito.signin.user.admin", "auth_time": 1_764_806_400, "exp": 1_764_810_000, "iat": 1_764_806_400,
    "jti": UUID().uuidString.lowercased(), "username": "user-000001",
]
let payload = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
let saltHex = CognitoSRP.saltHex(random: (0..<16).map { _ in UInt8.random(in: 0...255) })
let verifier = srp.verifier(poolID: "us-east-1_AbCdEfGhI", userID: "user-000001", password: "Bench-Passw0rd!", saltHex: saltHex)
let secrets = (0..<64).map { _ in (0..<32).map { _ in UInt8.random(in: 0...255) } }
// A client's public value of the same size as a real A (any non-zero element of the group costs the same).
let clientPublic = srp.serverPublic(verifier: verifier, secret: secrets[63])
let token = try signer.sign(payload: payload)

let rs256Sign = try best(iterations: 200) { _ in _ = try signer.sign(payload: payload) }
let passwordCheck = best(iterations: 100) { i in
    _ = srp.verifier(poolID: "us-east-1_AbCdEfGhI", userID: "user-000001", password: "Bench-Passw0rd!\(i % 2)", saltHex: saltHex)
}
let srpServer = best(iterations: 40) { i in
    let serverPublic = srp.serverPublic(verifier: verifier, secret: secrets[i % 63])
    _ = srp.sessionKey(clientPublic: clientPublic, serverPublic: serverPublic, serverSecret: secrets[i % 63], verifier: verifier)
}
let rs256Verify = best(iterations: 2_000) { _ in
    guard let parts = JWTParts(token), signer.isValidSignature(parts.signature, for: parts.signingInput) else { fatalError("a token of this run's key does not verify") }
}

let result: [String: Double] = [
    "rs256_sign_ms": rs256Sign, "password_check_ms": passwordCheck, "srp_server_ms": srpServer, "rs256_verify_ms": rs256Verify,
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
