import CMaxMindDB
import CognateServices

/// A geo-IP database in the MaxMind DB format (GeoLite2-City, GeoIP2-City, DB-IP's lite databases, …) read with
/// libmaxminddb. The file is mapped into memory once and read by any number of tasks at a time (libmaxminddb's
/// lookups only read). Places an address by its record's `city.names.en` and `country.names.en`.
public final class MaxMindDatabase: GeoLocator, @unchecked Sendable {
    /// Why a database could not be opened or read, in libmaxminddb's words.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let handle: UnsafeMutablePointer<MMDB_s>

    /// Opens the database at `path`; throws when the file is missing or is not a MaxMind DB.
    public init(path: String) throws(Failure) {
        // Opened before it is stored: a class whose properties are all set runs its deinit when init throws.
        let opened = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), opened)
        guard status == MMDB_SUCCESS else {
            opened.deallocate()
            throw Failure(description: Self.message(status))
        }
        handle = opened
    }

    deinit {
        MMDB_close(handle)
        handle.deallocate()
    }

    /// The database's type as its metadata names it (`GeoLite2-City`).
    public var databaseType: String { String(cString: handle.pointee.metadata.database_type) }

    public func locate(_ address: String) throws(Failure) -> GeoLocation? {
        var addressError: Int32 = 0
        var status: Int32 = MMDB_SUCCESS
        var result = MMDB_lookup_string(handle, address, &addressError, &status)
        // Not an IP address (libmaxminddb asks getaddrinfo for numeric hosts only: no name is resolved), or an
        // IPv6 address in a database of IPv4 networks: nowhere the database can say.
        if addressError != 0 || status == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR { return nil }
        guard status == MMDB_SUCCESS else { throw Failure(description: Self.message(status)) }
        guard result.found_entry else { return nil }
        let location = GeoLocation(
            city: try Self.string(&result.entry, "city", "names", "en"), country: try Self.string(&result.entry, "country", "names", "en"))
        return location.city == nil && location.country == nil ? nil : location
    }

    private static func string(_ entry: inout MMDB_entry_s, _ first: String, _ second: String, _ third: String) throws(Failure) -> String? {
        var pointer: UnsafePointer<CChar>?
        var length: UInt32 = 0
        let status = cognate_mmdb_string(&entry, first, second, third, &pointer, &length)
        guard status == MMDB_SUCCESS else { throw Failure(description: message(status)) }
        guard let pointer, length > 0 else { return nil }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: Int(length))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func message(_ status: Int32) -> String { String(cString: MMDB_strerror(status)) }
}
