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

pub mod sheets;

use gloo_storage::{LocalStorage, Storage as _};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::Event;
use zhibu_core::ids::{DeviceId, EventId};
use zhibu_core::records::Records;
use zhibu_core::sync::outbox::Outbox;
use zhibu_core::sync::{Principal, Session as ServerSession};

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

/// What loading found.
pub struct Loaded {
    /// Everything readable, merged.
    pub records: Records,
    /// This writer's own events not yet in the snapshot.
    pub own: BTreeMap<EventId, Event>,
    /// Data kept aside (this load's and earlier loads').
    pub set_aside: Vec<SetAside>,
}

/// This tab's handle on storage.
#[derive(Clone, Debug)]
pub struct Store {
    /// The writer id: new for every page load.
    pub writer: DeviceId,
    /// The text of `zhibu:snap` this tab last read or wrote, whose content
    /// its records already hold: when storage still has exactly this text,
    /// compaction need not parse it again.
    seen: std::sync::Arc<std::sync::Mutex<Option<SeenText>>>,
    /// Record logs found by the last [`Store::load`].
    logs_found: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// A stored text kept for comparison (not printed in `Debug`).
#[derive(Clone)]
struct SeenText(String);

impl std::fmt::Debug for SeenText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SeenText({} bytes)", self.0.len())
    }
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

impl Store {
    /// A new writer for this page load. Never reused: Chrome's "duplicate
    /// tab" copies sessionStorage, so an id kept there could end up shared by
    /// two live tabs writing one key. The previous load's log is just another
    /// log: read at start, folded by compaction, removed once its lease ends.
    pub fn open(new_writer: impl FnOnce() -> DeviceId) -> Store {
        Store::with_writer(new_writer())
    }

    /// Gives up the lease when the page goes away, so the next compaction
    /// may fold and remove this writer's log without waiting.
    pub fn release(&self) {
        let _ = remove(&format!("{LEASE_PREFIX}{}", self.writer));
    }

    /// A handle with a given writer id (tests open two in one page).
    pub fn with_writer(writer: DeviceId) -> Store {
        Store { writer, seen: Default::default(), logs_found: Default::default() }
    }

    /// How many record logs the last [`Store::load`] found.
    pub fn logs_found(&self) -> usize {
        self.logs_found.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn remember(&self, text: Option<String>) {
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = text.map(SeenText);
    }

    fn is_seen(&self, text: &str) -> bool {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).as_ref().is_some_and(|s| s.0 == text)
    }

    fn log_key(&self) -> String {
        format!("{LOG_PREFIX}{}", self.writer)
    }

    /// Reads everything. Unreadable keys are moved aside, never lost.
    /// The caller must take the returned records in (compaction later trusts
    /// that this tab holds the snapshot read here).
    pub fn load(&self) -> Loaded {
        let mut records = Records::default();
        let mut own = BTreeMap::new();
        self.remember(None);
        if let Some(text) = get(SNAPSHOT_KEY) {
            match document::parse(&text) {
                Ok(doc) => {
                    // Straight into the records: no joins into empty states.
                    records = Records::from_snapshot(doc.snapshot.unwrap_or_default());
                    if !doc.events.is_empty() {
                        records.merge_events(&doc.events);
                        records.compact();
                    }
                    self.remember(Some(text));
                }
                Err(e) => set_aside(SNAPSHOT_KEY, &text, &e),
            }
        }
        if let Some(text) = get(BOX_KEY) {
            match document::parse(&text) {
                Ok(doc) => {
                    doc.merge_into(&mut records);
                }
                Err(e) => set_aside(BOX_KEY, &text, &e),
            }
        }
        let logs: Vec<String> = keys().into_iter().filter(|k| k.starts_with(LOG_PREFIX)).collect();
        self.logs_found.store(logs.len(), std::sync::atomic::Ordering::Relaxed);
        let mut logged = std::collections::BTreeSet::new();
        for key in logs {
            let Some(text) = get(&key) else { continue };
            match document::parse(&text) {
                Ok(doc) => {
                    records.merge_events(&doc.events);
                    logged.extend(doc.events.iter().map(|e| e.id.clone()));
                    if key == self.log_key() {
                        own.extend(doc.events.into_iter().map(|e| (e.id.clone(), e)));
                    }
                }
                Err(e) => set_aside(&key, &text, &e),
            }
        }
        // An outbox is written just before its log: a tab closed between
        // the two left an event only there. It joins this writer's log.
        for (_, outbox) in outboxes() {
            for event in outbox.events.into_values() {
                if !logged.contains(&event.id) && !records.snapshot().covers(&event) {
                    records.merge_events([&event]);
                    own.insert(event.id.clone(), event);
                }
            }
        }
        self.touch_lease();
        Loaded { records, own, set_aside: set_aside_list() }
    }

