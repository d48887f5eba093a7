//! Sync with a branch's server: the only part of the app that knows the
//! wire format (the bodies in `zhibu_core::sync`) besides the server.
//!
//! - `api` — HTTP through `fetch`.
//! - `engine` — when to sync, the push → pull → closed boxes run under the
//!   `zhibu-sync` Web Lock, and the status the header shows.
//!
//! What waits to be pushed (`zhibu_core::sync::outbox`) and the history
//! pushed once on connecting (`zhibu_core::sync::history`) are plain data
//! in the core; `storage` keeps the outboxes.
//!
//! The connection itself ([`Connection`]) is stored by `storage` under
//! `zhibu:sync`. Local data never depends on it: forgetting it, a revoked
//! token or a server gone away leave every record in place.

pub mod api;
pub mod engine;
mod run;

use crate::storage::{self, CONNECTION_VERSION};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use zhibu_core::ids::RoundId;
use zhibu_core::sync::outbox::Rejection;
use zhibu_core::sync::{Principal, Role, Session as ServerSession};

/// Rejections kept for the user to read.
pub const MAX_REJECTIONS: usize = 50;

/// The stored connection to a sync server. `storage::sync_principal`
/// reads its `v` and `session` too (all the records need of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// [`CONNECTION_VERSION`].
    pub v: u32,
    /// The server's base address (`https://host[:port]`).
    pub server: String,
    /// The session the server gave this device.
    pub session: ServerSession,
    /// Where the next pull starts.
    #[serde(default)]
    pub cursor: u64,
    /// When the last complete sync ended (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<i64>,
    /// Why the last sync failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<api::Failure>,
    /// The server refused the token (revoked or expired): syncing stops.
    #[serde(default)]
    pub revoked: bool,
    /// Whether the branch shares phone numbers through the server.
    #[serde(default)]
    pub share_phones: bool,
    /// The device's history (what it knew before connecting) is still to be
    /// pushed; [`history_len`](Self::history_len) events, as counted then.
    #[serde(default)]
    pub history: bool,
    /// Events in the history when connecting (for the pending count).
    #[serde(default)]
    pub history_len: usize,
    /// Closed rounds whose server box was merged here.
    #[serde(default)]
    pub boxes: BTreeSet<RoundId>,
    /// What the server refused, newest last.
    #[serde(default)]
    pub rejected: Vec<Rejection>,
}

impl Connection {
    /// A new connection from a login or an accepted invitation.
    pub fn new(server: &str, session: ServerSession) -> Connection {
        Connection {
            v: CONNECTION_VERSION,
            server: api::normalise_base(server),
            session,
            cursor: 0,
            last_sync: None,
            last_error: None,
            revoked: false,
            share_phones: false,
            history: true,
            history_len: 0,
            boxes: BTreeSet::new(),
            rejected: Vec::new(),
        }
    }

    /// The stored connection, if any (and readable by this version).
    pub fn load() -> Option<Connection> {
        let text = storage::sync_text()?;
        serde_json::from_str::<Connection>(&text).ok().filter(|c| c.v == CONNECTION_VERSION)
    }

    /// Stores it.
    pub fn save(&self) -> Result<(), storage::SaveError> {
        storage::set_sync_text(&serde_json::to_string(self).unwrap_or_default())
    }

    /// The server with this session's token.
    pub fn server(&self) -> api::Server {
        api::Server::with_token(&self.server, &self.session.token)
    }

    /// Who this device is to the server.
    pub fn principal(&self) -> Principal {
        Principal { role: self.session.role, member: self.session.member.clone() }
    }

    /// Whether this device keeps the branch's records (organizer, committee).
    pub fn keeps_records(&self) -> bool {
        self.session.role.keeps_records()
    }

    /// Whether this is the organizer's session.
    pub fn is_organizer(&self) -> bool {
        self.session.role == Role::Organizer
    }

    /// Adds refusals to the list the user reads (the newest kept).
    pub fn note_rejected(&mut self, rejected: Vec<Rejection>) {
        self.rejected.extend(rejected);
        let excess = self.rejected.len().saturating_sub(MAX_REJECTIONS);
        self.rejected.drain(..excess);
    }
}

/// Updates the stored connection if it is still the one with `token` (a
/// tab that disconnected or logged in again meanwhile wins). Returns the
/// updated connection.
pub fn update_connection(token: &str, f: impl FnOnce(&mut Connection)) -> Option<Connection> {
    let mut connection = Connection::load().filter(|c| c.session.token == token)?;
    f(&mut connection);
    // Not saved (storage full) only repeats work at the next sync: a pull
    // from the older cursor, a push the server already settled — both
    // idempotent. The records' own save failure is what the notice shows.
    let _ = connection.save();
    Some(connection)
}
