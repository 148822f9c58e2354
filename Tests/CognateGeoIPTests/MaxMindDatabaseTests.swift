import CognateGeoIP
import CognateServices
import Foundation
import Testing

/// libmaxminddb over a database the tests' own writer made (Scripts/make-geoip-fixture.py).
@Suite struct MaxMindDatabaseTests {
    static let path = Bundle.module.url(forResource: "Fixtures/test-city", withExtension: "mmdb")!.path

    @Test func placesIPv4AndIPv6AddressesByTheirRecordsEnglishNames() throws {
        let database = try MaxMindDatabase(path: Self.path)
        #expect(database.databaseType == "Cognate-Test-City")
        #expect(try database.locate("127.0.0.1") == GeoLocation(city: "Loopback City", country: "Testland"))
        #expect(try database.locate("192.0.2.77") == GeoLocation(city: "Documentation", country: "Exampleland"))
        #expect(try database.locate("2001:db8::42") == GeoLocation(city: "Six City", country: "Sixland"))
        #expect(try database.locate("203.0.113.9") == GeoLocation(city: "Zürich-Ümlaut", country: "Ñandú Land"))
    }

    @Test func aRecordWithoutACityGivesTheCountryAlone() throws {
        let database = try MaxMindDatabase(path: Self.path)
        #expect(try database.locate("198.51.100.1") == GeoLocation(city: nil, country: "Nocityland"))
    }

    @Test func addressesItDoesNotCoverOrThatAreNotAddressesAreNowhere() throws {
        let database = try MaxMindDatabase(path: Self.path)
        for address in ["8.8.8.8", "::1", "", "localhost", "example.com", "999.1.1.1", "127.0.0.1; DROP", "\u{0}"] {
            #expect(try database.locate(address) == nil, "\(address)")
        }
    }

    @Test func aMissingFileOrOneThatIsNoDatabaseDoesNotOpen() throws {
        #expect(throws: MaxMindDatabase.Failure.self) { try MaxMindDatabase(path: "/nonexistent/geo.mmdb") }
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-geoip-\(UUID().uuidString).mmdb")
        try Data("not a MaxMind database".utf8).write(to: junk)
        defer { try? FileManager.default.removeItem(at: junk) }
        let failure = #expect(throws: MaxMindDatabase.Failure.self) { try MaxMindDatabase(path: junk.path) }
        #expect(failure?.description.isEmpty == false)
    }

    /// A database that breaks on reading is broken, not silent: the lookup fails (callers answer a server error).
    @Test func aCorruptSearchTreeIsAFailureNotAMiss() throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.path))
        bytes.replaceSubrange(0..<6, with: [UInt8](repeating: 0xFF, count: 6))
        let corrupt = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-geoip-\(UUID().uuidString).mmdb")
        try bytes.write(to: corrupt)
        defer { try? FileManager.default.removeItem(at: corrupt) }
        let database = try MaxMindDatabase(path: corrupt.path)
        #expect(throws: MaxMindDatabase.Failure.self) { try database.locate("127.0.0.1") }
    }

    @Test func lookupsFromManyTasksAtOnceAgree() async throws {
        let database = try MaxMindDatabase(path: Self.path)
        try await withThrowingTaskGroup(of: GeoLocation?.self) { group in
            for index in 0..<200 {
                group.addTask { try database.locate(index.isMultiple(of: 2) ? "127.0.0.\(index % 250)" : "8.8.4.\(index % 250)") }
            }
            var placed = 0
            for try await location in group where location != nil {
                #expect(location?.country == "Testland")
                placed += 1
            }
            #expect(placed == 100)
        }
    }
}
