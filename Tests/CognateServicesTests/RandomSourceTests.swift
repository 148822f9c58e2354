import CognateServices
import Foundation
import Testing

@Suite struct RandomSourceTests {
    @Test func uuidsAreVersionFourAndLowercase() {
        let random = SystemRandom()
        var seen = Set<String>()
        for _ in 0..<200 {
            let uuid = random.uuid()
            #expect(UUID(uuidString: uuid) != nil, "\(uuid)")
            #expect(uuid == uuid.lowercased() && uuid.count == 36)
            let parts = uuid.split(separator: "-")
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
            #expect(parts[2].first == "4", "version 4")
            #expect("89ab".contains(parts[3].first!), "RFC 4122 variant")
            seen.insert(uuid)
        }
        #expect(seen.count == 200)
    }

    @Test func bytesHaveTheAskedLength() {
        for count in [0, 1, 7, 8, 9, 16, 33] {
            #expect(SystemRandom().bytes(count).count == count)
        }
    }
}
