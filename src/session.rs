//! This tab's live records: the core's [`Records`] plus what storage said.
//! Plain data (no signals), so browser tests drive it directly.

mod appraisal;
mod commands;
mod files;
mod rounds;
mod sync;

pub use files::ImportSummary;
pub use rounds::ballot_secret;

use crate::platform;
use crate::storage::{self, SaveError, SetAside, Store};
use std::collections::BTreeMap;
use zhibu_core::commands::Change;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MemberId};
use zhibu_core::records::Records;
use zhibu_core::settings::Setting;
use zhibu_core::sync::Role;
use zhibu_core::sync::outbox::Outbox;
use zhibu_core::token::SecretKey;

/// The records of this tab and their save state.
pub struct Session {
    records: Records,
    own: BTreeMap<EventId, Event>,
    store: Store,
    /// The last write's outcome; `Err` means some events are only in memory.
    pub saved: Result<(), SaveError>,
    /// Stored data that could not be read, kept aside.
    pub set_aside: Vec<SetAside>,
    /// Merged data (an imported backup) that only a compaction can store.
    snapshot_dirty: bool,
    /// What this writer recorded while connected and the server has not
    /// confirmed (stored under `zhibu:out:<writer>`).
    outbox: Outbox,
    /// Whether a sync server connection is stored.
    connected: bool,
    /// Whether this device joined the sync server as a member's phone
    /// (then it is never the organizer's, whatever keys it holds).
    member_phone: bool,
    /// The organizer key as last derived, by (stored text, the branch's
    /// public key): deriving it is a scalar multiplication, and the meeting
    /// sheet asks on every tap.
    organizer: std::sync::Mutex<Option<OrganizerKey>>,
}

/// [`Session::organizer_key`]'s inputs and answer.
struct OrganizerKey {
    stored: String,
    branch: Option<String>,
    key: Option<SecretKey>,
}

pub(super) fn joined_as_member() -> bool {
    storage::sync_principal().is_some_and(|p| p.role == Role::Member)
}

impl Session {
    /// Loads this tab's records from storage (the app compacts afterwards
    /// if logs pile up: [`Session::wants_startup_compaction`]).
    pub fn load(store: Store) -> Session {
        let loaded = store.load();
        Session {
            records: loaded.records,
            own: loaded.own,
            store,
            saved: Ok(()),
            set_aside: loaded.set_aside,
            snapshot_dirty: false,
            outbox: Outbox::default(),
            connected: storage::sync_text().is_some(),
            member_phone: joined_as_member(),
            organizer: std::sync::Mutex::new(None),
        }
    }

    /// The records.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// This tab's writer id.
    pub fn writer(&self) -> &DeviceId {
        &self.store.writer
    }

    /// Marks this page alive, so other tabs leave its log alone.
    pub fn touch_lease(&self) {
        self.store.touch_lease();
    }

    /// Gives up the lease as the page goes away (see [`Store::release`]).
    pub fn release_lease(&self) {
        self.store.release();
    }

    /// Events of this writer not yet folded into the stored snapshot.
    pub fn own_len(&self) -> usize {
        self.own.len()
    }

    /// Records a command's events (in order, as their actors, now) and
    /// saves them once; returns the command's value. A failed save keeps
    /// the events in memory and is reported by [`Session::saved`].
    fn apply<T>(&mut self, change: Change<T>) -> T {
        self.apply_at(change, platform::now_ms())
    }

    /// [`Session::apply`] with the events stamped at `now_ms`.
    pub(crate) fn apply_at<T>(&mut self, change: Change<T>, now_ms: i64) -> T {
        if change.events.is_empty() {
            return change.value;
        }
        let writer = self.store.writer.clone();
        let (events, value) = self.records.record_change(&writer, now_ms, &mut platform::random16, change);
        for event in events {
            if self.connected {
                self.outbox.events.insert(event.id.clone(), event.clone());
            }
            self.own.insert(event.id.clone(), event);
        }
        // The outcome is kept in `saved` (the app's notice shows it).
        let _saved = self.save();
        value
    }

    /// Writes the outbox; a failure is reported like any other save.
    fn save_outbox(&mut self) {
        if let Err(e) = self.store.save_outbox(&self.outbox) {
            self.saved = Err(e);
        }
    }

    /// This phone's stable id (made once; kept with the data).
    pub fn device_label(&self) -> String {
        if let Some(id) = storage::identity("device") {
            return id;
        }
        let id = DeviceId::generate(platform::now_ms() as u64, platform::random16()).0;
        // Storage full: this id still names the device's acts now; the
        // next page makes another (the organizer's sheet shows both).
        if storage::set_identity("device", &id).is_err() {
            return id;
        }
        id
    }

    /// The member this phone belongs to, if chosen.
    pub fn me(&self) -> Option<MemberId> {
        storage::identity("me").map(MemberId)
    }

