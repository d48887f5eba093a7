//! This tab's live records: the core's [`Records`] plus what storage said.
//! Plain data (no signals), so browser tests drive it directly.

use crate::platform;
use crate::storage::{self, SaveError, SetAside, Store};
use std::collections::BTreeMap;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{DeviceId, EventId, MemberId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::MemberFields;

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
}

/// What importing a backup did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    /// Whether anything changed (false: everything was already here).
    pub changed: bool,
    /// Events in the file.
    pub events: usize,
}

impl Session {
    /// Loads this tab's records from storage, then compacts if logs pile up.
    pub fn load(store: Store) -> Session {
        let loaded = store.load();
        Session {
            records: loaded.records,
            own: loaded.own,
            store,
            saved: Ok(()),
            set_aside: loaded.set_aside,
            snapshot_dirty: false,
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

    /// Records a change and saves it. The event is kept in memory even when
    /// the save fails; the next save retries it.
    pub fn record(&mut self, payload: Payload) -> Result<(), SaveError> {
        let stamp = EventStamp {
            device: self.store.writer.clone(),
            actor: None,
            unix_ms: platform::now_ms(),
            random: platform::random16(),
        };
        let event = self.records.record(stamp, payload);
        self.own.insert(event.id.clone(), event);
        self.save()
    }

    /// Writes this writer's log again (after a failure, or on demand).
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.saved = self.store.save_own(&self.own);
        self.saved.clone()
    }

    /// Adds a member; returns the new id.
    pub fn add_member(&mut self, fields: MemberFields) -> (MemberId, Result<(), SaveError>) {
        let member = self.new_member_id();
        let saved = self.record(Payload::MemberAdded { member: member.clone(), fields });
        (member, saved)
    }

    /// Saves what the user changed in a form opened on `baseline`. Only
    /// those fields are recorded, so another tab's edit of other fields made
    /// while the form was open survives.
    pub fn edit_member(
        &mut self,
        member: &MemberId,
        baseline: &MemberFields,
        fields: &MemberFields,
    ) -> Result<(), SaveError> {
        let changes = baseline.changes(fields);
        if changes.is_empty() {
            return Ok(());
        }
        self.record(Payload::MemberEdited { member: member.clone(), changes })
    }

    /// Archives or restores a member.
    pub fn set_archived(&mut self, member: &MemberId, archived: bool) -> Result<(), SaveError> {
        let member = member.clone();
        self.record(if archived { Payload::MemberArchived { member } } else { Payload::MemberRestored { member } })
    }

    /// Adds the accepted rows of a CSV import as one event.
    pub fn import_members(&mut self, rows: Vec<MemberFields>) -> Result<(), SaveError> {
        let members = rows.into_iter().map(|fields| ImportedMember { id: self.new_member_id(), fields }).collect();
        self.record(Payload::MembersImported { members })
    }

    fn new_member_id(&self) -> MemberId {
        MemberId::generate(platform::now_ms() as u64, platform::random16())
    }

    /// The whole branch as a backup document.
    pub fn export_backup(&self) -> String {
        document::to_json(&self.records)
    }

    /// Merges a backup file in; a refused file changes nothing. Imported
    /// data reaches storage through the next compaction, which the caller
    /// starts under the cross-tab lock ([`Session::wants_compaction`]).
    pub fn import_backup(&mut self, text: &str) -> Result<ImportSummary, DocError> {
        let doc = document::parse(text.trim_start_matches('\u{feff}'))?;
        let changed = doc.merge_into(&mut self.records);
        self.snapshot_dirty |= changed;
        Ok(ImportSummary { changed, events: doc.events.len() })
    }

    /// Folds all logs into the snapshot. Call only under the compaction lock
    /// (`app::compact_soon`).
    pub fn compact(&mut self) -> Result<(), SaveError> {
        self.saved = self.store.compact(&mut self.records, &mut self.own);
        if self.saved.is_ok() {
            self.snapshot_dirty = false;
        }
        self.set_aside = storage::set_aside_list();
        self.saved.clone()
    }

    /// Whether a compaction is due: a long log, or merged data (an import)
    /// that only a snapshot can store.
    pub fn wants_compaction(&self) -> bool {
        self.snapshot_dirty || self.own.len() >= storage::COMPACT_AFTER
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
