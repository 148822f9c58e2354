import CognateServices
import Testing

/// With --port 0 the public address is completed once the port is bound, so issuers never say port 0.
@Suite struct PublicAddressTests {
    @Test func portZeroBecomesTheBoundPort() {
        let configuration = ServiceConfiguration(publicBaseURL: "http://127.0.0.1:0")
        let copy = configuration
        configuration.publicAddress.bind(port: 53_211)
        #expect(configuration.issuer(poolID: "us-east-1_abc") == "http://127.0.0.1:53211/us-east-1_abc")
        // Every copy of the configuration shares the address the services read.
        #expect(copy.jwksURI(poolID: "us-east-1_abc") == "http://127.0.0.1:53211/us-east-1_abc/.well-known/jwks.json")
        #expect(copy.poolID(fromIssuer: "http://127.0.0.1:53211/us-east-1_abc") == "us-east-1_abc")
    }

    @Test func aGivenPortOrPublicURLStaysAsItIs() {
        for url in ["http://127.0.0.1:9229", "https://auth.example.com", "http://localhost:10"] {
            let address = PublicAddress(url)
            address.bind(port: 4000)
            #expect(address.url == url)
        }
    }
}