    /// Writes this writer's whole log (its events not yet in the snapshot).
    pub fn save_own(&self, own: &BTreeMap<EventId, Event>) -> Result<(), SaveError> {
        let result = if own.is_empty() {
            remove(&self.log_key())
        } else {
            set(&self.log_key(), &document::events_to_json(own.values()))
        };
        self.touch_lease();
        result
    }

    /// Writes this writer's outbox (before its log: see the module doc).
    pub fn save_outbox(&self, outbox: &Outbox) -> Result<(), SaveError> {
        save_outbox_of(self.writer.as_str(), outbox)
    }

    /// Outboxes of writers gone for longer than the lease (or that gave
    /// it up): the tab holding the `zhibu-sync` lock takes them over.
    pub fn gone_outboxes(&self) -> Vec<(String, Outbox)> {
        let now = now_ms();
        outboxes()
            .into_iter()
            .filter(|(writer, _)| *writer != self.writer.as_str())
            .filter(|(writer, _)| {
                let seen = get(&format!("{LEASE_PREFIX}{writer}")).and_then(|t| t.parse::<f64>().ok());
                seen.is_none_or(|seen| now - seen > LEASE_MS)
            })
            .collect()
    }

    /// Writes every ballot box this tab knows (slot order; no stamps),
    /// joined with what is stored, so a ballot another tab just wrote is
    /// never overwritten.
    pub fn save_boxes(&self, records: &Records) -> Result<(), SaveError> {
        let mut boxes = records.state().ballots.clone();
        if let Some(Ok(doc)) = get(BOX_KEY).map(|t| document::parse(&t))
            && let Some(stored) = doc.snapshot
        {
            boxes.join(&stored.ballots);
        }
        if boxes.is_empty() {
            return Ok(());
        }
        set(BOX_KEY, &document::ballots_to_json(&boxes))
    }

    /// Marks this writer alive.
    pub fn touch_lease(&self) {
        // A failed lease write only delays adoption of our log; ignore it.
        let _ = set(&format!("{LEASE_PREFIX}{}", self.writer), &format!("{}", now_ms() as u64));
    }

    /// Folds every log into a new snapshot, then removes our own log and the
    /// logs of writers gone for longer than the lease. Call under
    /// [`with_lock`]. `own` is emptied of what the written snapshot covers.
    pub fn compact(&self, records: &mut Records, own: &mut BTreeMap<EventId, Event>) -> Result<(), SaveError> {
        // Take in what other tabs stored since we last looked. A stored
        // snapshot we cannot read (corrupt, or from a newer app) is copied
        // aside before anything is written over it.
        // The text this tab last read or wrote is already in `records`:
        // only a different one needs parsing.
        if let Some(text) = get(SNAPSHOT_KEY).filter(|t| !self.is_seen(t)) {
            match document::parse(&text) {
                Ok(doc) => {
                    doc.merge_into(records);
                }
                // A newer app's snapshot is never overwritten by this one:
                // our events stay in our log (the newer app reads them) and
                // nothing is set aside again and again while both run.
                Err(document::DocError::TooNew { .. }) => return Err(SaveError::Newer),
                Err(e) => {
                    set_aside(SNAPSHOT_KEY, &text, &e);
                    if get(SNAPSHOT_KEY).as_deref() == Some(text.as_str()) {
                        return Err(SaveError::Full);
                    }
                }
            }
        }
        let logs: Vec<String> = keys().into_iter().filter(|k| k.starts_with(LOG_PREFIX)).collect();
        for key in &logs {
            if let Some(Ok(doc)) = get(key).map(|t| document::parse(&t)) {
                records.merge_events(&doc.events);
            }
        }
        records.compact();
        let written = document::to_json(records);
        self.remember(None);
        set(SNAPSHOT_KEY, &written)?;
        // Read back before dropping anything: only what the stored snapshot
        // covers may leave a log. Storage holding exactly the text written
        // holds exactly `records.snapshot()` (snapshots round-trip exactly;
        // the core's property tests prove it), so the text is compared
        // rather than parsed a second time; anything else is parsed.
        let back = get(SNAPSHOT_KEY).ok_or_else(|| SaveError::Unavailable("the snapshot did not read back".into()))?;
        let parsed;
        let stored = if back == written {
            records.snapshot()
        } else {
            parsed = document::parse(&back)
                .ok()
                .and_then(|d| d.snapshot)
                .ok_or_else(|| SaveError::Unavailable("the snapshot did not read back".into()))?;
            &parsed
        };
        own.retain(|_, e| !stored.covers(e));
        self.save_own(own)?;
        let now = now_ms();
        for key in logs.iter().filter(|k| **k != self.log_key()) {
            let writer = &key[LOG_PREFIX.len()..];
            let lease_key = format!("{LEASE_PREFIX}{writer}");
            let last_seen = get(&lease_key).and_then(|t| t.parse::<f64>().ok()).unwrap_or(0.0);
            let all_covered = get(key)
                .and_then(|t| document::parse(&t).ok())
                .is_some_and(|d| d.events.iter().all(|e| stored.covers(e)));
            if now - last_seen > LEASE_MS && all_covered {
                let _ = remove(key);
                let _ = remove(&lease_key);
            }
        }
        if back == written {
            self.remember(Some(written));
        }
        Ok(())
    }

