import Testing

@testable import CognateQRCode

/// The QR encoder's parts against the standard's numbers; the e2e suite decodes whole codes with zxing.
@Suite struct QRCodeTests {
    /// ISO/IEC 18004's well-known example: "HELLO WORLD" at 1-M, whose error-correction codewords are published.
    @Test func reedSolomonMatchesThePublishedExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ec = ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10))
        #expect(ec == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test func capacitiesAndVersions() throws {
        #expect(QRCode.dataCapacity(1) == 14)
        #expect(QRCode.dataCapacity(7) == 122)
        #expect(QRCode.dataCapacity(10) == 213)
        #expect(QRCode.dataCapacity(15) == QRCode.maxBytes)
        #expect(QRCode.alignmentPositions(7) == [6, 22, 38])
        #expect(QRCode.alignmentPositions(15) == [6, 26, 48, 70])
        #expect(try QRCode(String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(String(repeating: "a", count: 123)).version == 8)
        #expect(throws: QRCode.EncodingError.tooLong) { try QRCode(String(repeating: "a", count: 413)) }
    }

    @Test func finderPatternsAndTheDarkModuleAreInPlace() throws {
        let code = try QRCode("otpauth://totp/Cognate:alice?secret=JBSWY3DPEHPK3PXP&issuer=Cognate")
        for (x, y) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            #expect(code.isDark(x: x, y: y) && code.isDark(x: x + 6, y: y + 6) && code.isDark(x: x + 3, y: y + 3))
            #expect(!code.isDark(x: x + 1, y: y + 1))
        }
        #expect(code.isDark(x: 8, y: code.size - 8))
        #expect(code.svg(label: "QR").hasPrefix("<svg"))
    }
}
