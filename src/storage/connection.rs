//! The stored sync connection (`zhibu:sync`): its text is the sync
//! client's; the records read only who the device is from it.

use super::{CONNECTION_VERSION, SYNC_KEY, SaveError, get, remove, set};
use zhibu_core::sync::{Principal, Session as ServerSession};

/// The stored sync connection's text.
pub fn sync_text() -> Option<String> {
    get(SYNC_KEY)
}

/// Who this device is to the sync server, from the stored connection
/// (its version and session; the rest is the sync client's). `None`: not
/// connected, or a connection this version does not read.
pub fn sync_principal() -> Option<Principal> {
    #[derive(serde::Deserialize)]
    struct Stored {
        v: u32,
        session: ServerSession,
    }
    let Stored { v, session }: Stored = serde_json::from_str(&sync_text()?).ok()?;
    (v == CONNECTION_VERSION).then_some(Principal { role: session.role, member: session.member })
}

/// Stores the sync connection.
pub fn set_sync_text(text: &str) -> Result<(), SaveError> {
    set(SYNC_KEY, text)
}

/// Forgets the sync connection (the records stay).
pub fn forget_sync() {
    let _ = remove(SYNC_KEY);
}
