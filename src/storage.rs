//! The only module that touches browser storage.
//!
//! Layout (localStorage, one origin):
//! - `zhibu:snap` — the versioned document with the folded snapshot.
//! - `zhibu:log:<writer>` — one writer's (page load's) events since the
//!   snapshot. Only that writer ever writes its key, so two tabs writing at
//!   once can never overwrite each other's events.
//! - `zhibu:lease:<writer>` — when that writer was last alive; a log whose
//!   writer has been gone for [`LEASE_MS`] is folded into the snapshot and
//!   removed by whichever tab compacts next.
//! - `zhibu:box` — the ballot boxes alone (a document whose snapshot holds
//!   only ballots), rewritten whole on every vote: ballots are not events,
//!   so they never sit in a log beside the roll entry made with them.
//! - `zhibu:aside:<key>` — stored data that could not be read, kept aside
//!   untouched for the user to download; never deleted by the app.
//! - `zhibu:pref:*` — small preferences (language).
//! - `zhibu:sync` — the sync server connection (`sync::Connection`): server,
//!   session, pull cursor, last sync and error. No key at all: not connected.
//!   The records read only who the device is from it ([`sync_principal`]).
//! - `zhibu:out:<writer>` — that writer's outbox (`zhibu_core::sync::outbox`):
//!   events recorded while connected that the server has not confirmed, and
//!   rounds whose box holds a ballot cast here (never a slot). Written
//!   before the writer's log in the same save, never touched by compaction,
//!   emptied only by what the server confirmed. A gone writer's outbox is
//!   taken over by the tab holding the `zhibu-sync` lock.
//! - `zhibu:id:device` — this phone's stable id (check-ins name it);
//!   `zhibu:id:me` — the member this phone belongs to, once chosen;
//!   `zhibu:id:organizer` — the organizer's Ed25519 private key, only on the
//!   organizer's device (never exported, never synced).
//! - `zhibu:sheet:<round>` — the plaintext 投票码 of the batch this device
//!   issued, to reprint until voting closes ([`sheets`]; never exported,
//!   never synced).
//!
//! Compaction (fold logs into the snapshot) runs under a Web Lock so two tabs
//! never compact at once; a writer drops events from its own log only after
//! it has read back a snapshot that covers them.
//!
//! By job: `records` (the snapshot, logs, leases and boxes: load, save,
//! compact, another tab's writes), `outboxes`, `connection` (the sync
//! key), `aside`, [`sheets`], `locks` (Web Locks); preferences, identity
//! keys and the storage meter are here. Only this file reaches
//! localStorage itself; the others go through its `get`, `set`, `remove`
//! and `keys`.

mod aside;
mod connection;
mod locks;
mod outboxes;
mod records;
pub mod sheets;

pub use aside::{SetAside, discard_set_aside, set_aside_list, set_aside_text};
pub use connection::{forget_sync, set_sync_text, sync_principal, sync_text};
pub use locks::{locked, with_lock};
pub use outboxes::{clear_outboxes, outbox_of, outboxes, save_outbox_of};
pub use records::{Foreign, Loaded, Store};

use gloo_storage::{LocalStorage, Storage as _};
use wasm_bindgen::JsCast;

