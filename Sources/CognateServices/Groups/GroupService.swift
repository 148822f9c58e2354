import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// Groups and membership: Create/Get/Update/Delete/ListGroups, AdminAddUserToGroup,
/// AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.
struct GroupService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let maxGroups = 10_000

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateGroup.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            // AWS's quota: 10,000 groups per user pool.
            if try await deps.storage.listGroups(poolID: input.userPoolId, PageRequest(limit: Self.maxGroups)).items.count >= Self.maxGroups {
                throw CognitoError(.limitExceededException, "A user pool can have at most \(Self.maxGroups) groups.")
            }
            let now = deps.clock.now()
            let group = Group(
                poolID: input.userPoolId, name: input.groupName, description: input.description, roleArn: input.roleArn,
                precedence: input.precedence, creationDate: now, lastModifiedDate: now
            )
            do {
                try await deps.storage.createGroup(group)
            } catch StorageError.alreadyExists {
                throw CognitoError(.groupExistsException, "A group with the name \(input.groupName) already exists.")
            } catch StorageError.notFound {
                throw Errors.poolNotFound(input.userPoolId)
            }
            return CreateGroupResponse(group: group.wireType)
        }
        table.register(Operations.GetGroup.self) { input, _ in
            GetGroupResponse(group: try await load(input.userPoolId, input.groupName).wireType)
        }
        table.register(Operations.UpdateGroup.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let now = deps.clock.now()
            let group = try await StorageError.map(notFound: Errors.groupNotFound) {
                try await deps.storage.updateGroup(poolID: input.userPoolId, name: input.groupName) { group in
                    if let v = input.description { group.description = v }
                    if let v = input.roleArn { group.roleArn = v }
                    if let v = input.precedence { group.precedence = v }
                    group.lastModifiedDate = now
                }
            }
            return UpdateGroupResponse(group: group.wireType)
        }
        table.register(Operations.DeleteGroup.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            try await StorageError.map(notFound: Errors.groupNotFound) {
                try await deps.storage.deleteGroup(poolID: input.userPoolId, name: input.groupName)
            }
            return .init()
        }
        table.register(Operations.ListGroups.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listGroups(poolID: input.userPoolId, PageRequest(token: input.nextToken, limit: input.limit ?? 60))
            }
            return ListGroupsResponse(groups: page.items.map(\.wireType), nextToken: page.nextToken)
        }
        table.register(Operations.AdminAddUserToGroup.self) { input, _ in
            let user = try await membershipUser(input.userPoolId, input.username, input.groupName)
            try await StorageError.map(notFound: Errors.groupNotFound) {
                try await deps.storage.addMember(poolID: input.userPoolId, groupName: input.groupName, usernameKey: user.usernameKey)
            }
            return .init()
        }
        table.register(Operations.AdminRemoveUserFromGroup.self) { input, _ in
            let user = try await membershipUser(input.userPoolId, input.username, input.groupName)
            try await StorageError.map(notFound: Errors.groupNotFound) {
                try await deps.storage.removeMember(poolID: input.userPoolId, groupName: input.groupName, usernameKey: user.usernameKey)
            }
            return .init()
        }
        table.register(Operations.AdminListGroupsForUser.self) { input, _ in
            let (_, user) = try await UserAdminService(deps).find(input.userPoolId, input.username)
            let page = try await StorageError.map(notFound: Errors.userNotFound) {
                try await deps.storage.listGroups(
                    poolID: input.userPoolId, memberKey: user.usernameKey, PageRequest(token: input.nextToken, limit: input.limit ?? 60))
            }
            return AdminListGroupsForUserResponse(groups: page.items.map(\.wireType), nextToken: page.nextToken)
        }
        table.register(Operations.ListUsersInGroup.self) { input, _ in
            _ = try await load(input.userPoolId, input.groupName)
            let page = try await StorageError.map(notFound: Errors.groupNotFound) {
                try await deps.storage.listMembers(
                    poolID: input.userPoolId, groupName: input.groupName, PageRequest(token: input.nextToken, limit: input.limit ?? 60))
            }
            return ListUsersInGroupResponse(users: page.items.map(\.wireType), nextToken: page.nextToken)
        }
    }

    private func load(_ poolID: String, _ name: String) async throws -> Group {
        _ = try await UserPoolService(deps).load(poolID)
        return try await StorageError.map(notFound: Errors.groupNotFound) { try await deps.storage.group(poolID: poolID, name: name) }
    }

    /// The user for a membership change, after checking the group exists.
    private func membershipUser(_ poolID: String, _ username: String, _ groupName: String) async throws -> User {
        let (_, user) = try await UserAdminService(deps).find(poolID, username)
        _ = try await load(poolID, groupName)
        return user
    }
}

extension Group {
    var wireType: GroupType {
        GroupType(
            groupName: name, userPoolId: poolID, description: description, roleArn: roleArn, precedence: precedence,
            lastModifiedDate: lastModifiedDate, creationDate: creationDate
        )
    }
}
