//! The shared engine: PostgreSQL by URL, through a deadpool connection
//! pool (no TLS: the database is expected on a private network).
//!
//! Commits lock their branch row (`SELECT … FOR UPDATE`) for the whole
//! transaction, so commits on one branch run one after another. PostgreSQL
//! makes a transaction visible before it releases its locks, so the next
//! commit on the branch can only take the row (and number its events after
//! the first's) once the first commit's events are visible: any snapshot
//! that sees sequence n+1 also sees n, and a pull cursor never skips.
//!
//! Error messages keep PostgreSQL's message and code but drop its DETAIL,
//! which can quote a failing row (a ballot box, an event body).

mod schema;

use std::time::Duration;

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use zhibu_core::sync::Role;

use super::columns::{counter, no_branch, parse_role, role_text, to_i64};
use super::{
    BoxRow, BranchRow, Committed, EventPage, InvitationRow, NewBranchRow, OrganizerRow, Result, StoreError,
    StoredEvent, TokenRow,
};

/// Most connections one server instance holds.
const POOL_SIZE: usize = 16;
/// How long to wait for a connection, from the pool or a new one.
const TIMEOUT: Duration = Duration::from_secs(10);

const TOKEN_COLUMNS: &str = "id, branch, hash, role, member, label, created_at, expires_at, last_seen, revoked";

/// The PostgreSQL engine.
pub struct Postgres {
    pool: Pool,
}