/// Prefix of every key the app owns.
pub const PREFIX: &str = "zhibu:";
/// Key of the snapshot document.
pub const SNAPSHOT_KEY: &str = "zhibu:snap";
/// Key of the ballot boxes.
pub const BOX_KEY: &str = "zhibu:box";
const LOG_PREFIX: &str = "zhibu:log:";
const LEASE_PREFIX: &str = "zhibu:lease:";
const ASIDE_PREFIX: &str = "zhibu:aside:";
/// Key of the sync connection.
pub const SYNC_KEY: &str = "zhibu:sync";
/// Version of the stored sync connection.
pub const CONNECTION_VERSION: u32 = 1;
/// Prefix of the writers' outboxes.
pub const OUTBOX_PREFIX: &str = "zhibu:out:";
/// A writer silent this long is gone (a closed tab); its log may be adopted.
/// Background tabs' timers run at least once a minute, so this is generous.
pub const LEASE_MS: f64 = 10.0 * 60.0 * 1000.0;
/// Own log size that triggers compaction.
pub const COMPACT_AFTER: usize = 200;
/// Events outside the snapshot, across all logs, that make start-up compact.
pub const STARTUP_COMPACT_EVENTS: usize = 100;
/// Logs found at start that make start-up compact (each page load that
/// recorded something leaves one until a compaction folds it).
pub const STARTUP_COMPACT_LOGS: usize = 8;
/// Chromium's localStorage limit per origin, in UTF-16 code units of keys
/// and values (about 5 MB of text).
pub const QUOTA_UNITS: usize = 5 * 1024 * 1024;

/// Why a write did not reach storage. The events stay in memory either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveError {
    /// `QuotaExceededError`: storage is full.
    Full,
    /// Storage refused for another reason (private mode, disabled).
    Unavailable(String),
    /// The stored snapshot was written by a newer version of the app: this
    /// tab must not write an older one over it (a reload updates the app).
    Newer,
}

/// localStorage, through gloo; `None` where the browser blocks site data
/// (gloo's own accessor would throw there, and the app must still start).
fn raw() -> Option<web_sys::Storage> {
    let available = web_sys::window().and_then(|w| w.local_storage().ok().flatten()).is_some();
    available.then(LocalStorage::raw)
}

fn unavailable() -> SaveError {
    SaveError::Unavailable("localStorage is blocked".into())
}

fn keys() -> Vec<String> {
    let Some(storage) = raw() else { return Vec::new() };
    let n = storage.length().unwrap_or(0);
    (0..n).filter_map(|i| storage.key(i).ok().flatten()).collect()
}

fn get(key: &str) -> Option<String> {
    raw()?.get_item(key).ok().flatten()
}

fn set(key: &str, value: &str) -> Result<(), SaveError> {
    raw().ok_or_else(unavailable)?.set_item(key, value).map_err(classify)
}

fn remove(key: &str) -> Result<(), SaveError> {
    raw().ok_or_else(unavailable)?.remove_item(key).map_err(classify)
}

fn classify(err: wasm_bindgen::JsValue) -> SaveError {
    match err.dyn_ref::<web_sys::DomException>() {
        Some(e) if e.name() == "QuotaExceededError" || e.code() == 22 => SaveError::Full,
        Some(e) => SaveError::Unavailable(format!("{}: {}", e.name(), e.message())),
        None => SaveError::Unavailable(format!("{err:?}")),
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Whether a storage key is one of the record keys another tab may change.
pub fn is_record_key(key: &str) -> bool {
    key == SNAPSHOT_KEY || key == BOX_KEY || key.starts_with(LOG_PREFIX)
}

/// Storage used by this origin, in UTF-16 code units (what the quota counts).
pub fn used_units() -> usize {
    keys().iter().map(|k| k.encode_utf16().count() + get(k).map_or(0, |v| v.encode_utf16().count())).sum()
}

/// A remembered preference.
pub fn pref(name: &str) -> Option<String> {
    get(&format!("{PREFIX}pref:{name}"))
}

/// Remembers a preference; failure only means it is not remembered.
pub fn set_pref(name: &str, value: &str) {
    let _ = set(&format!("{PREFIX}pref:{name}"), value);
}

/// Identity keys: `device`, `me`, `organizer`.
pub fn identity(name: &str) -> Option<String> {
    get(&format!("{PREFIX}id:{name}"))
}

/// Stores an identity key; unlike a preference, failure is reported.
pub fn set_identity(name: &str, value: &str) -> Result<(), SaveError> {
    set(&format!("{PREFIX}id:{name}"), value)
}
