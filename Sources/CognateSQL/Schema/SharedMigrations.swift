/// Schema changes written once for every engine. Each engine's own history ends where this list takes
/// over (SQLite at its migration 11, PostgreSQL at its migration 2, the same schema); the steps here are
/// numbered after that history's last version, so that both engines apply them in the same order.
///
/// Add a schema change here, never to an engine's history; `SchemaParityTests` migrates both engines and
/// compares their tables, columns and indexes.
public enum SharedMigrations {
    /// The shared steps, in order; each is one migration (one transaction).
    static let steps: [[SchemaChange]] = [
        // Tracked user sessions (SetUserPoolSessionConfiguration).
        [
            .portable(
                """
                CREATE TABLE user_sessions (
                    id {key} PRIMARY KEY NOT NULL,
                    pool_id {key} NOT NULL,
                    username_key {key} NOT NULL,
                    login_session_hash {key},
                    data {text} NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """),
            .portable("CREATE INDEX user_sessions_by_user ON user_sessions(pool_id, username_key)"),
            .portable("CREATE INDEX user_sessions_by_login_session ON user_sessions(login_session_hash)"),
        ],
        // Threat protection: risk configurations (a pool's under client_id '') and users' auth events (seq: the
        // order a user's events were recorded in, which times alone do not give when a clock stands still).
        [
            .portable(
                """
                CREATE TABLE risk_configurations (
                    pool_id {key} NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    client_id {key} NOT NULL,
                    data {text} NOT NULL,
                    PRIMARY KEY (pool_id, client_id)
                )
                """),
            .portable(
                """
                CREATE TABLE auth_events (
                    id {key} PRIMARY KEY NOT NULL,
                    pool_id {key} NOT NULL,
                    username_key {key} NOT NULL,
                    seq {integer} NOT NULL,
                    created_at {time} NOT NULL,
                    data {text} NOT NULL,
                    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
                )
                """),
            .portable("CREATE INDEX auth_events_by_user ON auth_events(pool_id, username_key, seq, id)"),
        ],
        // User import jobs (CreateUserImportJob): the jobs (seq: a pool's jobs in the order they were made), the
        // chunks of their uploaded files, and their per-line logs (a batch's lines per row).
        [
            .portable(
                """
                CREATE TABLE user_import_jobs (
                    pool_id {key} NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    id {key} NOT NULL,
                    seq {integer} NOT NULL,
                    status {key} NOT NULL,
                    data {text} NOT NULL,
                    PRIMARY KEY (pool_id, id)
                )
                """),
            .portable("CREATE INDEX user_import_jobs_by_pool ON user_import_jobs(pool_id, seq, id)"),
            .portable("CREATE INDEX user_import_jobs_by_status ON user_import_jobs(status)"),
            .portable(
                """
                CREATE TABLE user_import_chunks (
                    pool_id {key} NOT NULL,
                    job_id {key} NOT NULL,
                    upload_id {key} NOT NULL,
                    seq {integer} NOT NULL,
                    data {bytes} NOT NULL,
                    PRIMARY KEY (pool_id, job_id, upload_id, seq),
                    FOREIGN KEY (pool_id, job_id) REFERENCES user_import_jobs(pool_id, id) ON DELETE CASCADE
                )
                """),
            .portable(
                """
                CREATE TABLE user_import_log (
                    pool_id {key} NOT NULL,
                    job_id {key} NOT NULL,
                    seq {integer} NOT NULL,
                    lines {text} NOT NULL,
                    PRIMARY KEY (pool_id, job_id, seq),
                    FOREIGN KEY (pool_id, job_id) REFERENCES user_import_jobs(pool_id, id) ON DELETE CASCADE
                )
                """),
        ],
        // Provisioned request-rate limits (UpdateProvisionedLimit): the account's, one per Region and category.
        [
            .portable(
                """
                CREATE TABLE provisioned_limits (
                    region {key} NOT NULL,
                    category {key} NOT NULL,
                    data {text} NOT NULL,
                    PRIMARY KEY (region, category)
                )
                """)
        ],
        // Client ID metadata document policies (CreateCIMDPolicy) and the documents cached for them.
        [
            .portable(
                """
                CREATE TABLE cimd_policies (
                    pool_id {key} NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    policy_id {key} NOT NULL,
                    data {text} NOT NULL,
                    PRIMARY KEY (pool_id, policy_id)
                )
                """),
            .portable(
                """
                CREATE TABLE client_metadata_documents (
                    pool_id {key} NOT NULL,
                    policy_id {key} NOT NULL,
                    url {key} NOT NULL,
                    expires_at {time} NOT NULL,
                    data {text} NOT NULL,
                    PRIMARY KEY (pool_id, policy_id, url),
                    FOREIGN KEY (pool_id, policy_id) REFERENCES cimd_policies(pool_id, policy_id) ON DELETE CASCADE
                )
                """),
        ],
        // Secondary replicas of user pools in other Regions (CreateUserPoolReplica).
        [
            .portable(
                """
                CREATE TABLE user_pool_replicas (
                    pool_id {key} NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    region {key} NOT NULL,
                    data {text} NOT NULL,
                    PRIMARY KEY (pool_id, region)
                )
                """)
        ],
        // Point-in-time recovery: the journal of changes to pools' user data (each record as it was before the
        // change; seq orders changes made in the same instant) and the recoveries (pauses_until: until when the
        // recovery pauses writes, null once it has ended).
        [
            .portable(
                """
                CREATE TABLE recovery_journal (
                    seq {serial},
                    pool_id {key} NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    changed_at {time} NOT NULL,
                    kind {key} NOT NULL,
                    entity_key {key} NOT NULL,
                    image {bytes}
                )
                """),
            .portable("CREATE INDEX recovery_journal_by_pool ON recovery_journal(pool_id, changed_at, seq)"),
            .portable(
                """
                CREATE TABLE point_in_time_recoveries (
                    pool_id {key} NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
                    restore_id {key} NOT NULL,
                    triggered_at {time} NOT NULL,
                    pauses_until {time},
                    data {text} NOT NULL,
                    PRIMARY KEY (pool_id, restore_id)
                )
                """),
            .portable("CREATE INDEX point_in_time_recoveries_pausing ON point_in_time_recoveries(pool_id, pauses_until)"),
        ],
    ]

    /// The shared steps as `dialect`'s migrations, numbered from `last + 1`.
    public static func migrations(_ dialect: SchemaDialect, after last: Int) -> [Migration] {
        steps.enumerated().map { index, changes in
            Migration(last + 1 + index, changes.map { $0.statement(for: dialect) })
        }
    }

    /// An engine's complete schema: its history, then the shared steps.
    public static func complete(_ history: [Migration], _ dialect: SchemaDialect) -> [Migration] {
        history + migrations(dialect, after: history.map(\.version).max() ?? 0)
    }
}