    /// Remembers who this phone belongs to.
    pub fn set_me(&self, member: &MemberId) -> Result<(), SaveError> {
        storage::set_identity("me", member.as_str())
    }

    /// The organizer's private key, if this device holds the branch's.
    pub fn organizer_key(&self) -> Option<SecretKey> {
        let stored = storage::identity("organizer")?;
        let branch = self.records.state().settings().organizer_key;
        // (A Mutex only because signals' values must be Sync; one thread.)
        let mut cache = self.organizer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = cache.as_ref().filter(|c| c.stored == stored && c.branch == branch) {
            return c.key.clone();
        }
        let key = SecretKey::parse(&stored).filter(|key| branch.as_deref() == Some(key.public().to_text().as_str()));
        *cache = Some(OrganizerKey { stored, branch, key: key.clone() });
        key
    }

    /// Whether this device can act as organizer: it holds the key, or the
    /// branch has none yet (this device made the roster); never a phone
    /// that joined the sync server as a member.
    pub fn is_organizer(&self) -> bool {
        !self.member_phone
            && (self.organizer_key().is_some() || self.records.state().settings().organizer_key.is_none())
    }

    /// The organizer key, made and published on first need. Returns `None`
    /// when the branch's key is held by another device (taking over,
    /// [`Session::take_over_key`], is the user's explicit choice, because
    /// members' phones must then join again) or could not be stored.
    pub fn ensure_organizer_key(&mut self) -> Option<SecretKey> {
        if let Some(key) = self.organizer_key() {
            return Some(key);
        }
        if self.records.state().settings().organizer_key.is_some() {
            return None;
        }
        self.take_over_key()
    }

    /// Makes a new organizer key on this device and publishes it. `None`:
    /// storage refused the private key ([`Session::saved`] says so), and
    /// nothing was published.
    pub fn take_over_key(&mut self) -> Option<SecretKey> {
        let mut seed = [0u8; 32];
        seed[..16].copy_from_slice(&platform::random16());
        seed[16..].copy_from_slice(&platform::random16());
        let key = SecretKey::from_seed(seed);
        // The private key is stored before the public one is published, so
        // a full storage never leaves a branch key nobody holds.
        if let Err(e) = storage::set_identity("organizer", &key.to_text()) {
            self.saved = Err(e);
            return None;
        }
        let published = Payload::SettingsChanged { changes: vec![Setting::OrganizerKey(key.public().to_text())] };
        self.apply(Change::keeper(vec![published], ()));
        Some(key)
    }

    /// Writes this writer's outbox (when connected), then its log: an
    /// event is never in the log without being in the outbox, so a tab
    /// closed between the two writes loses nothing the server should get.
    pub fn save(&mut self) -> Result<(), SaveError> {
        let outbox = if self.connected { self.store.save_outbox(&self.outbox) } else { Ok(()) };
        self.saved = outbox.and(self.store.save_own(&self.own));
        self.saved.clone()
    }

    /// Folds all logs into the snapshot. Call only under the compaction lock
    /// (`app::compact_soon`).
    pub fn compact(&mut self) {
        self.saved = self.store.compact(&mut self.records, &mut self.own);
        if self.saved.is_ok() {
            self.snapshot_dirty = false;
        }
        self.set_aside = storage::set_aside_list();
    }

    /// Whether a compaction is due: a long log, or merged data (an import)
    /// that only a snapshot can store.
    pub fn wants_compaction(&self) -> bool {
        self.snapshot_dirty || self.own.len() >= storage::COMPACT_AFTER
    }

    /// Whether compacting right after start-up is worth its cost (it
    /// rewrites the whole snapshot): enough events the snapshot lacks, or
    /// enough logs (every page load leaves one) to be worth folding away.
    pub fn wants_startup_compaction(&self) -> bool {
        self.wants_compaction()
            || self.records.pending_len() >= storage::STARTUP_COMPACT_EVENTS
            || self.store.logs_found() >= storage::STARTUP_COMPACT_LOGS
    }

    /// Whether something is only in memory (closing now would lose it).
    pub fn has_unsaved(&self) -> bool {
        self.saved.is_err() || self.snapshot_dirty
    }

    /// Takes in everything stored now (after the page was frozen in the
    /// back/forward cache and missed other tabs' writes).
    pub fn refresh(&mut self) {
        let loaded = self.store.load();
        self.records.merge_snapshot(loaded.records.snapshot());
        self.records.merge_events(loaded.records.pending());
        self.set_aside = loaded.set_aside;
    }

    /// Another tab changed `key` (`None`: it cleared storage).
    pub fn foreign_change(&mut self, key: Option<&str>) -> storage::Foreign {
        match self.store.on_foreign_change(key, &mut self.records, &mut self.own) {
            Ok(foreign) => {
                self.snapshot_dirty |= foreign.compact;
                foreign
            }
            Err(e) => {
                self.saved = Err(e);
                storage::Foreign { changed: true, compact: false }
            }
        }
    }
}