    /// Applies another tab's change to `key` (`None`: storage was cleared).
    /// If the new snapshot covers some of our own events, our log shrinks.
    pub fn on_foreign_change(
        &self,
        key: Option<&str>,
        records: &mut Records,
        own: &mut BTreeMap<EventId, Event>,
    ) -> Result<Foreign, SaveError> {
        let Some(key) = key else {
            // Cleared: write back what we hold; the snapshot needs rewriting.
            self.save_own(own)?;
            self.save_boxes(records)?;
            return Ok(Foreign { changed: false, compact: *records.snapshot() != Default::default() });
        };
        if key == self.log_key() {
            // Someone removed or replaced our log: write back what we hold.
            self.save_own(own)?;
            return Ok(Foreign::default());
        }
        let text = get(key);
        let doc = text.as_deref().map(document::parse);
        let mut result = Foreign::default();
        if let Some(Ok(doc)) = &doc {
            result.changed = doc.merge_into(records);
        }
        if key == SNAPSHOT_KEY {
            // Taken in whole (or unreadable: then compaction must look again).
            self.remember(if matches!(doc, Some(Ok(_))) { text } else { None });
            let stored = match &doc {
                Some(Ok(doc)) => doc.snapshot.clone().unwrap_or_default(),
                _ => Default::default(),
            };
            let before = own.len();
            own.retain(|_, e| !stored.covers(e));
            if own.len() != before {
                self.save_own(own)?;
            }
            // Another tab wrote a snapshot lacking what ours had (a race
            // with our compaction, or a removal): fold again.
            result.compact = stored.clone().join(records.snapshot());
        }
        Ok(result)
    }
}

/// What another tab's write means for this one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Foreign {
    /// Our records changed.
    pub changed: bool,
    /// The stored snapshot lacks something we had: compact again.
    pub compact: bool,
}

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

/// Whether a storage key is one of the record keys another tab may change.
pub fn is_record_key(key: &str) -> bool {
    key == SNAPSHOT_KEY || key == BOX_KEY || key.starts_with(LOG_PREFIX)
}

fn set_aside(key: &str, text: &str, error: &DocError) {
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

/// `navigator.locks` and its `request` method, where the browser has them.
fn lock_manager() -> Option<(wasm_bindgen::JsValue, js_sys::Function)> {
    let locks = js_sys::Reflect::get(&web_sys::window()?.navigator(), &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())?;
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    Some((locks, request))
}

/// Runs the future `f` makes while holding the cross-tab Web Lock `name`
/// (held until the future ends; other tabs asking wait their turn) and
/// returns its output (`None` if it was cut short). Where the browser has
/// no Web Locks it just runs.
pub async fn locked<T: 'static, F>(name: &str, f: impl FnOnce() -> F + 'static) -> Option<T>
where
    F: std::future::Future<Output = T> + 'static,
{
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::Closure;
    let Some((locks, request)) = lock_manager() else { return Some(f().await) };
    let out: Rc<RefCell<Option<T>>> = Rc::default();
    let job = Rc::new(RefCell::new(Some(f)));
    let (slot, queued) = (out.clone(), job.clone());
    let callback = Closure::once_into_js(move |_lock: wasm_bindgen::JsValue| {
        let f = queued.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(f) = f {
                *slot.borrow_mut() = Some(f().await);
            }
            Ok(wasm_bindgen::JsValue::UNDEFINED)
        })
    });
    if let Ok(promise) = request.call2(&locks, &name.into(), &callback) {
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
    }
    if let Some(value) = out.borrow_mut().take() {
        return Some(value);
    }
    // The lock could not be had (the request threw or was aborted): run
    // unlocked rather than never.
    let f = job.borrow_mut().take();
    match f {
        Some(f) => Some(f().await),
        None => None,
    }
}

/// Runs `f` holding the cross-tab Web Lock `name`, or right away where the
/// browser has no Web Locks (then two tabs might compact at once; each
/// still only drops what a read-back snapshot covers).
pub fn with_lock(name: &str, f: impl FnOnce() + 'static) {
    use wasm_bindgen::prelude::Closure;
    match lock_manager() {
        Some((locks, request)) => {
            let callback = Closure::once_into_js(move |_lock: wasm_bindgen::JsValue| f());
            if request.call2(&locks, &name.into(), &callback).is_err() {
                leptos::logging::warn!("navigator.locks.request failed; compaction skipped");
            }
        }
        _ => f(),
    }
}
