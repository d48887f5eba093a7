//! Stored data that could not be read, kept aside (`zhibu:aside:*`) for
//! the user to download; only the user discards it.

use super::{ASIDE_PREFIX, get, keys, now_ms, remove, set};
use zhibu_core::document::DocError;

/// Stored data that could not be read and was kept aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAside {
    /// The key it now lives under (`zhibu:aside:…`).
    pub key: String,
    /// The key it was read from.
    pub from: String,
    /// Why it could not be read.
    pub reason: String,
}

/// Copies `text`, unreadable at `key`, aside; then removes the original.
pub(super) fn set_aside(key: &str, text: &str, error: &DocError) {
    let aside = format!("{ASIDE_PREFIX}{key}:{}", now_ms() as u64);
    let record = serde_json::json!({ "from": key, "reason": error.to_string(), "text": text });
    // Only remove the original once its copy is safely stored, and only if
    // no other tab has replaced it meanwhile.
    if set(&aside, &record.to_string()).is_ok() && get(key).as_deref() == Some(text) {
        let _ = remove(key);
    }
}

/// Everything kept aside so far.
pub fn set_aside_list() -> Vec<SetAside> {
    let mut list: Vec<SetAside> = keys()
        .into_iter()
        .filter(|k| k.starts_with(ASIDE_PREFIX))
        .filter_map(|key| {
            let value: serde_json::Value = serde_json::from_str(&get(&key)?).ok()?;
            Some(SetAside {
                from: value["from"].as_str().unwrap_or_default().to_owned(),
                reason: value["reason"].as_str().unwrap_or_default().to_owned(),
                key,
            })
        })
        .collect();
    list.sort_by(|a, b| a.key.cmp(&b.key));
    list
}

/// The original text of data kept aside, for download.
pub fn set_aside_text(key: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(&get(key)?).ok()?;
    value["text"].as_str().map(str::to_owned)
}

/// Removes a kept-aside copy: only ever at the user's explicit request.
pub fn discard_set_aside(key: &str) {
    if key.starts_with(ASIDE_PREFIX) {
        let _ = remove(key);
    }
}