impl Postgres {
    /// Builds the pool from `url` and migrates (under an advisory lock, so
    /// instances starting together migrate once).
    pub async fn connect(url: &str) -> Result<Postgres> {
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("zhibu-server");
        }
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(TIMEOUT))
            .create_timeout(Some(TIMEOUT))
            .recycle_timeout(Some(TIMEOUT))
            .build()
            .map_err(|e| StoreError::Unavailable(format!("PostgreSQL pool: {e}")))?;
        let pg = Postgres { pool };
        pg.migrate().await?;
        Ok(pg)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        self.pool.get().await.map_err(|e| match e {
            PoolError::Backend(e) => e.into(),
            other => StoreError::Unavailable(format!("PostgreSQL pool: {other}")),
        })
    }

    pub async fn ping(&self) -> Result<()> {
        self.client().await?.simple_query("SELECT 1").await?;
        Ok(())
    }

    pub async fn create_branch(&self, row: &NewBranchRow) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO branches (id, name, seq, version, share_phones, created_at) VALUES ($1, $2, 0, 0, FALSE, $3)",
            &[&row.id, &row.name, &row.created_at],
        )
        .await?;
        tx.execute(
            "INSERT INTO organizers (login, branch, password_hash) VALUES ($1, $2, $3)",
            &[&row.login, &row.id, &row.password_hash],
        )
        .await
        .map_err(|e| if is_unique_violation(&e) { StoreError::Taken } else { e.into() })?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn organizer(&self, login: &str) -> Result<Option<OrganizerRow>> {
        let client = self.client().await?;
        let stmt = client.prepare_cached("SELECT branch, password_hash FROM organizers WHERE login = $1").await?;
        let row = client.query_opt(&stmt, &[&login]).await?;
        Ok(row.map(|r| OrganizerRow { branch: r.get(0), password_hash: r.get(1) }))
    }

    pub async fn branch(&self, id: &str) -> Result<Option<BranchRow>> {
        let client = self.client().await?;
        let stmt =
            client.prepare_cached("SELECT id, name, seq, version, share_phones FROM branches WHERE id = $1").await?;
        let Some(r) = client.query_opt(&stmt, &[&id]).await? else {
            return Ok(None);
        };
        Ok(Some(BranchRow {
            id: r.get(0),
            name: r.get(1),
            seq: counter(r.get(2))?,
            version: counter(r.get(3))?,
            share_phones: r.get(4),
        }))
    }

    pub async fn set_share_phones(&self, branch: &str, share: bool) -> Result<()> {
        let client = self.client().await?;
        client.execute("UPDATE branches SET share_phones = $2 WHERE id = $1", &[&branch, &share]).await?;
        Ok(())
    }

    pub async fn insert_token(&self, row: &TokenRow) -> Result<()> {
        let client = self.client().await?;
        insert_token(&client, row).await
    }

    pub async fn token(&self, hash: &str) -> Result<Option<TokenRow>> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1")).await?;
        client.query_opt(&stmt, &[&hash]).await?.map(|r| token_row(&r)).transpose()
    }

    pub async fn touch_token(&self, id: &str, now: i64) -> Result<()> {
        let client = self.client().await?;
        let stmt = client.prepare_cached("UPDATE tokens SET last_seen = GREATEST(last_seen, $2) WHERE id = $1").await?;
        client.execute(&stmt, &[&id, &now]).await?;
        Ok(())
    }

    pub async fn revoke_token(&self, branch: &str, id: &str) -> Result<bool> {
        let client = self.client().await?;
        let n =
            client.execute("UPDATE tokens SET revoked = TRUE WHERE branch = $1 AND id = $2", &[&branch, &id]).await?;
        Ok(n > 0)
    }

    pub async fn set_token_role(&self, branch: &str, id: &str, role: Role) -> Result<bool> {
        let client = self.client().await?;
        let n = client
            .execute("UPDATE tokens SET role = $3 WHERE branch = $1 AND id = $2", &[&branch, &id, &role_text(role)])
            .await?;
        Ok(n > 0)
    }

    pub async fn tokens(&self, branch: &str) -> Result<Vec<TokenRow>> {
        let client = self.client().await?;
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE branch = $1 ORDER BY created_at, id");
        client.query(&sql, &[&branch]).await?.iter().map(token_row).collect()
    }

    pub async fn insert_invitation(&self, row: &InvitationRow) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO invitations (hash, branch, member, role, created_at, expires_at, used) \
                 VALUES ($1, $2, $3, $4, $5, $6, FALSE)",
                &[&row.hash, &row.branch, &row.member, &role_text(row.role), &row.created_at, &row.expires_at],
            )
            .await?;
        Ok(())
    }

    pub async fn redeem_invitation(&self, hash: &str, now: i64, token: TokenRow) -> Result<Option<TokenRow>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // A second redeemer blocks on the row until the first commits, then
        // finds it used.
        let found = tx
            .query_opt(
                "UPDATE invitations SET used = TRUE WHERE hash = $1 AND NOT used AND expires_at > $2 \
                 RETURNING branch, member, role",
                &[&hash, &now],
            )
            .await?;
        let Some(r) = found else {
            return Ok(None);
        };
        let token = TokenRow { branch: r.get(0), member: Some(r.get(1)), role: parse_role(r.get(2))?, ..token };
        insert_token(&tx, &token).await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    pub async fn events_since(&self, branch: &str, since: u64, limit: usize, max_bytes: usize) -> Result<EventPage> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT seq, id, body FROM events WHERE branch = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .await?;
        // One more than the page, to know whether more follow; rows are
        // streamed, so a page never holds more than its bytes.
        let (since, rows) = (to_i64(since), to_i64(limit.saturating_add(1) as u64));
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 3] = [&branch, &since, &rows];
        let stream = client.query_raw(&stmt, params).await?;
        let mut stream = std::pin::pin!(stream);
        let (mut page, mut bytes) = (EventPage::default(), 0);
        while let Some(r) = futures_util::StreamExt::next(&mut stream).await {
            let r = r?;
            let row = StoredEvent { seq: counter(r.get(0))?, id: r.get(1), body: r.get(2) };
            if !page.take(row, limit, max_bytes, &mut bytes) {
                break;
            }
        }
        Ok(page)
    }

    pub async fn boxes(&self, branch: &str) -> Result<Vec<BoxRow>> {
        let client = self.client().await?;
        let stmt =
            client.prepare_cached("SELECT round, closed, ballots FROM boxes WHERE branch = $1 ORDER BY round").await?;
        let rows = client.query(&stmt, &[&branch]).await?;
        Ok(rows.iter().map(|r| BoxRow { round: r.get(0), closed: r.get(1), ballots: r.get(2) }).collect())
    }

    pub async fn commit(
        &self,
        branch: &str,
        version: u64,
        events: &[(String, String)],
        boxes: &[BoxRow],
    ) -> Result<Committed> {
        let mut client = self.client().await?;
        // Dropping `tx` on any early return rolls everything back.
        let tx = client.transaction().await?;
        let lock = tx.prepare_cached("SELECT seq, version FROM branches WHERE id = $1 FOR UPDATE").await?;
        let row = tx.query_opt(&lock, &[&branch]).await?.ok_or_else(|| no_branch(branch))?;
        let (seq, current): (i64, i64) = (row.get(0), row.get(1));
        if counter(current)? != version {
            return Err(StoreError::Conflict);
        }
        if !events.is_empty() {
            // One statement for the whole batch; `ord` counts from 1.
            let insert = tx
                .prepare_cached(
                    "INSERT INTO events (branch, seq, id, body) \
                     SELECT $1, $2 + t.ord, t.id, t.body \
                     FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t (id, body, ord)",
                )
                .await?;
            let ids: Vec<&str> = events.iter().map(|(id, _)| id.as_str()).collect();
            let bodies: Vec<&str> = events.iter().map(|(_, body)| body.as_str()).collect();
            tx.execute(&insert, &[&branch, &seq, &ids, &bodies])
                .await
                .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict } else { e.into() })?;
        }
        if !boxes.is_empty() {
            // One statement per box, so a round given twice ends as its last
            // (as in SQLite) instead of failing.
            let upsert = tx
                .prepare_cached(
                    "INSERT INTO boxes (branch, round, closed, ballots) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (branch, round) DO UPDATE SET closed = EXCLUDED.closed, ballots = EXCLUDED.ballots",
                )
                .await?;
            for b in boxes {
                tx.execute(&upsert, &[&branch, &b.round, &b.closed, &b.ballots]).await?;
            }
        }
        let seq = seq + to_i64(events.len() as u64);
        let version = current + 1;
        tx.execute("UPDATE branches SET seq = $2, version = $3 WHERE id = $1", &[&branch, &seq, &version]).await?;
        tx.commit().await?;
        Ok(Committed { seq: counter(seq)?, version: counter(version)? })
    }
}

async fn insert_token(client: &impl GenericClient, row: &TokenRow) -> Result<()> {
    let stmt = client
        .prepare_cached(&format!(
            "INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .await?;
    client
        .execute(
            &stmt,
            &[
                &row.id,
                &row.branch,
                &row.hash,
                &role_text(row.role),
                &row.member,
                &row.label,
                &row.created_at,
                &row.expires_at,
                &row.last_seen,
                &row.revoked,
            ],
        )
        .await?;
    Ok(())
}

/// A `TokenRow` from the columns in [`TOKEN_COLUMNS`] order.
fn token_row(r: &tokio_postgres::Row) -> Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0),
        branch: r.get(1),
        hash: r.get(2),
        role: parse_role(r.get(3))?,
        member: r.get(4),
        label: r.get(5),
        created_at: r.get(6),
        expires_at: r.get(7),
        last_seen: r.get(8),
        revoked: r.get(9),
    })
}

fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        match e.as_db_error() {
            // Not `Display`: it appends DETAIL, which may quote row values.
            Some(db) => StoreError::Unavailable(format!("{} ({})", db.message(), db.code().code())),
            None => StoreError::Unavailable(e.to_string()),
        }
    }
}
