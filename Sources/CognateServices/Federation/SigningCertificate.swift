import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import Logging
import SwiftASN1
import X509
import _CryptoExtras

/// GetSigningCertificate: the X.509 certificate of the key the pool signs SAML requests with, valid ten
/// years from the key's creation (base64 DER, as AWS answers it). The certificate is made from the pool's
/// RSA signing key and its creation date alone, and RSA PKCS #1 v1.5 signatures are deterministic, so every
/// call — on any node — answers the same certificate.
struct SigningCertificate {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let validity: TimeInterval = 10 * 365.25 * 86_400

    func register(in table: inout OperationTable) {
        table.register(Operations.GetSigningCertificate.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            return GetSigningCertificateResponse(certificate: try await certificate(pool: pool))
        }
    }

    func certificate(pool: UserPool) async throws -> String {
        _ = try await deps.keyRing.signer(poolID: pool.id)
        guard let key = try await deps.storage.signingKeys(poolID: pool.id).first else {
            throw CognitoError(.internalErrorException, "The user pool has no signing key.")
        }
        do {
            let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: key.privateKeyPEM)
            let privateKey = Certificate.PrivateKey(rsa)
            let name = try DistinguishedName {
                CommonName("urn:amazon:cognito:sp:" + pool.id)
                OrganizationName("Cognate")
            }
            // The serial number: the key's ID (hex), positive.
            let serial = Array(key.kid.utf8.prefix(19))
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x01] + serial), publicKey: privateKey.publicKey,
                notValidBefore: key.createdAt, notValidAfter: key.createdAt.addingTimeInterval(Self.validity), issuer: name, subject: name,
                signatureAlgorithm: .sha256WithRSAEncryption,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                }, issuerPrivateKey: privateKey)
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return Data(serializer.serializedBytes).base64EncodedString()
        } catch {
            deps.logger.error("signing certificate: \(error)")
            throw CognitoError(.internalErrorException, "The signing certificate could not be made.")
        }
    }
}
