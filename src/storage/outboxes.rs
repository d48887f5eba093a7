//! The writers' outboxes (`zhibu:out:<writer>`): what waits for the sync
//! server, written before the writer's log.

use super::{OUTBOX_PREFIX, SaveError, get, keys, remove, set};
use zhibu_core::sync::outbox::Outbox;

/// Every readable outbox, by writer.
pub fn outboxes() -> Vec<(String, Outbox)> {
    keys()
        .into_iter()
        .filter_map(|key| {
            let writer = key.strip_prefix(OUTBOX_PREFIX)?.to_owned();
            let outbox = Outbox::parse(&get(&key)?).ok()?;
            Some((writer, outbox))
        })
        .collect()
}

/// One writer's outbox as stored now (empty if none or unreadable).
pub fn outbox_of(writer: &str) -> Outbox {
    get(&format!("{OUTBOX_PREFIX}{writer}")).and_then(|t| Outbox::parse(&t).ok()).unwrap_or_default()
}

/// Writes a writer's outbox; an empty one is removed.
pub fn save_outbox_of(writer: &str, outbox: &Outbox) -> Result<(), SaveError> {
    let key = format!("{OUTBOX_PREFIX}{writer}");
    if outbox.is_empty() { remove(&key) } else { set(&key, &outbox.to_json()) }
}

/// Removes every outbox (the connection was forgotten; connecting again
/// pushes the whole history anyway).
pub fn clear_outboxes() {
    for key in keys().into_iter().filter(|k| k.starts_with(OUTBOX_PREFIX)) {
        let _ = remove(&key);
    }
}
