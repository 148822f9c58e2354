import Foundation

/// One change to a pool's user data as the recovery journal keeps it: what the changed record was before it.
public struct RecoveryJournalEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A user record; the key is its username key, the image its stored form.
        case user
        /// A group; the key is its name, the image its stored form.
        case group
        /// A group membership; the key is `membershipKey(group:user:)`, the image `member` when it existed.
        case membership
    }

    public var kind: Kind
    public var key: String
    /// The record before the change; nil: there was none.
    public var before: Data?

    public init(kind: Kind, key: String, before: Data?) {
        self.kind = kind
        self.key = key
        self.before = before
    }

    /// The image of a membership that existed (one byte: an empty value may be read back as none).
    public static let member = Data([1])

    /// Group names and usernames hold no whitespace (AWS's patterns), so a tab parts them; a NUL, which
    /// PostgreSQL's text refuses, could not.
    public static func membershipKey(group: String, user: String) -> String { group + "\t" + user }

    /// The group and username key of a membership key.
    public static func membership(_ key: String) -> (group: String, user: String)? {
        let parts = key.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}

/// What a point-in-time recovery changes, worked out from the first journal entry of each record changed after
/// the recovery point (its state at the point) and the record as it is now. The preview counts it; the restore
/// writes it. Records whose state at the point is what they are now (in the part a recovery restores) are
/// left alone.
public struct RecoveryPlan: Sendable {
    /// A user to write back (as merged by `User.restored(over:point:)`), or to delete (nil).
    public var users: [(key: String, restored: User?)] = []
    public var groups: [(name: String, restored: Group?)] = []
    public var memberships: [(group: String, user: String, member: Bool)] = []
    /// The preview: Users, Groups (groups and memberships), User MFAs, Passkeys.
    public var counts: [RecoveryCount]

    /// - Parameters:
    ///   - entries: the first entry of each record changed after the point through the trigger time.
    ///   - users: the users those entries name, as they are now (absent: none now).
    ///   - groups: the groups they name, as they are now.
    ///   - members: the membership keys they name that exist now.
    ///   - decodeUser, decodeGroup: a before-image's record.
    public init(
        entries: [RecoveryJournalEntry], point: Date, users current: [String: User], groups currentGroups: [String: Group],
        members: Set<String>, decodeUser: (Data) throws -> User, decodeGroup: (Data) throws -> Group
    ) throws {
        var usersCount = RecoveryCount(entity: "Users")
        var groupsCount = RecoveryCount(entity: "Groups")
        var mfaCount = RecoveryCount(entity: "User MFAs")
        var passkeyCount = RecoveryCount(entity: "Passkeys")
        for entry in entries {
            switch entry.kind {
            case .user:
                let now = current[entry.key]
                let then = try entry.before.map(decodeUser)?.restored(over: now, point: point)
                switch (then, now) {
                case (nil, nil): continue
                case (nil, .some): usersCount.delete += 1
                case (.some, nil): usersCount.create += 1
                case (.some(let then), .some(let now)):
                    if then.recoverable == now.recoverable { continue }
                    usersCount.update += 1
                }
                Self.count(&mfaCount, then?.recoverableMFA, now?.recoverableMFA)
                let passkeysThen = Dictionary((then?.recoverablePasskeys ?? []).map { ($0.credentialID, $0) }) { first, _ in first }
                let passkeysNow = Dictionary((now?.recoverablePasskeys ?? []).map { ($0.credentialID, $0) }) { first, _ in first }
                for id in Set(passkeysThen.keys).union(passkeysNow.keys) {
                    Self.count(&passkeyCount, passkeysThen[id], passkeysNow[id])
                }
                users.append((entry.key, then))
            case .group:
                let now = currentGroups[entry.key]
                let then = try entry.before.map(decodeGroup)
                if then == now { continue }
                Self.count(&groupsCount, then, now)
                groups.append((entry.key, then))
            case .membership:
                guard let (group, user) = RecoveryJournalEntry.membership(entry.key) else { continue }
                let then = entry.before != nil
                let now = members.contains(entry.key)
                if then == now { continue }
                if then { groupsCount.create += 1 } else { groupsCount.delete += 1 }
                memberships.append((group, user, then))
            }
        }
        counts = [usersCount, groupsCount, mfaCount, passkeyCount]
    }

    /// Counts one record: made again, changed back, or removed.
    private static func count<T: Equatable>(_ count: inout RecoveryCount, _ then: T?, _ now: T?) {
        switch (then, now) {
        case (nil, nil): break
        case (nil, .some): count.delete += 1
        case (.some, nil): count.create += 1
        case (.some(let then), .some(let now)): if then != now { count.update += 1 }
        }
    }
}
