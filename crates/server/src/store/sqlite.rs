//! The embedded engine: one SQLite file (`schema::FILE`) in the data
//! directory; the queries here, the schema and its migrations in `schema`.
//!
//! rusqlite is synchronous, so every call runs on tokio's blocking pool
//! against one connection behind a mutex. Calls are therefore serialised,
//! which also serialises commits; `BEGIN IMMEDIATE` serialises them against
//! any other process that opens the same file. WAL with
//! `synchronous=NORMAL`: a killed process loses nothing it committed (a
//! power cut may lose the last transactions, never the file).
//!
//! `secure_delete` is on so that a ballot box replaced by the next ballot
//! does not linger in freed pages, where successive versions would tell
//! which ballot came when.

mod schema;

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use zhibu_core::sync::Role;

use super::columns::{counter, no_branch, parse_role, role_text, to_i64};
use super::{
    BoxRow, BranchRow, Committed, EventPage, InvitationRow, NewBranchRow, OrganizerRow, Result, StoreError,
    StoredEvent, TokenRow,
};

const TOKEN_COLUMNS: &str = "id, branch, hash, role, member, label, created_at, expires_at, last_seen, revoked";

/// The SQLite engine.
pub struct Sqlite {
    conn: Arc<Mutex<Connection>>,
}

