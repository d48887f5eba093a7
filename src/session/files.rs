//! The session's files and cards: receipts a phone shows the organizer,
//! the join card, the backup export and import, and export file names.

use super::Session;
use crate::platform;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{EventId, MeetingId, MemberId};
use zhibu_core::join::{self, CardError};
use zhibu_core::records::MergeReport;

/// What importing a backup did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    /// Whether anything changed (false: everything was already here).
    pub changed: bool,
    /// Events in the file.
    pub events: usize,
}

impl Session {
    pub fn file_name(&self, base: &str) -> String {
        zhibu_core::branch_identity::file_name(&self.records.state().settings(), base)
    }

    /// A member phone's receipt, scanned on the organizer's device.
    pub fn merge_receipt(&mut self, text: &str) -> Result<MergeReport, DocError> {
        let events = join::open_receipt(text)?;
        let report = self.records.merge_events(&events);
        // Merged events from another device reach storage through a snapshot.
        self.snapshot_dirty |= report.added > 0;
        Ok(report)
    }

    /// This phone's own check-in and leave request for a meeting, as a
    /// receipt QR's text. Rebuilt from the registers (the log may have been
    /// compacted), with the original stamps, so the organizer's merge is exact.
    pub fn receipt(&self, meeting: &MeetingId) -> Option<String> {
        let me = self.me()?;
        let state = self.records.state();
        let key = (meeting.clone(), me.clone());
        let mut events = Vec::new();
        if let Some(reg) = state.check_ins.0.get(&key) {
            let payload = Payload::CheckedIn { meeting: meeting.clone(), member: me.clone(), check: reg.value.clone() };
            events.push(replay(&me, &reg.stamp, payload));
        }
        if let Some(reg) = state.leave_requests.0.get(&key) {
            let payload =
                Payload::LeaveRequested { meeting: meeting.clone(), member: me.clone(), request: reg.value.clone() };
            events.push(replay(&me, &reg.stamp, payload));
        }
        (!events.is_empty()).then(|| join::receipt(&events))
    }

    /// This phone's self-study records, as a receipt for the organizer.
    pub fn study_receipt(&self) -> Option<String> {
        let me = self.me()?;
        let events: Vec<Event> = self
            .records
            .state()
            .studies
            .0
            .iter()
            .filter(|(_, reg)| reg.value.member == me)
            .map(|(id, reg)| {
                let payload = Payload::SelfStudyRecorded { study: id.clone(), record: reg.value.clone() };
                replay(&me, &reg.stamp, payload)
            })
            .collect();
        (!events.is_empty()).then(|| join::receipt(&events))
    }

    pub fn join(&mut self, card: &str) -> Result<(), CardError> {
        let known = self.records.state().settings().organizer_key;
        let public = join::open_card(card, known.as_deref())?;
        self.snapshot_dirty |= self.records.merge_snapshot(&public);
        // A personal card names its member: this phone is theirs.
        if let [only] = public.members.keys().collect::<Vec<_>>().as_slice()
            && let Err(e) = self.set_me(only)
        {
            self.saved = Err(e);
        }
        Ok(())
    }

    /// The join link's payload for members' phones (organizer only): the
    /// whole roster, or one member's personal card.
    pub fn join_card(&mut self, only: Option<&MemberId>) -> Option<String> {
        let key = self.ensure_organizer_key()?;
        Some(join::card(self.records.state(), &key, platform::now_ms() / 1000, only))
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
}

/// A member's own event rebuilt from its register, with the original stamp
/// (and an id derived from it, so re-sending it is a duplicate, not a copy).
fn replay(me: &MemberId, stamp: &zhibu_core::clock::Stamp, payload: Payload) -> Event {
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&stamp.clock.to_le_bytes());
    for (i, b) in stamp.device.as_str().bytes().enumerate() {
        random[8 + i % 8] ^= b;
    }
    Event {
        id: EventId::generate(stamp.clock, random),
        device: stamp.device.clone(),
        clock: stamp.clock,
        actor: Some(me.clone()),
        at: platform::now_ms(),
        payload,
    }
}
