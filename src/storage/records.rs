//! The records' keys: the snapshot, each writer's log and lease, and the
//! ballot boxes. Loading, saving a writer's log, compaction and another
//! tab's writes (the rules are the module doc of `storage`).

use super::aside::{set_aside, set_aside_list};
use super::outboxes::{outboxes, save_outbox_of};
use super::{
    BOX_KEY, LEASE_MS, LEASE_PREFIX, LOG_PREFIX, SNAPSHOT_KEY, SaveError, SetAside, get, keys, now_ms, remove, set,
};
use std::collections::BTreeMap;
use zhibu_core::document;
use zhibu_core::event::Event;
use zhibu_core::ids::{DeviceId, EventId};
use zhibu_core::records::Records;
use zhibu_core::sync::outbox::Outbox;

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
    /// [`super::with_lock`]. `own` is emptied of what the written snapshot covers.
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
