import CognateSQL

/// Cognate's schema on PostgreSQL, as numbered migrations applied once (under an advisory lock, so nodes
/// starting together apply each one once). It holds the same tables, keys and constraints as SQLite's
/// (`SQLiteMigrations`), in PostgreSQL's types: text compared byte by byte (`COLLATE "C"`, SQLite's order,
/// which page tokens rely on), users' binary records as `BYTEA`, times as `DOUBLE PRECISION`. PostgreSQL
/// support began at SQLite's migration 10, so its migration 1 is that whole schema. This history ends at
/// migration 2 (SQLite's 11); later changes are written once, in `SharedMigrations`.
enum PostgresMigrations {
    static let all = SharedMigrations.complete(history, .postgres)

    static let history: [Migration] = [
        Migration(
            1,
            [
                """
                CREATE TABLE user_pools (
                    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    name TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE app_clients (
                    client_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE INDEX app_clients_by_pool ON app_clients(pool_id, client_id)
                """,
                """
                CREATE TABLE users (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    username_key TEXT COLLATE "C" NOT NULL,
                    sub TEXT COLLATE "C" NOT NULL,
                    email TEXT COLLATE "C",
                    phone_number TEXT COLLATE "C",
                    name TEXT COLLATE "C",
                    given_name TEXT COLLATE "C",
                    family_name TEXT COLLATE "C",
                    preferred_username TEXT COLLATE "C",
                    user_status TEXT COLLATE "C" NOT NULL,
                    enabled_status TEXT COLLATE "C" NOT NULL,
                    data BYTEA NOT NULL,
                    PRIMARY KEY (pool_id, username_key),
                    UNIQUE (pool_id, sub)
                )
                """,
                """
                CREATE INDEX users_by_email ON users(pool_id, email, username_key)
                """,
                """
                CREATE INDEX users_by_phone_number ON users(pool_id, phone_number, username_key)
                """,
                """
                CREATE INDEX users_by_name ON users(pool_id, name, username_key)
                """,
                """
                CREATE INDEX users_by_given_name ON users(pool_id, given_name, username_key)
                """,
                """
                CREATE INDEX users_by_family_name ON users(pool_id, family_name, username_key)
                """,
                """
                CREATE INDEX users_by_preferred_username ON users(pool_id, preferred_username, username_key)
                """,
                """
                CREATE INDEX users_by_user_status ON users(pool_id, user_status, username_key)
                """,
                """
                CREATE INDEX users_by_enabled_status ON users(pool_id, enabled_status, username_key)
                """,
                """
                CREATE TABLE user_aliases (
                    pool_id TEXT COLLATE "C" NOT NULL,
                    alias_key TEXT COLLATE "C" NOT NULL,
                    username_key TEXT COLLATE "C" NOT NULL,
                    PRIMARY KEY (pool_id, alias_key),
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                """
                CREATE INDEX user_aliases_by_user ON user_aliases(pool_id, username_key)
                """,
                """
                CREATE TABLE groups (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    name TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, name)
                )
                """,
                """
                CREATE TABLE group_members (
                    pool_id TEXT COLLATE "C" NOT NULL,
                    group_name TEXT COLLATE "C" NOT NULL,
                    username_key TEXT COLLATE "C" NOT NULL,
                    PRIMARY KEY (pool_id, group_name, username_key),
                    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                """
                CREATE INDEX group_members_by_user ON group_members(pool_id, username_key, group_name)
                """,
                """
                CREATE TABLE outbox (
                    sequence BIGINT PRIMARY KEY,
                    pool_id TEXT COLLATE "C" NOT NULL,
                    recipient TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE INDEX outbox_by_recipient ON outbox(pool_id, recipient, sequence)
                """,
                """
                CREATE TABLE signing_keys (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    kid TEXT COLLATE "C" NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, kid)
                )
                """,
                """
                CREATE TABLE auth_sessions (
                    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    expires_at DOUBLE PRECISION NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE INDEX auth_sessions_by_expiry ON auth_sessions(expires_at)
                """,
                """
                CREATE TABLE refresh_tokens (
                    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL,
                    username_key TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    origin_jti TEXT COLLATE "C",
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                """
                CREATE INDEX refresh_tokens_by_user ON refresh_tokens(pool_id, username_key)
                """,
                """
                CREATE INDEX refresh_tokens_by_origin ON refresh_tokens(origin_jti)
                """,
                """
                CREATE TABLE user_pool_domains (
                    domain TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    kind TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE UNIQUE INDEX user_pool_domains_one_per_kind ON user_pool_domains(pool_id, kind)
                """,
                """
                CREATE TABLE resource_servers (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    identifier TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, identifier)
                )
                """,
                """
                CREATE TABLE oauth_codes (
                    code_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL,
                    username_key TEXT COLLATE "C" NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL,
                    data TEXT NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                """
                CREATE INDEX oauth_codes_by_expiry ON oauth_codes(expires_at)
                """,
                """
                CREATE TABLE login_sessions (
                    session_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL,
                    username_key TEXT COLLATE "C" NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL,
                    data TEXT NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """,
                """
                CREATE INDEX login_sessions_by_expiry ON login_sessions(expires_at)
                """,
                """
                CREATE INDEX login_sessions_by_user ON login_sessions(pool_id, username_key)
                """,
                """
                CREATE TABLE ui_customizations (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    client_id TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, client_id)
                )
                """,
                """
                CREATE TABLE terms (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    terms_id TEXT COLLATE "C" NOT NULL,
                    client_id TEXT COLLATE "C" NOT NULL,
                    name TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, terms_id)
                )
                """,
                """
                CREATE UNIQUE INDEX terms_one_name_per_client ON terms(pool_id, client_id, name)
                """,
                """
                CREATE TABLE branding_styles (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    branding_id TEXT COLLATE "C" NOT NULL,
                    client_id TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, branding_id)
                )
                """,
                """
                CREATE UNIQUE INDEX branding_styles_one_per_client ON branding_styles(pool_id, client_id)
                """,
                """
                CREATE TABLE identity_providers (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    name TEXT COLLATE "C" NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (pool_id, name)
                )
                """,
                """
                CREATE TABLE identity_provider_identifiers (
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    identifier TEXT COLLATE "C" NOT NULL,
                    name TEXT COLLATE "C" NOT NULL,
                    PRIMARY KEY (pool_id, identifier)
                )
                """,
                """
                CREATE TABLE federation_states (
                    state_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
                    pool_id TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    expires_at DOUBLE PRECISION NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                """
                CREATE INDEX federation_states_by_expiry ON federation_states(expires_at)
                """,
            ]),
        // SQLite's migration 11: the live records anonymous callers fill are counted per pool.
        Migration(
            2,
            [
                "CREATE INDEX auth_sessions_by_pool ON auth_sessions(pool_id, expires_at)",
                "CREATE INDEX federation_states_by_pool ON federation_states(pool_id, expires_at)",
            ]),
    ]
}
