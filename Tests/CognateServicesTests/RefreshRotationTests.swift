import CognateStorage
import CognitoModel
import Foundation
import Testing

@testable import CognateServices

/// A refresh token rotated by a concurrent request (on another node, whose clock may read a little later)
/// is refused to the request that lost, even though that one began before the rotation.
@Suite struct RefreshRotationTests {
    let rotation = Date(timeIntervalSince1970: 1_700_000_000)

    func record(rotatedAt: Date?) -> RefreshTokenRecord {
        var record = RefreshTokenRecord(
            tokenHash: "h", poolID: "us-east-1_R", clientID: "c", usernameKey: "u", originJTI: "o", authTime: rotation,
            issuedAt: rotation, expiresAt: rotation.addingTimeInterval(86_400))
        record.rotatedAt = rotatedAt
        return record
    }

    func client(grace: Int?) -> AppClient {
        var settings = UserPoolClientType()
        if let grace { settings.refreshTokenRotation = RefreshTokenRotationType(feature: .enabled, retryGracePeriodSeconds: grace) }
        return AppClient(poolID: "us-east-1_R", clientID: "c", settings: settings, secrets: [])
    }

    @Test func withoutAGracePeriodEveryReuseIsRefused() {
        for offset in [-0.5, 0, 3] {
            #expect(throws: CognitoError.self) {
                try RefreshTokens.checkNotRotatedOut(record(rotatedAt: rotation), client: client(grace: 0), now: rotation.addingTimeInterval(offset))
            }
        }
        #expect(throws: Never.self) { try RefreshTokens.checkNotRotatedOut(record(rotatedAt: nil), client: client(grace: 0), now: rotation) }
    }

    @Test func withAGracePeriodReuseIsTakenUntilItEnds() throws {
        try RefreshTokens.checkNotRotatedOut(record(rotatedAt: rotation), client: client(grace: 10), now: rotation.addingTimeInterval(-1))
        try RefreshTokens.checkNotRotatedOut(record(rotatedAt: rotation), client: client(grace: 10), now: rotation.addingTimeInterval(9))
        #expect(throws: CognitoError.self) {
            try RefreshTokens.checkNotRotatedOut(record(rotatedAt: rotation), client: client(grace: 10), now: rotation.addingTimeInterval(10))
        }
    }
}
