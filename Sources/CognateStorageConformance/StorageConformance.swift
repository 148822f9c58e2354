import CognateStorage
import CognitoModel
import Foundation

/// The checks every storage backend must pass. A backend's test target runs each one against a fresh,
/// empty storage (see `CognateSQLiteTests`). Checks throw `ConformanceFailure` when the backend misbehaves.
public enum StorageConformance {
    public typealias Check = @Sendable (any Storage) async throws -> Void

    /// Every check, by name: the union of every record family's (`RecordFamily`).
    public static let checks: [String: Check] = RecordFamily.allCases.reduce(into: [:]) { all, family in
        all.merge(family.checks) { first, _ in
            preconditionFailure("two record families name one check")
        }
    }

    static let coreChecks: [String: Check] = [
        "userPoolCRUD": userPoolCRUD,
        "userPoolIDIsUnique": userPoolIDIsUnique,
        "appClientCRUD": appClientCRUD,
        "userCRUD": userCRUD,
        "usernameAndSubAreUniquePerPool": usernameAndSubAreUniquePerPool,
        "activeAliasesAreUniquePerPool": activeAliasesAreUniquePerPool,
        "updateIsAtomicUnderConcurrentWriters": updateIsAtomicUnderConcurrentWriters,
        "failedUpdateLeavesRecordUnchanged": failedUpdateLeavesRecordUnchanged,
        "usersPaginateToTheLastPage": usersPaginateToTheLastPage,
        "filteredUsersPaginate": filteredUsersPaginate,
        "foreignPageTokenIsRefused": foreignPageTokenIsRefused,
        "groupsAndMembership": groupsAndMembership,
        "deletingPoolDeletesEverythingInIt": deletingPoolDeletesEverythingInIt,
        "outboxKeepsOrderAndFilters": outboxKeepsOrderAndFilters,
        "resetWipesEverything": resetWipesEverything,
        "firstSigningKeyWins": firstSigningKeyWins,
        "sessionsAreTakenOnce": sessionsAreTakenOnce,
        "refreshTokensRevoke": refreshTokensRevoke,
        "readsSeeEveryWrite": readsSeeEveryWrite,
        "concurrentWritersFailAlone": concurrentWritersFailAlone,
        "concurrentCreatesInOnePoolAllSucceed": concurrentCreatesInOnePoolAllSucceed,
    ]

    // MARK: Fixtures

    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    static func pool(_ id: String = "us-east-1_Pool1") -> UserPool {
        UserPool(
            id: id, name: "pool-\(id)", arn: "arn:aws:cognito-idp:us-east-1:000000000000:userpool/\(id)",
            creationDate: date, lastModifiedDate: date, settings: UserPoolSettings(), schema: [], tags: [:]
        )
    }

    static func user(_ name: String, pool: String = "us-east-1_Pool1", sub: String? = nil, email: String? = nil, aliases: [String] = []) -> User {
        var attributes = [UserAttribute(name: "sub", value: sub ?? "sub-\(name)")]
        if let email { attributes.append(UserAttribute(name: "email", value: email)) }
        return User(
            poolID: pool, username: name, usernameKey: name, sub: sub ?? "sub-\(name)", attributes: attributes,
            status: "CONFIRMED", enabled: true, creationDate: date, lastModifiedDate: date, aliasKeys: aliases
        )
    }

    static func client(_ id: String, pool: String = "us-east-1_Pool1") -> AppClient {
        AppClient(poolID: pool, clientID: id, settings: UserPoolClientType(userPoolId: pool, clientName: "c-\(id)", clientId: id), secrets: [])
    }

    static func expectError(_ expected: StorageError, _ label: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StorageError {
            switch (expected, error) {
            case (.notFound, .notFound), (.invalidPageToken, .invalidPageToken), (.alreadyExists, .alreadyExists),
                (.recoveryInProgress, .recoveryInProgress):
                return
            default:
                throw ConformanceFailure("\(label): expected \(expected), got \(error)")
            }
        }
        throw ConformanceFailure("\(label): expected \(expected), got success")
    }

    // MARK: Checks

