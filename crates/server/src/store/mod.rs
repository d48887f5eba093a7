//! Storage: one interface, two engines. SQLite (a file under the data
//! directory, WAL) is the embedded default; PostgreSQL (by URL) lets many
//! stateless server instances share one database.
//!
//! The interface is a handful of whole operations, each one transaction, so
//! both engines give the same guarantees and the HTTP layer never holds a
//! transaction across an await. Pushes use optimistic concurrency: the
//! caller validates against the branch at `version`, and `commit` stores
//! only if the branch is still at that version (else `Conflict`: catch up,
//! validate again, retry). Per branch, commits are serialised, so event
//! sequence numbers become visible in order and a pull cursor never skips.

mod columns;
mod postgres;
mod sqlite;

use zhibu_core::sync::Role;

/// A branch row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchRow {
    /// Random id (URL-safe).
    pub id: String,
    /// Name shown to members.
    pub name: String,
    /// Sequence of its last event (0: none).
    pub seq: u64,
    /// Bumped by every commit (events or boxes).
    pub version: u64,
    /// Whether phone numbers may be stored.
    pub share_phones: bool,
}

/// A new branch with its organizer's account.
#[derive(Clone, Debug)]
pub struct NewBranchRow {
    /// Branch id.
    pub id: String,
    /// Branch name.
    pub name: String,
    /// Organizer login, unique on the server.
    pub login: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Unix ms.
    pub created_at: i64,
}

/// The organizer account found by login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizerRow {
    /// Its branch.
    pub branch: String,
    /// argon2 PHC string.
    pub password_hash: String,
}

/// A token (an organizer session or a device). Only the SHA-256 of the
/// token is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRow {
    /// Public id (to list and revoke).
    pub id: String,
    /// Its branch.
    pub branch: String,
    /// SHA-256 of the token, lowercase hex.
    pub hash: String,
    /// What it may do.
    pub role: Role,
    /// The member it is bound to.
    pub member: Option<String>,
    /// Label ("张三的手机").
    pub label: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub expires_at: i64,
    /// Unix ms.
    pub last_seen: i64,
    /// Revoked (lost phone, logout).
    pub revoked: bool,
}

/// A one-time invitation for a member's phone (hash of the code only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationRow {
    /// SHA-256 of the code, lowercase hex.
    pub hash: String,
    /// Its branch.
    pub branch: String,
    /// The member it binds.
    pub member: String,
    /// The role the device gets.
    pub role: Role,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub expires_at: i64,
}

/// A stored event: the branch's sequence number and the event's JSON as
/// received (after validation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Sequence within the branch, from 1.
    pub seq: u64,
    /// Event id.
    pub id: String,
    /// The event's JSON.
    pub body: String,
}

/// One page of a branch's events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventPage {
    /// The events, in sequence order.
    pub events: Vec<StoredEvent>,
    /// Whether more events follow the last one.
    pub more: bool,
}

impl EventPage {
    /// Adds `row` unless the page is full (`limit` events, or `max_bytes`
    /// after the first); false when full, and `more` is then set.
    pub fn take(&mut self, row: StoredEvent, limit: usize, max_bytes: usize, bytes: &mut usize) -> bool {
        let full = self.events.len() >= limit || (!self.events.is_empty() && *bytes + row.body.len() > max_bytes);
        if full {
            self.more = true;
            return false;
        }
        *bytes += row.body.len();
        self.events.push(row);
        true
    }
}

/// A round's ballot box: one row holding every ballot sorted by slot, so
/// neither row order nor row ids say in which order ballots came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoxRow {
    /// The round.
    pub round: String,
    /// No more ballots (the organizer fetched it to close the round).
    pub closed: bool,
    /// JSON array of `{slot, rev, choices}` sorted by slot.
    pub ballots: String,
}

impl BoxRow {
    /// Bytes the row holds (what the branch's quota counts).
    pub fn bytes(&self) -> u64 {
        (self.round.len() + self.ballots.len()) as u64
    }
}

/// What a commit stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The branch's last sequence now.
    pub seq: u64,
    /// The branch's version now.
    pub version: u64,
}

/// Why a storage call failed.
#[derive(Debug)]
pub enum StoreError {
    /// The branch moved on since the caller read it (or an event id is
    /// already taken): catch up and try again.
    Conflict,
    /// A unique value (login) is taken.
    Taken,
    /// The database could not be reached or failed.
    Unavailable(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict => f.write_str("the branch changed meanwhile"),
            StoreError::Taken => f.write_str("already taken"),
            StoreError::Unavailable(why) => write!(f, "database unavailable: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Result of a storage call.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The database: one of the two engines.
pub enum Db {
    /// Embedded SQLite.
    Sqlite(sqlite::Sqlite),
    /// PostgreSQL.
    Postgres(postgres::Postgres),
}

/// Dispatches a call to the engine (both have the same inherent methods).
macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            Db::Sqlite(db) => db.$method($($arg),*).await,
            Db::Postgres(db) => db.$method($($arg),*).await,
        }
    };
}

