//! The SQLite file and its schema: opening (WAL, `synchronous=NORMAL`,
//! foreign keys, `secure_delete`) and the migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::store::columns::to_i64;
use crate::store::{Result, StoreError};

/// The database file inside the data directory.
pub const FILE: &str = "zhibu.sqlite3";

/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema, one step per version (version = index + 1). Append only:
/// a step, once released, never changes. Times are Unix ms; flags 0/1.
/// The `boxes` table holds no time, no token, device or member, and no
/// row id: one row per round, its ballots replaced whole.
const MIGRATIONS: &[&str] = &["
CREATE TABLE branches (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    seq          INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 0,
    share_phones INTEGER NOT NULL DEFAULT 0 CHECK (share_phones IN (0, 1)),
    created_at   INTEGER NOT NULL
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
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX tokens_by_branch ON tokens (branch, created_at);
CREATE TABLE invitations (
    hash       TEXT PRIMARY KEY,
    branch     TEXT NOT NULL REFERENCES branches (id),
    member     TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('organizer', 'committee', 'member')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);
CREATE TABLE events (
    branch TEXT NOT NULL REFERENCES branches (id),
    seq    INTEGER NOT NULL,
    id     TEXT NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (branch, seq),
    UNIQUE (branch, id)
);
CREATE TABLE boxes (
    branch  TEXT NOT NULL REFERENCES branches (id),
    round   TEXT NOT NULL,
    closed  INTEGER NOT NULL CHECK (closed IN (0, 1)),
    ballots TEXT NOT NULL,
    PRIMARY KEY (branch, round)
) WITHOUT ROWID;
"];

/// Opens the file, sets the connection up and migrates.
pub(super) fn open(dir: &Path) -> Result<Connection> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::Unavailable(format!("creating data directory {}: {e}", dir.display())))?;
    let mut conn = Connection::open(dir.join(FILE))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode = wal_mode(&conn)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Unavailable(format!("SQLite refused WAL mode (journal_mode is {mode})")));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Switches a new file to WAL. SQLite answers "database is locked" at once,
/// without its busy handler, when instances opening the same new file at
/// the same time race for this switch, so the switch is retried here for
/// as long as the busy timeout.
fn wal_mode(conn: &Connection) -> Result<String> {
    let start = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

/// Applies the steps not yet applied, in one transaction.
fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")?;
    let applied: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    let known = to_i64(MIGRATIONS.len() as u64);
    if applied > known {
        return Err(StoreError::Unavailable(format!(
            "the database's schema (version {applied}) is newer than this server's (version {known})"
        )));
    }
    for (version, step) in (1..).zip(MIGRATIONS).skip(usize::try_from(applied).unwrap_or(0)) {
        tx.execute_batch(step)?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
    }
    tx.commit()?;
    Ok(())
}
