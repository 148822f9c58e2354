/// Where an address is, as a geo-IP database names it: English names, either of which may be unknown.
public struct GeoLocation: Sendable, Equatable {
    public var city: String?
    public var country: String?

    public init(city: String?, country: String?) {
        self.city = city
        self.country = country
    }
}

/// Places a client's IP address (sessions' `LastLocation`). Answers nil for an address the database does not
/// cover or that is not an IP address; throws only when the database cannot be read.
public protocol GeoLocator: Sendable {
    func locate(_ address: String) throws -> GeoLocation?
}