    static func userPoolCRUD(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try expect(try await s.userPool(id: "us-east-1_Pool1") == pool(), "get returns what was created")
        let updated = try await s.updateUserPool(id: "us-east-1_Pool1") { $0.name = "renamed" }
        try expect(updated.name == "renamed", "update returns the new record")
        try expect(try await s.userPool(id: "us-east-1_Pool1").name == "renamed", "update is stored")
        try expect(try await s.listUserPools(PageRequest(limit: 10)).items.count == 1, "list holds the pool")
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await expectError(.notFound, "get after delete") { _ = try await s.userPool(id: "us-east-1_Pool1") }
        try await expectError(.notFound, "delete twice") { try await s.deleteUserPool(id: "us-east-1_Pool1") }
        try await expectError(.notFound, "update missing") { _ = try await s.updateUserPool(id: "us-east-1_Pool1") { _ in } }
    }

    static func userPoolIDIsUnique(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.alreadyExists(key: ""), "same pool ID twice") { try await s.createUserPool(pool()) }
    }

    static func appClientCRUD(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.notFound, "client of a missing pool") { try await s.createAppClient(client("a", pool: "us-east-1_None")) }
        for id in ["c", "a", "b"] { try await s.createAppClient(client(id)) }
        try await expectError(.alreadyExists(key: ""), "same client ID twice") { try await s.createAppClient(client("a")) }
        let first = try await s.listAppClients(poolID: "us-east-1_Pool1", PageRequest(limit: 2))
        try expect(first.items.map(\.clientID) == ["a", "b"] && first.nextToken != nil, "first page of clients")
        let second = try await s.listAppClients(poolID: "us-east-1_Pool1", PageRequest(token: first.nextToken, limit: 2))
        try expect(second.items.map(\.clientID) == ["c"] && second.nextToken == nil, "last page of clients")
        try await s.updateAppClient(poolID: "us-east-1_Pool1", clientID: "a") { $0.settings.clientName = "new" }
        try expect(try await s.appClient(poolID: "us-east-1_Pool1", clientID: "a").settings.clientName == "new", "client update")
        try await expectError(.notFound, "client looked up in another pool") { _ = try await s.appClient(poolID: "us-east-1_Other", clientID: "a") }
        try expect(try await s.appClient(clientID: "a").poolID == "us-east-1_Pool1", "client by ID alone")
        try await s.deleteAppClient(poolID: "us-east-1_Pool1", clientID: "a")
        try await expectError(.notFound, "deleted client") { _ = try await s.appClient(poolID: "us-east-1_Pool1", clientID: "a") }
    }

    static func userCRUD(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.notFound, "user in a missing pool") { try await s.createUser(user("x", pool: "us-east-1_None")) }
        try await s.createUser(user("alice", email: "a@example.com", aliases: ["email:a@example.com"]))
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "alice").username == "alice", "by username key")
        try expect(try await s.user(poolID: "us-east-1_Pool1", sub: "sub-alice").username == "alice", "by sub")
        try expect(try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:a@example.com").username == "alice", "by alias")
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 1, "count")
        let updated = try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "alice") {
            $0.setAttribute("email", "b@example.com")
            $0.aliasKeys = ["email:b@example.com"]
        }
        try expect(updated.attribute("email") == "b@example.com", "update returns the new record")
        try await expectError(.notFound, "old alias is gone") { _ = try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:a@example.com") }
        try expect(try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:b@example.com").username == "alice", "new alias")
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "alice")
        try await expectError(.notFound, "deleted user") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "alice") }
        try await expectError(.notFound, "deleted user's alias") { _ = try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:b@example.com") }
        try await expectError(.notFound, "delete missing user") { try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "alice") }
    }

    static func usernameAndSubAreUniquePerPool(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUserPool(pool("us-east-1_Pool2"))
        try await s.createUser(user("bob"))
        try await expectError(.alreadyExists(key: ""), "same username") { try await s.createUser(user("bob", sub: "other")) }
        try await expectError(.alreadyExists(key: ""), "same sub") { try await s.createUser(user("carol", sub: "sub-bob")) }
        // The same username in another pool is a different user.
        try await s.createUser(user("bob", pool: "us-east-1_Pool2"))
        try expect(try await s.countUsers(poolID: "us-east-1_Pool2") == 1, "other pool holds its own bob")
    }

    static func activeAliasesAreUniquePerPool(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("a", aliases: ["email:x@example.com"]))
        do {
            try await s.createUser(user("b", aliases: ["email:x@example.com"]))
            throw ConformanceFailure("a second user with the same alias was accepted")
        } catch StorageError.alreadyExists(let key) {
            try expect(key == "alias", "alias collisions are reported as key 'alias', got \(key)")
        }
        try await expectError(.notFound, "failed create leaves no user") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "b") }
        try await s.createUser(user("c"))
        try await expectError(.alreadyExists(key: ""), "update to a taken alias") {
            _ = try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "c") { $0.aliasKeys = ["email:x@example.com"] }
        }
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "c").aliasKeys.isEmpty, "failed update changes nothing")
    }

    static func updateIsAtomicUnderConcurrentWriters(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("counter"))
        let writers = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "counter") { user in
                        let n = Int(user.attribute("custom:n") ?? "0") ?? 0
                        user.setAttribute("custom:n", String(n + 1))
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "counter").attribute("custom:n")
        try expect(final == String(writers), "\(writers) concurrent increments gave \(final ?? "nil")")
    }

    /// Many users created at once in one pool, with neighbouring names and aliases (as a sign-up burst or a
    /// bulk import makes them): none refuses another. (On PostgreSQL a uniqueness read before each insert
    /// locked the index page it looked in, so concurrent creates kept refusing each other until their
    /// retries ran out.)
    static func concurrentCreatesInOnePoolAllSucceed(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        let creates = 96
        let failures = try await withThrowingTaskGroup(of: String?.self) { group in
            for i in 0..<creates {
                group.addTask {
                    let name = String(format: "user%07d", i)
                    do {
                        try await s.createUser(user(name, email: "\(name)@example.com", aliases: ["email:\(name)@example.com"]))
                        return nil
                    } catch {
                        return "\(name): \(error)"
                    }
                }
            }
            var failures: [String] = []
            for try await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        try expect(failures.isEmpty, "\(failures.count) of \(creates) concurrent creates failed: \(failures.prefix(3))")
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == creates, "every user is there")
        try await expectError(.alreadyExists(key: ""), "an alias still taken once") {
            try await s.createUser(user("late", aliases: ["email:user0000007@example.com"]))
        }
    }

    struct Refused: Error {}

    /// Many writers at once, some of which fail (a duplicate username, a refusing update): each failure
    /// is its writer's alone, and every write that succeeded is there afterwards.
    static func concurrentWritersFailAlone(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("taken"))
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<60 {
                group.addTask {
                    do {
                        switch i % 3 {
                        case 0: try await s.createUser(user("u\(i)"))
                        case 1: try await s.createUser(user("taken", sub: "sub-dup-\(i)"))
                        default:
                            try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "taken") { user in
                                user.setAttribute("custom:last", "\(i)")
                                if i % 2 == 0 { throw Refused() }
                            }
                        }
                        return (i, true)
                    } catch {
                        return (i, false)
                    }
                }
            }
            var outcomes: [Int: Bool] = [:]
            for try await (i, ok) in group { outcomes[i] = ok }
            return outcomes
        }
        for i in 0..<60 {
            let expected = i % 3 == 0 || (i % 3 == 2 && i % 2 == 1)
            try expect(outcomes[i] == expected, "writer \(i) \(expected ? "succeeds" : "fails")")
        }
        for i in stride(from: 0, to: 60, by: 3) {
            try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u\(i)").usernameKey == "u\(i)", "u\(i) was created")
        }
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 21, "20 created besides the first")
        let last = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "taken").attribute("custom:last")
        try expect(last.map { Int($0)! % 2 == 1 } ?? false, "only successful updates left a value (\(last ?? "nil"))")
    }

    static func failedUpdateLeavesRecordUnchanged(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        do {
            try await s.updateUserPool(id: "us-east-1_Pool1") { pool in
                pool.name = "half-done"
                throw Refused()
            }
            throw ConformanceFailure("update whose closure throws succeeded")
        } catch is Refused {}
        try expect(try await s.userPool(id: "us-east-1_Pool1").name == pool().name, "record unchanged after a failed update")
    }

    static func usersPaginateToTheLastPage(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        let names = (0..<25).map { String(format: "user%02d", $0) }
        for name in names.shuffled() { try await s.createUser(user(name)) }
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await s.listUsers(poolID: "us-east-1_Pool1", filter: nil, PageRequest(token: token, limit: 10))
            seen += page.items.map(\.username)
            token = page.nextToken
            pages += 1
        } while token != nil && pages < 10
        try expect(pages == 3, "25 users at 10 a page take 3 pages, took \(pages)")
        try expect(seen == names, "every user once, in order")
        let exact = try await s.listUsers(poolID: "us-east-1_Pool1", filter: nil, PageRequest(limit: 25))
        try expect(exact.items.count == 25 && exact.nextToken == nil, "a full last page has no next token")
    }

    static func filteredUsersPaginate(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        for i in 0..<12 {
            try await s.createUser(user("m\(i)", email: i % 2 == 0 ? "even\(i)@example.com" : "odd\(i)@example.com"))
        }
        var emails: [String] = []
        var token: String?
        repeat {
            let page = try await s.listUsers(
                poolID: "us-east-1_Pool1", filter: UserFilter(field: .email, match: .prefix, value: "even"), PageRequest(token: token, limit: 4))
            emails += page.items.compactMap { $0.attribute("email") }
            token = page.nextToken
        } while token != nil && emails.count < 100
        try expect(emails.count == 6 && emails.allSatisfy { $0.hasPrefix("even") }, "prefix filter over pages: \(emails)")
        let exact = try await s.listUsers(
            poolID: "us-east-1_Pool1", filter: UserFilter(field: .email, match: .equals, value: "odd3@example.com"), PageRequest(limit: 10))
        try expect(exact.items.map(\.username) == ["m3"], "exact filter")
        let status = try await s.listUsers(
            poolID: "us-east-1_Pool1", filter: UserFilter(field: .status, match: .equals, value: "Enabled"), PageRequest(limit: 60))
        try expect(status.items.count == 12, "status filter")
        let byName = try await s.listUsers(
            poolID: "us-east-1_Pool1", filter: UserFilter(field: .username, match: .prefix, value: "m1"), PageRequest(limit: 60))
        try expect(Set(byName.items.map(\.username)) == ["m1", "m10", "m11"], "username prefix filter")
    }

    static func foreignPageTokenIsRefused(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.invalidPageToken, "garbage token") {
            _ = try await s.listUsers(poolID: "us-east-1_Pool1", filter: nil, PageRequest(token: "not-a-token", limit: 10))
        }
    }

    static func groupsAndMembership(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        for name in ["admins", "readers"] {
            try await s.createGroup(Group(poolID: "us-east-1_Pool1", name: name, precedence: 1, creationDate: date, lastModifiedDate: date))
        }
        try await expectError(.alreadyExists(key: ""), "same group twice") {
            try await s.createGroup(Group(poolID: "us-east-1_Pool1", name: "admins", creationDate: date, lastModifiedDate: date))
        }
        try await s.createUser(user("u1"))
        try await s.createUser(user("u2"))
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "admins", usernameKey: "u1")
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "admins", usernameKey: "u1")
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "readers", usernameKey: "u1")
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "admins", usernameKey: "u2")
        try await expectError(.notFound, "member of a missing group") {
            try await s.addMember(poolID: "us-east-1_Pool1", groupName: "nope", usernameKey: "u1")
        }
        try await expectError(.notFound, "missing user as member") {
            try await s.addMember(poolID: "us-east-1_Pool1", groupName: "admins", usernameKey: "ghost")
        }
        let groups = try await s.listGroups(poolID: "us-east-1_Pool1", memberKey: "u1", PageRequest(limit: 1))
        try expect(groups.items.map(\.name) == ["admins"] && groups.nextToken != nil, "first page of u1's groups")
        let rest = try await s.listGroups(poolID: "us-east-1_Pool1", memberKey: "u1", PageRequest(token: groups.nextToken, limit: 1))
        try expect(rest.items.map(\.name) == ["readers"] && rest.nextToken == nil, "last page of u1's groups")
        try await s.createUser(user("u3"))
        let none = try await s.listGroups(poolID: "us-east-1_Pool1", memberKey: "u3", PageRequest(limit: 10))
        try expect(none.items.isEmpty && none.nextToken == nil, "a user in no group has an empty list")
        try await s.removeMember(poolID: "us-east-1_Pool1", groupName: "readers", usernameKey: "u1")
        let past = try await s.listGroups(poolID: "us-east-1_Pool1", memberKey: "u1", PageRequest(token: groups.nextToken, limit: 10))
        try expect(past.items.isEmpty && past.nextToken == nil, "a page past a member's last group is empty, not 'no such user'")
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "readers", usernameKey: "u1")
        try await expectError(.notFound, "groups of a missing user") {
            _ = try await s.listGroups(poolID: "us-east-1_Pool1", memberKey: "ghost", PageRequest(limit: 10))
        }
        let members = try await s.listMembers(poolID: "us-east-1_Pool1", groupName: "admins", PageRequest(limit: 10))
        try expect(members.items.map(\.username) == ["u1", "u2"], "admins' members")
        try await s.removeMember(poolID: "us-east-1_Pool1", groupName: "admins", usernameKey: "u2")
        try await s.removeMember(poolID: "us-east-1_Pool1", groupName: "admins", usernameKey: "u2")
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u1")
        try expect(
            try await s.listMembers(poolID: "us-east-1_Pool1", groupName: "admins", PageRequest(limit: 10)).items.isEmpty,
            "deleting a user removes their memberships")
        try await s.updateGroup(poolID: "us-east-1_Pool1", name: "readers") { $0.description = "d" }
        try expect(try await s.group(poolID: "us-east-1_Pool1", name: "readers").description == "d", "group update")
        try await s.deleteGroup(poolID: "us-east-1_Pool1", name: "readers")
        try expect(
            try await s.listGroups(poolID: "us-east-1_Pool1", PageRequest(limit: 10)).items.map(\.name) == ["admins"], "group list after delete")
    }

    static func deletingPoolDeletesEverythingInIt(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createAppClient(client("c1"))
        try await s.createUser(user("u1", aliases: ["email:u@example.com"]))
        try await s.createGroup(Group(poolID: "us-east-1_Pool1", name: "g", creationDate: date, lastModifiedDate: date))
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "g", usernameKey: "u1")
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 0, "users gone")
        try expect(try await s.listAppClients(poolID: "us-east-1_Pool1", PageRequest(limit: 10)).items.isEmpty, "clients gone")
        try expect(try await s.listGroups(poolID: "us-east-1_Pool1", PageRequest(limit: 10)).items.isEmpty, "groups gone")
        try await s.createUser(user("u1", aliases: ["email:u@example.com"]))
    }

    static func outboxKeepsOrderAndFilters(_ s: any Storage) async throws {
        for (i, (pool, to)) in [("p1", "a@x.com"), ("p1", "b@x.com"), ("p2", "a@x.com")].enumerated() {
            try await s.appendMessage(
                OutboxMessage(
                    poolID: pool, username: "u", medium: .email, recipient: to, purpose: "test", subject: nil, body: "m\(i)", code: "\(i)",
                    sentAt: date))
        }
        let all = try await s.listMessages(poolID: nil, recipient: nil)
        try expect(all.map(\.body) == ["m0", "m1", "m2"], "all messages in order")
        try expect(Set(all.map(\.sequence)).count == 3, "distinct sequence numbers")
        try expect(try await s.listMessages(poolID: "p1", recipient: "a@x.com").map(\.body) == ["m0"], "by pool and recipient")
        try expect(try await s.listMessages(poolID: nil, recipient: "a@x.com").map(\.body) == ["m0", "m2"], "by recipient")
    }

    /// Repeated reads of pools, clients and user counts (which a backend may cache) follow every write.
    static func readsSeeEveryWrite(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createAppClient(client("c1"))
        try expect(try await s.userPool(id: "us-east-1_Pool1").name == pool().name, "first read")
        _ = try await s.updateUserPool(id: "us-east-1_Pool1") { $0.name = "second" }
        try expect(try await s.userPool(id: "us-east-1_Pool1").name == "second", "read after update")
        try expect(try await s.appClient(clientID: "c1").settings.clientName == "c-c1", "client read")
        _ = try await s.updateAppClient(poolID: "us-east-1_Pool1", clientID: "c1") { $0.settings.clientName = "renamed" }
        try expect(try await s.appClient(clientID: "c1").settings.clientName == "renamed", "client read after update")
        try await expectError(.notFound, "client of another pool") { _ = try await s.appClient(poolID: "us-east-1_Other", clientID: "c1") }
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 0, "no users yet")
        try await s.createUser(user("u1"))
        try await s.createUser(user("u2"))
        try await expectError(.alreadyExists(key: "username"), "duplicate") { try await s.createUser(user("u2")) }
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 2, "two users")
        // Users read by name and by sub, then changed, renamed in sub, deleted: no read sees an older value.
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u2").status == "CONFIRMED", "user read")
        try expect(try await s.user(poolID: "us-east-1_Pool1", sub: "sub-u2").usernameKey == "u2", "user read by sub")
        _ = try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "u2") { $0.status = "RESET_REQUIRED" }
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u2").status == "RESET_REQUIRED", "user read after update")
        try expect(try await s.user(poolID: "us-east-1_Pool1", sub: "sub-u2").status == "RESET_REQUIRED", "by sub after update")
        try await expectError(.notFound, "failed update leaves the user") {
            _ = try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "u2") { _ in throw StorageError.notFound }
        }
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u2").status == "RESET_REQUIRED", "after a failed update")
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u1")
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 1, "one user after a delete")
        try await expectError(.notFound, "deleted user") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u1") }
        try await expectError(.notFound, "deleted user by sub") { _ = try await s.user(poolID: "us-east-1_Pool1", sub: "sub-u1") }
        try await s.createUser(user("u1", sub: "sub-new"))
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u1").sub == "sub-new", "re-created user")
        try await expectError(.notFound, "old sub of a re-created user") { _ = try await s.user(poolID: "us-east-1_Pool1", sub: "sub-u1") }
        try await s.deleteAppClient(poolID: "us-east-1_Pool1", clientID: "c1")
        try await expectError(.notFound, "deleted client") { _ = try await s.appClient(clientID: "c1") }
        try await s.createAppClient(client("c2"))
        _ = try await s.appClient(clientID: "c2")
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await expectError(.notFound, "client of a deleted pool") { _ = try await s.appClient(clientID: "c2") }
        try await expectError(.notFound, "user of a deleted pool") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "u2") }
        try await expectError(.notFound, "deleted pool") { _ = try await s.userPool(id: "us-east-1_Pool1") }
        try await s.createUserPool(pool())
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 0, "a new pool of the same ID starts empty")
        try await s.reset()
        try await expectError(.notFound, "pool after reset") { _ = try await s.userPool(id: "us-east-1_Pool1") }
    }

    static func resetWipesEverything(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u"))
        try await s.appendMessage(
            OutboxMessage(
                poolID: "p", username: "u", medium: .sms, recipient: "+1555", purpose: "t", subject: nil, body: "b", code: nil, sentAt: date))
        try await s.reset()
        try expect(try await s.listUserPools(PageRequest(limit: 10)).items.isEmpty, "no pools")
        try expect(try await s.listMessages(poolID: nil, recipient: nil).isEmpty, "no messages")
        try await s.createUserPool(pool())
        try await s.createUser(user("u"))
    }
}