impl Sqlite {
    /// Opens (creating the directory and file if needed) and migrates.
    pub async fn open(dir: &Path) -> Result<Sqlite> {
        let dir = dir.to_path_buf();
        let conn = blocking(move || schema::open(&dir)).await?;
        Ok(Sqlite { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` on the connection, on the blocking pool.
    async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        blocking(move || {
            // A panic inside `f` dropped its transaction (rolled back) while
            // unwinding, so a poisoned connection is still consistent.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn)
        })
        .await
    }

    pub async fn ping(&self) -> Result<()> {
        self.call(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)).await
    }

    pub async fn create_branch(&self, row: &NewBranchRow) -> Result<()> {
        let row = row.clone();
        self.call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO branches (id, name, seq, version, share_phones, created_at) VALUES (?1, ?2, 0, 0, 0, ?3)",
                params![row.id, row.name, row.created_at],
            )?;
            tx.execute(
                "INSERT INTO organizers (login, branch, password_hash) VALUES (?1, ?2, ?3)",
                params![row.login, row.id, row.password_hash],
            )
            .map_err(|e| if is_unique_violation(&e) { StoreError::Taken } else { e.into() })?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    pub async fn organizer(&self, login: &str) -> Result<Option<OrganizerRow>> {
        let login = login.to_string();
        self.call(move |c| {
            let mut stmt = c.prepare_cached("SELECT branch, password_hash FROM organizers WHERE login = ?1")?;
            let row = stmt
                .query_row([&login], |r| Ok(OrganizerRow { branch: r.get(0)?, password_hash: r.get(1)? }))
                .optional()?;
            Ok(row)
        })
        .await
    }

    pub async fn branch(&self, id: &str) -> Result<Option<BranchRow>> {
        let id = id.to_string();
        self.call(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT id, name, seq, version, share_phones FROM branches WHERE id = ?1")?;
            let row = stmt
                .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?, r.get(4)?)))
                .optional()?;
            row.map(|(id, name, seq, version, share_phones)| {
                Ok(BranchRow { id, name, seq: counter(seq)?, version: counter(version)?, share_phones })
            })
            .transpose()
        })
        .await
    }

    pub async fn set_share_phones(&self, branch: &str, share: bool) -> Result<()> {
        let branch = branch.to_string();
        self.call(move |c| {
            c.execute("UPDATE branches SET share_phones = ?2 WHERE id = ?1", params![branch, share])?;
            Ok(())
        })
        .await
    }

    pub async fn insert_token(&self, row: &TokenRow) -> Result<()> {
        let row = row.clone();
        self.call(move |c| insert_token(c, &row)).await
    }

    pub async fn token(&self, hash: &str) -> Result<Option<TokenRow>> {
        let hash = hash.to_string();
        self.call(move |c| {
            let mut stmt = c.prepare_cached(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = ?1"))?;
            Ok(stmt.query_row([&hash], token_row).optional()?)
        })
        .await
    }

    pub async fn touch_token(&self, id: &str, now: i64) -> Result<()> {
        let id = id.to_string();
        self.call(move |c| {
            let mut stmt = c.prepare_cached("UPDATE tokens SET last_seen = MAX(last_seen, ?2) WHERE id = ?1")?;
            stmt.execute(params![id, now])?;
            Ok(())
        })
        .await
    }

    pub async fn revoke_token(&self, branch: &str, id: &str) -> Result<bool> {
        let (branch, id) = (branch.to_string(), id.to_string());
        self.call(move |c| {
            let n = c.execute("UPDATE tokens SET revoked = 1 WHERE branch = ?1 AND id = ?2", params![branch, id])?;
            Ok(n > 0)
        })
        .await
    }

    pub async fn set_token_role(&self, branch: &str, id: &str, role: Role) -> Result<bool> {
        let (branch, id) = (branch.to_string(), id.to_string());
        self.call(move |c| {
            let n = c.execute(
                "UPDATE tokens SET role = ?3 WHERE branch = ?1 AND id = ?2",
                params![branch, id, role_text(role)],
            )?;
            Ok(n > 0)
        })
        .await
    }

    pub async fn tokens(&self, branch: &str) -> Result<Vec<TokenRow>> {
        let branch = branch.to_string();
        self.call(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM tokens WHERE branch = ?1 ORDER BY created_at, id"
            ))?;
            let rows = stmt.query_map([&branch], token_row)?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn insert_invitation(&self, row: &InvitationRow) -> Result<()> {
        let row = row.clone();
        self.call(move |c| {
            c.execute(
                "INSERT INTO invitations (hash, branch, member, role, created_at, expires_at, used) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
                params![row.hash, row.branch, row.member, role_text(row.role), row.created_at, row.expires_at],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn redeem_invitation(&self, hash: &str, now: i64, token: TokenRow) -> Result<Option<TokenRow>> {
        let hash = hash.to_string();
        self.call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found = tx
                .query_row(
                    "UPDATE invitations SET used = 1 WHERE hash = ?1 AND used = 0 AND expires_at > ?2 \
                     RETURNING branch, member, role",
                    params![hash, now],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
                )
                .optional()?;
            let Some((branch, member, role)) = found else {
                return Ok(None);
            };
            let token = TokenRow { branch, member: Some(member), role: parse_role(&role)?, ..token };
            insert_token(&tx, &token)?;
            tx.commit()?;
            Ok(Some(token))
        })
        .await
    }

    pub async fn events_since(&self, branch: &str, since: u64, limit: usize, max_bytes: usize) -> Result<EventPage> {
        let branch = branch.to_string();
        // One more than the page, to know whether more follow.
        let (since, rows) = (to_i64(since), to_i64(limit.saturating_add(1) as u64));
        self.call(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, id, body FROM events WHERE branch = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            let mut cursor = stmt.query(params![branch, since, rows])?;
            let (mut page, mut bytes) = (EventPage::default(), 0);
            while let Some(r) = cursor.next()? {
                let row = StoredEvent { seq: counter(r.get(0)?)?, id: r.get(1)?, body: r.get(2)? };
                if !page.take(row, limit, max_bytes, &mut bytes) {
                    break;
                }
            }
            Ok(page)
        })
        .await
    }

    pub async fn boxes(&self, branch: &str) -> Result<Vec<BoxRow>> {
        let branch = branch.to_string();
        self.call(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT round, closed, ballots FROM boxes WHERE branch = ?1 ORDER BY round")?;
            let rows = stmt
                .query_map([&branch], |r| Ok(BoxRow { round: r.get(0)?, closed: r.get(1)?, ballots: r.get(2)? }))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn commit(
        &self,
        branch: &str,
        version: u64,
        events: &[(String, String)],
        boxes: &[BoxRow],
    ) -> Result<Committed> {
        let branch = branch.to_string();
        let (events, boxes) = (events.to_vec(), boxes.to_vec());
        self.call(move |c| {
            // Dropping `tx` on any early return rolls everything back.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (seq, current) = tx
                .query_row("SELECT seq, version FROM branches WHERE id = ?1", [&branch], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?
                .ok_or_else(|| no_branch(&branch))?;
            if counter(current)? != version {
                return Err(StoreError::Conflict);
            }
            {
                let mut insert =
                    tx.prepare_cached("INSERT INTO events (branch, seq, id, body) VALUES (?1, ?2, ?3, ?4)")?;
                for (next, (id, body)) in (seq + 1..).zip(&events) {
                    insert
                        .execute(params![branch, next, id, body])
                        .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict } else { e.into() })?;
                }
                let mut upsert = tx.prepare_cached(
                    "INSERT INTO boxes (branch, round, closed, ballots) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (branch, round) DO UPDATE SET closed = excluded.closed, ballots = excluded.ballots",
                )?;
                for b in &boxes {
                    upsert.execute(params![branch, b.round, b.closed, b.ballots])?;
                }
            }
            let seq = seq + to_i64(events.len() as u64);
            let version = current + 1;
            tx.execute("UPDATE branches SET seq = ?2, version = ?3 WHERE id = ?1", params![branch, seq, version])?;
            tx.commit()?;
            if !boxes.is_empty() {
                // The WAL would keep every earlier version of a box (the
                // order ballots came in) until a checkpoint: copy it into
                // the file now (where secure_delete zeroes what is freed)
                // and empty the WAL.
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            Ok(Committed { seq: counter(seq)?, version: counter(version)? })
        })
        .await
    }
}

fn insert_token(c: &Connection, row: &TokenRow) -> Result<()> {
    let mut stmt = c.prepare_cached(&format!(
        "INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?;
    stmt.execute(params![
        row.id,
        row.branch,
        row.hash,
        role_text(row.role),
        row.member,
        row.label,
        row.created_at,
        row.expires_at,
        row.last_seen,
        row.revoked
    ])?;
    Ok(())
}

/// A `TokenRow` from the columns in [`TOKEN_COLUMNS`] order.
fn token_row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    let role: String = r.get(3)?;
    let role = parse_role(&role).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e) as Box<_>)
    })?;
    Ok(TokenRow {
        id: r.get(0)?,
        branch: r.get(1)?,
        hash: r.get(2)?,
        role,
        member: r.get(4)?,
        label: r.get(5)?,
        created_at: r.get(6)?,
        expires_at: r.get(7)?,
        last_seen: r.get(8)?,
        revoked: r.get(9)?,
    })
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error().map(|e| e.extended_code),
        Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    )
}

/// SQLite's messages name tables and columns, never values.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Unavailable(e.to_string())
    }
}

async fn blocking<T, F>(f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Unavailable(format!("storage task failed: {e}")))?
}
