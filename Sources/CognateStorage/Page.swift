/// One page of a listing, with the token of the next page when there is one.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextToken: String?

    public init(items: [Item], nextToken: String?) {
        self.items = items
        self.nextToken = nextToken
    }
}

/// Where a listing starts and how many items it returns.
public struct PageRequest: Sendable, Equatable {
    /// The opaque token from a previous page, or nil for the first page.
    public var token: String?
    public var limit: Int

    public init(token: String? = nil, limit: Int) {
        self.token = token
        self.limit = limit
    }
}