extension StorageConformance {
    static func firstSigningKeyWins(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        let first = SigningKey(poolID: "us-east-1_Pool1", kid: "k1", privateKeyPEM: "pem1", createdAt: date)
        let second = SigningKey(poolID: "us-east-1_Pool1", kid: "k2", privateKeyPEM: "pem2", createdAt: date.addingTimeInterval(1))
        let results = try await withThrowingTaskGroup(of: SigningKey.self) { group in
            group.addTask { try await s.ensureSigningKey(first) }
            group.addTask { try await s.ensureSigningKey(second) }
            return try await group.reduce(into: [SigningKey]()) { $0.append($1) }
        }
        try expect(results[0] == results[1], "both racers get the same key")
        try expect(try await s.signingKeys(poolID: "us-east-1_Pool1") == [results[0]], "one key stored")
        try await expectError(.notFound, "key for a missing pool") {
            _ = try await s.ensureSigningKey(SigningKey(poolID: "us-east-1_None", kid: "k", privateKeyPEM: "p", createdAt: date))
        }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try expect(try await s.signingKeys(poolID: "us-east-1_Pool1").isEmpty, "keys go with their pool")
    }

    static func sessionsAreTakenOnce(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        let session = AuthSession(
            id: "h1", poolID: "us-east-1_Pool1", clientID: "c", usernameKey: "u", challenge: .newPasswordRequired,
            state: SignInState(deviceKey: "d"), expiresAt: date.addingTimeInterval(180))
        try await s.createSession(session)
        let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask { (try? await s.takeSession(id: "h1")) != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try expect(taken == 1, "a session is taken exactly once, was taken \(taken) times")
        try await expectError(.notFound, "unknown session") { _ = try await s.takeSession(id: "nope") }
    }

    static func refreshTokensRevoke(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u"))
        for hash in ["t1", "t2"] {
            try await s.createRefreshToken(
                RefreshTokenRecord(
                    tokenHash: hash, poolID: "us-east-1_Pool1", clientID: "c", usernameKey: "u", originJTI: "o-\(hash)",
                    authTime: date, issuedAt: date, expiresAt: date.addingTimeInterval(3600)))
        }
        try expect(try await s.refreshToken(originJTI: "o-t2").tokenHash == "t2", "by origin_jti")
        try expect(
            try await s.refreshTokens(poolID: "us-east-1_Pool1", usernameKey: "u").map(\.tokenHash) == ["t2", "t1"], "a user's tokens, newest first")
        try expect(try await s.refreshTokens(poolID: "us-east-1_Pool1", usernameKey: "nobody").isEmpty, "nobody's tokens")
        let date2 = date.addingTimeInterval(5)
        try expect(try await s.markRotated(hash: "t2", at: date2).rotatedAt == nil, "first rotation sees it unrotated")
        try expect(try await s.markRotated(hash: "t2", at: date2.addingTimeInterval(9)).rotatedAt == date2, "second rotation sees the first")
        try expect(try await s.refreshToken(originJTI: "o-t2").rotatedAt == date2, "rotation seen by origin_jti")
        try expect(!(try await s.refreshToken(originJTI: "o-t1").revoked), "live by origin_jti")
        try await s.revokeRefreshToken(hash: "t1")
        try expect(try await s.refreshToken(hash: "t1").revoked, "one revoked")
        try expect(try await s.refreshToken(originJTI: "o-t1").revoked, "revocation seen by origin_jti")
        try expect(!(try await s.refreshToken(hash: "t2").revoked), "the other live")
        try expect(try await s.revokeRefreshTokens(poolID: "us-east-1_Pool1", usernameKey: "u") == 1, "one was still live")
        try expect(try await s.refreshToken(hash: "t2").revoked, "all revoked")
        try expect(try await s.refreshToken(originJTI: "o-t2").revoked, "sign-out seen by origin_jti")
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u")
        try await expectError(.notFound, "tokens go with their user") { _ = try await s.refreshToken(hash: "t1") }
        try await expectError(.notFound, "by origin_jti too") { _ = try await s.refreshToken(originJTI: "o-t2") }
    }
}

/// A conformance check that failed, with what it expected.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

func expect(_ condition: Bool, _ message: String) throws {
    if !condition { throw ConformanceFailure(message) }
}