impl Db {
    /// Opens (creating if needed) the SQLite database in `dir` and brings
    /// its schema up to date.
    pub async fn sqlite(dir: &std::path::Path) -> Result<Db> {
        Ok(Db::Sqlite(sqlite::Sqlite::open(dir).await?))
    }

    /// Connects to PostgreSQL at `url` and brings its schema up to date
    /// (several instances starting at once migrate once).
    pub async fn postgres(url: &str) -> Result<Db> {
        Ok(Db::Postgres(postgres::Postgres::connect(url).await?))
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self.ping())
    }

    /// Creates a branch and its organizer account (`Taken` if the login is).
    pub async fn create_branch(&self, row: &NewBranchRow) -> Result<()> {
        dispatch!(self.create_branch(row))
    }

    /// The organizer account with this login.
    pub async fn organizer(&self, login: &str) -> Result<Option<OrganizerRow>> {
        dispatch!(self.organizer(login))
    }

    /// A branch by id.
    pub async fn branch(&self, id: &str) -> Result<Option<BranchRow>> {
        dispatch!(self.branch(id))
    }

    /// Sets whether phone numbers may be stored.
    pub async fn set_share_phones(&self, branch: &str, share: bool) -> Result<()> {
        dispatch!(self.set_share_phones(branch, share))
    }

    /// Stores a new token.
    pub async fn insert_token(&self, row: &TokenRow) -> Result<()> {
        dispatch!(self.insert_token(row))
    }

    /// The token with this hash (revoked and expired ones too: the caller
    /// refuses them).
    pub async fn token(&self, hash: &str) -> Result<Option<TokenRow>> {
        dispatch!(self.token(hash))
    }

    /// Records use of a token (the device list's "last seen").
    pub async fn touch_token(&self, id: &str, now: i64) -> Result<()> {
        dispatch!(self.touch_token(id, now))
    }

    /// Revokes a token of the branch; false when there is no such token.
    pub async fn revoke_token(&self, branch: &str, id: &str) -> Result<bool> {
        dispatch!(self.revoke_token(branch, id))
    }

    /// Changes a token's role; false when there is no such token.
    pub async fn set_token_role(&self, branch: &str, id: &str, role: Role) -> Result<bool> {
        dispatch!(self.set_token_role(branch, id, role))
    }

    /// Every token of the branch, oldest first.
    pub async fn tokens(&self, branch: &str) -> Result<Vec<TokenRow>> {
        dispatch!(self.tokens(branch))
    }

    /// Stores an invitation.
    pub async fn insert_invitation(&self, row: &InvitationRow) -> Result<()> {
        dispatch!(self.insert_invitation(row))
    }

    /// Redeems an invitation once: if `hash` names an unused invitation
    /// that has not expired at `now`, marks it used and stores `token` with
    /// the invitation's branch, member and role filled in, all in one
    /// transaction; returns the stored token. `None`: unknown, used or
    /// expired (a second redemption of the same code always gets `None`).
    pub async fn redeem_invitation(&self, hash: &str, now: i64, token: TokenRow) -> Result<Option<TokenRow>> {
        dispatch!(self.redeem_invitation(hash, now, token))
    }

    /// The branch's events with sequence > `since`, in order: up to
    /// `limit` of them and, after the first, no more than `max_bytes` of
    /// bodies in all. Rows are read one at a time, so memory stays within
    /// the page whatever the branch holds.
    pub async fn events_since(&self, branch: &str, since: u64, limit: usize, max_bytes: usize) -> Result<EventPage> {
        dispatch!(self.events_since(branch, since, limit, max_bytes))
    }

    /// Every ballot box of the branch.
    pub async fn boxes(&self, branch: &str) -> Result<Vec<BoxRow>> {
        dispatch!(self.boxes(branch))
    }

    /// In one transaction, if the branch is still at `version`: appends
    /// `events` (id, JSON) with the next sequence numbers, replaces the
    /// given boxes, and bumps the version. `Conflict` if the version moved
    /// or an event id is already stored (nothing is written then).
    pub async fn commit(
        &self,
        branch: &str,
        version: u64,
        events: &[(String, String)],
        boxes: &[BoxRow],
    ) -> Result<Committed> {
        dispatch!(self.commit(branch, version, events, boxes))
    }
}
