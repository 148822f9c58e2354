import CognitoModel

/// The outcomes every backend translates its driver's errors into.
public enum StorageError: Error, Sendable, Equatable {
    /// No record has the key that was asked for.
    case notFound
    /// A record with the same unique key exists already; `key` names what collided.
    case alreadyExists(key: String)
    /// A pagination token that no listing of this storage issued.
    case invalidPageToken
    /// The database cannot be reached now (a restart, a failover); `reason` says what the driver saw.
    case unavailable(String)
    /// A record family that unauthenticated callers can fill holds as many live records of the pool as it
    /// may (`family` names it): the write is refused, so a flood ends in refusals, never in growth.
    case capacityReached(family: String)
    /// A point-in-time recovery of the pool pauses writes to its user data (see `PointInTimeRecoveryStorage`).
    case recoveryInProgress
}

extension StorageError: CognitoErrorConvertible {
    /// What a caller hears when no service turned the error into one of its own.
    public var cognitoError: CognitoError? {
        switch self {
        case .unavailable:
            return CognitoError(.internalErrorException, "The database is unavailable; try again.")
        case .capacityReached:
            return CognitoError(.tooManyRequestsException, "Too many sign-ins are in progress for this user pool; try again later.")
        case .recoveryInProgress:
            return CognitoError(.operationNotEnabledException, StorageError.recoveryMessage)
        default:
            return nil
        }
    }
}

extension StorageError {
    /// The record `body` reads, or nil when the storage answers that it is absent (`notFound`). Every
    /// other failure — a database that does not answer above all — is rethrown: a read that could not be
    /// made must never pass for a record that is not there.
    @inlinable
    public static func ifPresent<T>(_ body: () async throws -> T) async throws -> T? {
        do {
            return try await body()
        } catch StorageError.notFound {
            return nil
        }
    }
}

extension StorageError {
    /// What a write refused during a point-in-time recovery answers (OperationNotEnabledException).
    public static let recoveryMessage =
        "A point-in-time recovery of this user pool is in progress: writes to user data are paused until it ends."
}
