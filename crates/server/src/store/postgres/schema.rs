//! PostgreSQL's schema and its migrations, run once however many
//! instances start together.

use super::Postgres;
use crate::store::columns::to_i64;
use crate::store::{Result, StoreError};

/// Key of the advisory lock that serialises migrations across instances
/// (the bytes of "zhibu" and a 1).
const MIGRATION_LOCK: i64 = 0x7a68_6962_7500_0001;

/// The schema, one step per version (version = index + 1). Append only.
/// Times are Unix ms. Same tables and meaning as SQLite's; the `boxes`
/// table holds no time, no token, device or member, and no generated id.
const MIGRATIONS: &[&str] = &["
CREATE TABLE branches (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    seq          BIGINT NOT NULL DEFAULT 0,
    version      BIGINT NOT NULL DEFAULT 0,
    share_phones BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL
);
CREATE TABLE organizers (
    login         TEXT PRIMARY KEY,
    branch        TEXT NOT NULL REFERENCES branches (id),
    password_hash TEXT NOT NULL
);
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    branch     TEXT NOT NULL REFERENCES branches (id),
    hash       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('organizer', 'committee', 'member')),
    member     TEXT,
    label      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tokens_by_branch ON tokens (branch, created_at);
CREATE TABLE invitations (
    hash       TEXT PRIMARY KEY,
    branch     TEXT NOT NULL REFERENCES branches (id),
    member     TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('organizer', 'committee', 'member')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE events (
    branch TEXT NOT NULL REFERENCES branches (id),
    seq    BIGINT NOT NULL,
    id     TEXT NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (branch, seq),
    UNIQUE (branch, id)
);
CREATE TABLE boxes (
    branch  TEXT NOT NULL REFERENCES branches (id),
    round   TEXT NOT NULL,
    closed  BOOLEAN NOT NULL,
    ballots TEXT NOT NULL,
    PRIMARY KEY (branch, round)
);
"];

impl Postgres {
    /// Applies the steps not yet applied, in one transaction holding a
    /// transaction-level advisory lock (released at commit or rollback,
    /// also if the connection drops).
    pub(super) async fn migrate(&self) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)").await?;
        let applied: i64 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await?.get(0);
        let known = to_i64(MIGRATIONS.len() as u64);
        if applied > known {
            return Err(StoreError::Unavailable(format!(
                "the database's schema (version {applied}) is newer than this server's (version {known})"
            )));
        }
        for (version, step) in (1i64..).zip(MIGRATIONS).skip(usize::try_from(applied).unwrap_or(0)) {
            tx.batch_execute(step).await?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
