//! The pinyin table, fetched after the first screen.
//!
//! The release app's wasm leaves the table out (≈ 63 KB gzip of the first
//! screen, `zhibu_core::pinyin_table`): `pwa/assemble.mjs` writes it as
//! `pinyin-<hash>.bin`, names it in `<meta name="zhibu-pinyin">` and the
//! service worker precaches it. Until it arrives, names sort by character
//! and search matches characters; once it is taken, the session is
//! touched so that every list sorts and searches by pinyin again. Under
//! `trunk serve` and in the browser tests the table is built in.
//! `<html data-pinyin="ready">` says it is there (the end-to-end tests wait
//! for it).
//!
//! On a later start the service worker holds the table, and the start script
//! has begun reading it while the wasm instantiates (`window.zhibuPinyin`):
//! [`early`] takes it before the first screen is drawn, so that screen
//! already sorts by pinyin and nothing moves under a finger. Only a first
//! visit draws by character and re-sorts when the table arrives.

use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zhibu_core::pinyin_table;

thread_local! {
    static ON_ARRIVAL: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// What to run when the table arrives (the shell touches the session).
pub fn on_arrival(run: impl Fn() + 'static) {
    ON_ARRIVAL.with(|f| *f.borrow_mut() = Some(Box::new(run)));
}

fn mark_ready() {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-pinyin", "ready");
    }
}

/// Takes the table the start script is already reading from the service
/// worker's cache, if it is; `false` when there is none (a first visit).
pub async fn early() -> bool {
    let Some(promise) = pending() else { return false };
    let Ok(buffer) = JsFuture::from(promise).await else { return false };
    if buffer.is_null() || buffer.is_undefined() {
        return false;
    }
    pinyin_table::install(js_sys::Uint8Array::new(&buffer).to_vec()).is_ok()
}

/// Whether the start script is reading the table (a later start).
pub fn reading_early() -> bool {
    pending().is_some()
}

/// The start script's read of the table, if it began one.
fn pending() -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &"zhibuPinyin".into()).ok()?.dyn_into().ok()
}

/// Fetches the table unless it is built in or already taken; called once the first screen
/// is on screen, so it never delays it.
pub fn fetch_after_first_screen() {
    if pinyin_table::ready() {
        mark_ready();
        return;
    }
    let Some(url) = crate::platform::meta("zhibu-pinyin") else {
        leptos::logging::warn!("pinyin: no table named in index.html; search by characters only");
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        match crate::platform::fetch_bytes(&url).await.map(pinyin_table::install) {
            Ok(Ok(())) => {
                mark_ready();
                ON_ARRIVAL.with(|f| {
                    if let Some(run) = f.borrow().as_ref() {
                        run();
                    }
                });
            }
            // Offline before the service worker cached it: the next start
            // tries again; names still sort and match by character.
            Ok(Err(_)) => leptos::logging::warn!("pinyin: {url} is not a pinyin table"),
            Err(e) => leptos::logging::warn!("pinyin: {url} could not be fetched: {e:?}"),
        }
    });
}
