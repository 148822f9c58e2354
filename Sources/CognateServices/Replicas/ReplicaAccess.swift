import CognitoModel

/// What a secondary replica of a pool does with each operation, AWS's rule made concrete: "only
/// administrator operations that set configurations specific to the replica, and only end-user operations that
/// do not create or change attributes of a user are supported". The switch names every operation of the model,
/// so an operation the model adds must be placed before Cognate builds; AWS publishes no per-operation list,
/// and docs/COVERAGE.md says where Cognate placed each kind.
enum ReplicaAccess: Equatable {
    /// End users signing in and reading their own records: served while the replica is ACTIVE.
    case signIn
    /// Administrators reading, the replica operations (which check their own Region rules), UpdateUserPool and
    /// SetLogDeliveryConfiguration (which set only the Region's own settings there): served while the replica
    /// is INACTIVE or ACTIVE.
    case administration
    /// Creating or changing users, and the configuration the primary holds for every Region: the primary only.
    case primaryOnly

    init(_ operation: CognitoOperation) {
        switch operation {
        case .initiateAuth, .adminInitiateAuth, .respondToAuthChallenge, .adminRespondToAuthChallenge, .getTokensFromRefreshToken, .getUser,
            .getUserAuthFactors, .globalSignOut, .revokeToken, .getDevice, .listDevices, .confirmDevice, .updateDeviceStatus, .forgetDevice,
            .listWebAuthnCredentials, .listUserSessions, .revokeUserSession, .getClientToken, .getDerivedToken:
            self = .signIn
        case .describeUserPool, .listUserPools, .getUserPoolMfaConfig, .adminGetUser, .adminGetUserAuthFactors, .listUsers, .listUsersInGroup,
            .adminListGroupsForUser, .adminGetDevice, .adminListDevices, .adminListUserAuthEvents, .adminListUserSessions,
            .describeUserPoolClient, .listUserPoolClients, .listUserPoolClientSecrets, .getUserPoolClientSessionConfiguration,
            .describeIdentityProvider, .describeResourceServer, .describeRiskConfiguration, .describeUserImportJob, .describeUserPoolDomain,
            .getCSVHeader, .getGroup, .getIdentityProviderByIdentifier, .getSigningCertificate, .getUICustomization, .listGroups,
            .listIdentityProviders, .listResourceServers, .listUserImportJobs, .getLogDeliveryConfiguration, .describeManagedLoginBranding,
            .describeManagedLoginBrandingByClient, .describeTerms, .describeTermsByClient, .listTerms, .listTagsForResource, .tagResource,
            .untagResource, .getUserPoolSessionConfiguration, .describeCIMDPolicy, .listCIMDPolicies, .listClientMetadataURLs,
            .describePointInTimeRecovery, .listPointInTimeRecoveries, .listUserPoolReplicas, .updateUserPoolReplica, .createUserPoolReplica,
            .deleteUserPoolReplica, .getProvisionedLimit, .updateProvisionedLimit, .updateUserPool, .setLogDeliveryConfiguration,
            .setRiskConfiguration:
            self = .administration
        case .signUp, .confirmSignUp, .adminCreateUser, .adminConfirmSignUp, .changePassword, .confirmForgotPassword, .forgotPassword,
            .adminResetUserPassword, .adminSetUserPassword, .adminAddUserToGroup, .adminDeleteUser, .adminDeleteUserAttributes,
            .adminDisableProviderForUser, .adminDisableUser, .adminEnableUser, .adminLinkProviderForUser, .adminRemoveUserFromGroup,
            .adminUpdateUserAttributes, .adminUserGlobalSignOut, .deleteUser, .deleteUserAttributes, .updateUserAttributes, .verifyUserAttribute,
            .getUserAttributeVerificationCode, .resendConfirmationCode, .adminForgetDevice, .adminUpdateDeviceStatus, .associateSoftwareToken,
            .verifySoftwareToken, .adminSetUserMFAPreference, .setUserMFAPreference, .adminSetUserSettings, .setUserSettings,
            .adminUpdateAuthEventFeedback, .updateAuthEventFeedback, .startWebAuthnRegistration, .completeWebAuthnRegistration,
            .deleteWebAuthnCredential, .adminDeleteSoftwareToken, .adminRevokeUserSession, .createUserPool, .deleteUserPool,
            .addCustomAttributes, .setUserPoolMfaConfig, .createGroup, .createIdentityProvider, .createResourceServer, .createUserImportJob,
            .createUserPoolDomain, .deleteGroup, .deleteIdentityProvider, .deleteResourceServer, .deleteUserPoolDomain,
            .setUICustomization, .startUserImportJob, .stopUserImportJob, .updateGroup, .updateIdentityProvider, .updateResourceServer,
            .updateUserPoolDomain, .createManagedLoginBranding, .updateManagedLoginBranding,
            .deleteManagedLoginBranding, .createTerms, .updateTerms, .deleteTerms, .setUserPoolSessionConfiguration, .createCIMDPolicy,
            .updateCIMDPolicy, .deleteCIMDPolicy, .updateClientMetadataURLState, .initiatePointInTimeRecovery, .startPointInTimeRecovery,
            .cancelPointInTimeRecovery, .createUserPoolClient, .updateUserPoolClient, .deleteUserPoolClient, .addUserPoolClientSecret,
            .deleteUserPoolClientSecret, .setUserPoolClientSessionConfiguration:
            self = .primaryOnly
        }
    }
}
