import CognateSQL

/// The schema, as numbered migrations; each runs once, in its own transaction. Never edit a released
/// migration. This history ends at migration 11; later changes are written once, in `SharedMigrations`.
enum SQLiteMigrations {
    static let all = SharedMigrations.complete(history, .sqlite)

    static let history: [Migration] = [
        Migration(
            1,
            [
                """
                CREATE TABLE user_pools (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE app_clients (
                    client_id TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    data TEXT NOT NULL
                )
                """,
                "CREATE INDEX app_clients_by_pool ON app_clients(pool_id, client_id)",
                """
                CREATE TABLE users (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    username_key TEXT NOT NULL,
                    sub TEXT NOT NULL,
                    email TEXT,
                    phone_number TEXT,
                    name TEXT,
                    given_name TEXT,
                    family_name TEXT,
                    preferred_username TEXT,
                    user_status TEXT NOT NULL,
                    enabled_status TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, username_key),
                    UNIQUE (pool_id, sub)
                )
                """,
                "CREATE INDEX users_by_email ON users(pool_id, email, username_key)",
                "CREATE INDEX users_by_phone_number ON users(pool_id, phone_number, username_key)",
                "CREATE INDEX users_by_name ON users(pool_id, name, username_key)",
                "CREATE INDEX users_by_given_name ON users(pool_id, given_name, username_key)",
                "CREATE INDEX users_by_family_name ON users(pool_id, family_name, username_key)",
                "CREATE INDEX users_by_preferred_username ON users(pool_id, preferred_username, username_key)",
                "CREATE INDEX users_by_user_status ON users(pool_id, user_status, username_key)",
                "CREATE INDEX users_by_enabled_status ON users(pool_id, enabled_status, username_key)",
                """
                CREATE TABLE user_aliases (
                    pool_id TEXT NOT NULL,
                    alias_key TEXT NOT NULL,
                    username_key TEXT NOT NULL,
                    PRIMARY KEY (pool_id, alias_key),
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX user_aliases_by_user ON user_aliases(pool_id, username_key)",
                """
                CREATE TABLE groups (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, name)
                )
                """,
                """
                CREATE TABLE group_members (
                    pool_id TEXT NOT NULL,
                    group_name TEXT NOT NULL,
                    username_key TEXT NOT NULL,
                    PRIMARY KEY (pool_id, group_name, username_key),
                    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX group_members_by_user ON group_members(pool_id, username_key, group_name)",
                """
                CREATE TABLE outbox (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    pool_id TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                "CREATE INDEX outbox_by_recipient ON outbox(pool_id, recipient, sequence)",
            ]),
        Migration(
            2,
            [
                """
                CREATE TABLE signing_keys (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    kid TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, kid)
                )
                """,
                """
                CREATE TABLE auth_sessions (
                    id TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    expires_at REAL NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                "CREATE INDEX auth_sessions_by_expiry ON auth_sessions(expires_at)",
                """
                CREATE TABLE refresh_tokens (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL,
                    username_key TEXT NOT NULL,
                    data TEXT NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX refresh_tokens_by_user ON refresh_tokens(pool_id, username_key)",
            ]),
        Migration(
            3,
            [
                // Presented access and ID tokens are checked for revocation through their origin_jti.
                "ALTER TABLE refresh_tokens ADD COLUMN origin_jti TEXT",
                "UPDATE refresh_tokens SET origin_jti = json_extract(data, '$.originJTI')",
                "CREATE INDEX refresh_tokens_by_origin ON refresh_tokens(origin_jti)",
            ]),
        Migration(
            4,
            [
                // Domains: a name belongs to one pool; a pool has one domain of each kind.
                """
                CREATE TABLE user_pool_domains (
                    domain TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX user_pool_domains_one_per_kind ON user_pool_domains(pool_id, kind)",
                """
                CREATE TABLE resource_servers (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    identifier TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, identifier)
                )
                """,
            ]),
        Migration(
            5,
            [
                """
                CREATE TABLE oauth_codes (
                    code_hash TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL,
                    username_key TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    data TEXT NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX oauth_codes_by_expiry ON oauth_codes(expires_at)",
                """
                CREATE TABLE login_sessions (
                    session_hash TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL,
                    username_key TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    data TEXT NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX login_sessions_by_expiry ON login_sessions(expires_at)",
                "CREATE INDEX login_sessions_by_user ON login_sessions(pool_id, username_key)",
            ]),
        Migration(
            6,
            [
                """
                CREATE TABLE ui_customizations (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, client_id)
                )
                """
            ]),
        Migration(
            7,
            [
                """
                CREATE TABLE terms (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    terms_id TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, terms_id)
                )
                """,
                "CREATE UNIQUE INDEX terms_one_name_per_client ON terms(pool_id, client_id, name)",
            ]),
        Migration(
            8,
            [
                """
                CREATE TABLE branding_styles (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    branding_id TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, branding_id)
                )
                """,
                "CREATE UNIQUE INDEX branding_styles_one_per_client ON branding_styles(pool_id, client_id)",
            ]),
        Migration(
            9,
            [
                """
                CREATE TABLE identity_providers (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, name)
                )
                """,
                """
                CREATE TABLE identity_provider_identifiers (
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    identifier TEXT NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (pool_id, identifier)
                )
                """,
            ]),
        Migration(
            10,
            [
                """
                CREATE TABLE federation_states (
                    state_hash TEXT PRIMARY KEY NOT NULL,
                    pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    expires_at REAL NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                "CREATE INDEX federation_states_by_expiry ON federation_states(expires_at)",
            ]),
        // The live records of a pool in the families anonymous callers fill are counted before each write.
        Migration(
            11,
            [
                "CREATE INDEX auth_sessions_by_pool ON auth_sessions(pool_id, expires_at)",
                "CREATE INDEX federation_states_by_pool ON federation_states(pool_id, expires_at)",
            ]),
    ]
}
