import CognateStorage
import Foundation
import Testing

@testable import CognateServices

/// Passwords become SRP verifiers that check the right password and no other.
@Suite struct PasswordHasherTests {
    @Test func verifierChecksThePassword() {
        let hasher = PasswordHasher(random: SystemRandom())
        let credential = hasher.credential(for: "Secr3t-Pass!", poolID: "us-east-1_Abc", username: "alice", at: Date())
        #expect(credential.verifier.count == 384)
        #expect(PasswordHasher.matches("Secr3t-Pass!", poolID: "us-east-1_Abc", username: "alice", credential))
        #expect(!PasswordHasher.matches("secr3t-Pass!", poolID: "us-east-1_Abc", username: "alice", credential))
        // The verifier is bound to the pool and the username, as Cognito's is.
        #expect(!PasswordHasher.matches("Secr3t-Pass!", poolID: "us-east-1_Other", username: "alice", credential))
        #expect(!PasswordHasher.matches("Secr3t-Pass!", poolID: "us-east-1_Abc", username: "bob", credential))
    }

    @Test func saltsDiffer() {
        let hasher = PasswordHasher(random: SystemRandom())
        let a = hasher.credential(for: "same", poolID: "us-east-1_Abc", username: "u", at: Date())
        let b = hasher.credential(for: "same", poolID: "us-east-1_Abc", username: "u", at: Date())
        #expect(a.saltHex != b.saltHex && a.verifier != b.verifier)
    }
}
