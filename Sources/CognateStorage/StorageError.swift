/// The outcomes every backend translates its driver's errors into.
public enum StorageError: Error, Sendable, Equatable {
    /// No record has the key that was asked for.
    case notFound
    /// A record with the same unique key exists already; `key` names what collided.
    case alreadyExists(key: String)
    /// A pagination token that no listing of this storage issued.
    case invalidPageToken
}
