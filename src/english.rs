//! The English texts, fetched when English is chosen.
//!
//! The release app's wasm leaves `locales/en.json` out (≈ 14 KB gzip of
//! every phone's first screen, for the few who read English):
//! `pwa/assemble.mjs` writes it as `en-<hash>.json`, names it in
//! `<meta name="zhibu-en">`, and the service worker precaches it. A start
//! in English fetches it before the first screen is drawn (from the
//! service worker's cache after the first visit); choosing English fetches
//! it, then switches. Until it is there — or if it cannot be had, offline
//! on a first visit — every text falls back to Chinese (`i18n::text`).
//! Under `trunk serve` and in the browser tests it is built in.

use std::collections::HashMap;
use std::sync::OnceLock;

static EN: OnceLock<HashMap<String, String>> = OnceLock::new();

/// The English texts, if they are here.
pub fn table() -> Option<&'static HashMap<String, String>> {
    #[cfg(feature = "bundled-en")]
    return Some(EN.get_or_init(|| crate::i18n::parse(include_str!("../locales/en.json"))));
    #[cfg(not(feature = "bundled-en"))]
    EN.get()
}

/// Whether the English texts are here.
pub fn ready() -> bool {
    table().is_some()
}

/// Fetches the English texts unless they are here; whether they are after.
pub async fn fetch() -> bool {
    if ready() {
        return true;
    }
    let Some(url) = crate::platform::meta("zhibu-en") else {
        leptos::logging::warn!("english: no texts named in index.html; showing Chinese");
        return false;
    };
    let texts = crate::platform::fetch_bytes(&url).await.map(|bytes| String::from_utf8(bytes).ok());
    match texts {
        Ok(Some(text)) => {
            let table = crate::i18n::parse(&text);
            if table.is_empty() {
                leptos::logging::warn!("english: {url} holds no texts");
                return false;
            }
            EN.set(table).is_ok() || ready()
        }
        Ok(None) => {
            leptos::logging::warn!("english: {url} is not UTF-8");
            false
        }
        // Offline before the service worker cached it: Chinese until the
        // next try (a later start, or choosing English again).
        Err(e) => {
            leptos::logging::warn!("english: {url} could not be fetched: {e:?}");
            false
        }
    }
}
