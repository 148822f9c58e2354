import CognitoModel

extension QuotaCategory {
    /// The category an API operation's requests count in. The switch names every operation of the model, so an
    /// operation the model adds must be placed here before Cognate builds. AWS's table places most operations;
    /// those it leaves out (sessions, CIMD, point-in-time recovery, replicas, log delivery, tags, branding, terms)
    /// go where their kind of record does: a user's records read or written, or a pool's resources read or
    /// written (docs/COVERAGE.md says so).
    public init(_ operation: CognitoOperation) {
        switch operation {
        case .initiateAuth, .adminInitiateAuth, .respondToAuthChallenge, .adminRespondToAuthChallenge, .getTokensFromRefreshToken:
            self = .userAuthentication
        case .signUp, .confirmSignUp, .adminCreateUser, .adminConfirmSignUp:
            self = .userCreation
        case .changePassword, .confirmForgotPassword, .forgotPassword, .adminResetUserPassword, .adminSetUserPassword:
            self = .userAccountRecovery
        case .adminGetUser, .getUser, .adminGetUserAuthFactors, .getUserAuthFactors:
            self = .userRead
        case .adminAddUserToGroup, .adminDeleteUser, .adminDeleteUserAttributes, .adminDisableProviderForUser, .adminDisableUser,
            .adminEnableUser, .adminLinkProviderForUser, .adminRemoveUserFromGroup, .adminUpdateUserAttributes, .adminUserGlobalSignOut,
            .deleteUser, .deleteUserAttributes, .globalSignOut, .updateUserAttributes, .verifyUserAttribute:
            self = .userUpdate
        case .revokeToken, .getDerivedToken:
            self = .userToken
        case .adminGetDevice, .adminListDevices, .adminListGroupsForUser, .adminListUserAuthEvents, .getDevice, .listDevices,
            .getUserAttributeVerificationCode, .resendConfirmationCode, .listWebAuthnCredentials, .adminListUserSessions, .listUserSessions:
            self = .userResourceRead
        case .adminForgetDevice, .adminUpdateDeviceStatus, .confirmDevice, .forgetDevice, .updateDeviceStatus, .associateSoftwareToken,
            .verifySoftwareToken, .adminSetUserMFAPreference, .setUserMFAPreference, .adminSetUserSettings, .setUserSettings,
            .adminUpdateAuthEventFeedback, .updateAuthEventFeedback, .startWebAuthnRegistration, .completeWebAuthnRegistration,
            .deleteWebAuthnCredential, .adminDeleteSoftwareToken, .adminRevokeUserSession, .revokeUserSession:
            self = .userResourceUpdate
        case .listUsers, .listUsersInGroup:
            self = .userList
        case .describeUserPool, .listUserPools, .getUserPoolMfaConfig, .listUserPoolReplicas:
            self = .userPoolRead
        case .createUserPool, .updateUserPool, .deleteUserPool, .addCustomAttributes, .setUserPoolMfaConfig, .createUserPoolReplica,
            .updateUserPoolReplica, .deleteUserPoolReplica:
            self = .userPoolUpdate
        case .describeIdentityProvider, .describeResourceServer, .describeRiskConfiguration, .describeUserImportJob, .describeUserPoolDomain,
            .getCSVHeader, .getGroup, .getIdentityProviderByIdentifier, .getSigningCertificate, .getUICustomization, .listGroups,
            .listIdentityProviders, .listResourceServers, .listUserImportJobs, .getLogDeliveryConfiguration, .describeManagedLoginBranding,
            .describeManagedLoginBrandingByClient, .describeTerms, .describeTermsByClient, .listTerms, .listTagsForResource,
            .getUserPoolSessionConfiguration, .describeCIMDPolicy, .listCIMDPolicies, .listClientMetadataURLs, .describePointInTimeRecovery,
            .listPointInTimeRecoveries:
            self = .userPoolResourceRead
        case .createGroup, .createIdentityProvider, .createResourceServer, .createUserImportJob, .createUserPoolDomain, .deleteGroup,
            .deleteIdentityProvider, .deleteResourceServer, .deleteUserPoolDomain, .setRiskConfiguration, .setUICustomization,
            .startUserImportJob, .stopUserImportJob, .updateGroup, .updateIdentityProvider, .updateResourceServer, .updateUserPoolDomain,
            .setLogDeliveryConfiguration, .createManagedLoginBranding, .updateManagedLoginBranding, .deleteManagedLoginBranding,
            .createTerms, .updateTerms, .deleteTerms, .tagResource, .untagResource, .setUserPoolSessionConfiguration, .createCIMDPolicy,
            .updateCIMDPolicy, .deleteCIMDPolicy, .updateClientMetadataURLState, .initiatePointInTimeRecovery, .startPointInTimeRecovery,
            .cancelPointInTimeRecovery:
            self = .userPoolResourceUpdate
        case .describeUserPoolClient, .listUserPoolClients, .listUserPoolClientSecrets, .getUserPoolClientSessionConfiguration:
            self = .userPoolClientRead
        case .createUserPoolClient, .updateUserPoolClient, .deleteUserPoolClient, .addUserPoolClientSecret, .deleteUserPoolClientSecret,
            .setUserPoolClientSessionConfiguration:
            self = .userPoolClientUpdate
        case .getClientToken:
            self = .clientAuthentication
        case .getProvisionedLimit, .updateProvisionedLimit:
            self = .limitManagement
        }
    }

    /// RespondToAuthChallenge and AdminRespondToAuthChallenge: counted first against their own allowance of
    /// three times the UserAuthentication rate, and only beyond it against the category's.
    static func hasChallengeAllowance(_ operation: CognitoOperation) -> Bool {
        operation == .respondToAuthChallenge || operation == .adminRespondToAuthChallenge
    }
}
