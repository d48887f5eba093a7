//! This tab's live records: the core's [`Records`] plus what storage said.
//! Plain data (no signals), so browser tests drive it directly.

use crate::platform;
use crate::storage::{self, SaveError, SetAside, Store};
use std::collections::BTreeMap;
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::ballot::{self, Ballot};
use zhibu_core::checkin::{CheckIn, LeaveDecision, LeaveRequest, MakeUp};
use zhibu_core::code_batches;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, ImportedMember, Payload};
use zhibu_core::ids::{ClassId, MeetingId, NominationId, ObjectionId, RoundId, StudyId};
use zhibu_core::ids::{DeviceId, EventId, MemberId};
use zhibu_core::join::{self, CardError};
use zhibu_core::meetings::{self, MeetingProblem, MeetingStatus, MeetingValue};
use zhibu_core::records::MergeReport;
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::MemberFields;
use zhibu_core::rounds::{self, RoundProblem, RoundValue, Rules, Stage, Voter};
use zhibu_core::settings::Setting;
use zhibu_core::study::{self, SelfStudy, StudyProblem};
use zhibu_core::sync::Role;
use zhibu_core::sync::history;
use zhibu_core::sync::outbox::{Outbox, Settled};
use zhibu_core::token::SecretKey;
use zhibu_core::training::{self, ClassValue};

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

/// Where a phone keeps the secret behind its ballot's slot in a round.
fn secret_name(round: &RoundId) -> String {
    format!("ballot:{round}")
}

/// The secret behind this phone's slot in a round, if it voted there.
pub fn ballot_secret(round: &RoundId) -> Option<[u8; 16]> {
    storage::identity(&secret_name(round)).and_then(|key| ballot::secret_of_key(&key))
}

fn joined_as_member() -> bool {
    storage::sync_principal().is_some_and(|p| p.role == Role::Member)
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

    /// Records a change and saves it. The event is kept in memory even when
    /// the save fails; the next save retries it.
    pub fn record(&mut self, payload: Payload) -> Result<(), SaveError> {
        self.record_as(None, payload)
    }

    /// Records a member's own act (check-in, leave request), naming them.
    pub fn record_as(&mut self, actor: Option<MemberId>, payload: Payload) -> Result<(), SaveError> {
        let stamp = EventStamp {
            device: self.store.writer.clone(),
            actor,
            unix_ms: platform::now_ms(),
            random: platform::random16(),
        };
        let event = self.records.record(stamp, payload);
        if self.connected {
            self.outbox.events.insert(event.id.clone(), event.clone());
        }
        self.own.insert(event.id.clone(), event);
        self.save()
    }

    /// This phone's stable id (made once; kept with the data).
    pub fn device_label(&self) -> String {
        if let Some(id) = storage::identity("device") {
            return id;
        }
        let id = DeviceId::generate(platform::now_ms() as u64, platform::random16()).0;
        let _ = storage::set_identity("device", &id);
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
    /// when the branch's key is held by another device: taking over
    /// ([`Session::take_over_key`]) is the user's explicit choice, because
    /// members' phones must then join again.
    pub fn ensure_organizer_key(&mut self) -> Result<Option<SecretKey>, SaveError> {
        if let Some(key) = self.organizer_key() {
            return Ok(Some(key));
        }
        if self.records.state().settings().organizer_key.is_some() {
            return Ok(None);
        }
        self.take_over_key().map(Some)
    }

    /// Makes a new organizer key on this device and publishes it.
    pub fn take_over_key(&mut self) -> Result<SecretKey, SaveError> {
        let mut seed = [0u8; 32];
        seed[..16].copy_from_slice(&platform::random16());
        seed[16..].copy_from_slice(&platform::random16());
        let key = SecretKey::from_seed(seed);
        // The private key is stored before the public one is published, so
        // a full storage never leaves a branch key nobody holds.
        storage::set_identity("organizer", &key.to_text())?;
        self.record(Payload::SettingsChanged { changes: vec![Setting::OrganizerKey(key.public().to_text())] })?;
        Ok(key)
    }

    /// Writes this writer's outbox (when connected), then its log: an
    /// event is never in the log without being in the outbox, so a tab
    /// closed between the two writes loses nothing the server should get.
    pub fn save(&mut self) -> Result<(), SaveError> {
        let outbox = if self.connected { self.store.save_outbox(&self.outbox) } else { Ok(()) };
        self.saved = outbox.and(self.store.save_own(&self.own));
        self.saved.clone()
    }

    /// What this writer has waiting for the server.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Whether a sync connection is stored (in any tab).
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// A connection was stored (here or by another tab) or forgotten.
    /// Connecting puts this writer's unfolded events in its outbox (the
    /// history push covers what was folded before); forgetting empties it.
    pub fn set_connected(&mut self, connected: bool) {
        self.member_phone = joined_as_member();
        if connected == self.connected {
            return;
        }
        self.connected = connected;
        if connected {
            self.outbox.events.extend(self.own.iter().map(|(id, e)| (id.clone(), e.clone())));
        } else {
            self.outbox = Outbox::default();
        }
        let _ = self.store.save_outbox(&self.outbox);
    }

    /// Writers whose outbox this tab may take over (gone for longer than
    /// the lease); call under the `zhibu-sync` lock.
    pub fn gone_outboxes(&self) -> Vec<String> {
        self.store.gone_outboxes().into_iter().map(|(writer, _)| writer).collect()
    }

    /// Removes from the outbox what the server confirmed or refused for good.
    pub fn settle(&mut self, settled: &Settled) {
        let before = self.outbox.clone();
        self.outbox.settle(settled);
        if self.outbox != before {
            // A failed write only means these are sent again (duplicates).
            let _ = self.store.save_outbox(&self.outbox);
        }
    }

    /// The device's whole history for its first push: every register write
    /// of the snapshot as an event, the events since, and the rounds still
    /// voting whose box holds ballots.
    pub fn history(&self) -> Outbox {
        let mut outbox = Outbox::default();
        for event in history::unfold(self.records.snapshot()).into_iter().chain(self.records.pending().cloned()) {
            outbox.events.insert(event.id.clone(), event);
        }
        let state = self.records.state();
        outbox.rounds = state
            .ballots
            .0
            .iter()
            .filter(|(id, slots)| !slots.is_empty() && state.round(id).is_some_and(|r| r.stage() == Stage::Voting))
            .map(|(id, _)| id.clone())
            .collect();
        outbox
    }

    /// Takes in events pulled from the server: merged like another tab's,
    /// and written to this writer's log (never its outbox: the server has
    /// them), so that they are stored before the pull cursor moves past
    /// them. Returns how many were new; `Err`: they are only in memory.
    pub fn merge_pulled(&mut self, events: &[Event]) -> Result<usize, SaveError> {
        let fresh: Vec<&Event> = events
            .iter()
            .filter(|e| document::check_event(0, e).is_ok())
            .filter(|e| !self.records.state().covers(e))
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        self.records.merge_events(fresh.iter().copied());
        for event in &fresh {
            self.own.insert(event.id.clone(), (*event).clone());
        }
        self.saved = self.store.save_own(&self.own);
        self.saved.clone().map(|()| fresh.len())
    }

    /// Merges a closed round's box from the server into the local box.
    pub fn merge_box(&mut self, round: &RoundId, ballots: &[zhibu_core::sync::BoxedBallot]) -> bool {
        let mut changed = false;
        for b in ballots {
            let mut choices = b.choices.clone();
            choices.sort();
            changed |= self.records.cast(round, &b.slot, Ballot { rev: b.rev, choices });
        }
        if changed && let Err(e) = self.store.save_boxes(&self.records) {
            self.saved = Err(e);
        }
        changed
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

    /// Creates a meeting (`None`) or records what an edit changed.
    pub fn save_meeting(
        &mut self,
        id: Option<&MeetingId>,
        values: Vec<MeetingValue>,
    ) -> Result<MeetingId, MeetingProblem> {
        let (meeting, changes) = match id.and_then(|id| self.records.state().meeting(id)) {
            Some(existing) => (existing.id.clone(), meetings::edit_changes(&existing, values)?),
            None => {
                let id = MeetingId::generate(platform::now_ms() as u64, platform::random16());
                let mut values = values;
                values.push(MeetingValue::Status(MeetingStatus::Planned));
                (id, values)
            }
        };
        if !changes.is_empty() {
            let _ = self.record(Payload::MeetingSaved { meeting: meeting.clone(), changes });
        }
        Ok(meeting)
    }

    /// Records one meeting field change made by an action (hold, cancel, minutes).
    pub fn set_meeting(&mut self, meeting: &MeetingId, value: MeetingValue) {
        let _ = self.record(Payload::MeetingSaved { meeting: meeting.clone(), changes: vec![value] });
    }

    /// Records an organizer's mark as it stands, now (the sheet asks
    /// `zhibu_core::marking::mark` first and records what it returns).
    pub fn mark(&mut self, meeting: &MeetingId, member: &MemberId, status: AttendanceStatus) {
        let mark = Attendance { status, at: Some(platform::now_ms() / 1000), by_self: false };
        let _ = self.record(Payload::AttendanceMarked { meeting: meeting.clone(), member: member.clone(), mark });
    }

    /// Records what a core command returned, in order.
    pub fn record_all(&mut self, payloads: Vec<Payload>) {
        for payload in payloads {
            let _ = self.record(payload);
        }
    }

    /// A member's own check-in, made as them.
    pub fn check_in(&mut self, meeting: &MeetingId, member: &MemberId, check: CheckIn) {
        let payload = Payload::CheckedIn { meeting: meeting.clone(), member: member.clone(), check };
        let _ = self.record_as(Some(member.clone()), payload);
    }

    /// A member's leave request, made as them.
    pub fn request_leave(&mut self, meeting: &MeetingId, member: &MemberId, request: LeaveRequest) {
        let payload = Payload::LeaveRequested { meeting: meeting.clone(), member: member.clone(), request };
        let _ = self.record_as(Some(member.clone()), payload);
    }

    /// The organizer's answer to a leave request.
    pub fn decide_leave(&mut self, meeting: &MeetingId, member: &MemberId, approved: bool) {
        let decision = LeaveDecision { approved, note: String::new() };
        let _ = self.record(Payload::LeaveDecided { meeting: meeting.clone(), member: member.clone(), decision });
    }

    /// Make-up study for a member who missed a meeting.
    pub fn make_up(&mut self, meeting: &MeetingId, member: &MemberId, make_up: MakeUp) {
        let _ = self.record(Payload::MadeUp { meeting: meeting.clone(), member: member.clone(), make_up });
    }

    /// The organizer confirms a phone belongs to a member.
    pub fn confirm_device(&mut self, device: &str, member: &MemberId) {
        let _ = self.record(Payload::DeviceConfirmed { device: device.to_owned(), member: member.clone() });
    }

    /// An export's file name, led by the branch's name.
    pub fn file_name(&self, base: &str) -> String {
        zhibu_core::branch_identity::file_name(&self.records.state().settings(), base)
    }

    /// Branch settings changed.
    pub fn set_settings(&mut self, changes: Vec<Setting>) {
        if !changes.is_empty() {
            let _ = self.record(Payload::SettingsChanged { changes });
        }
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

    /// Creates a training class (`None`) or records what an edit changed.
    pub fn save_class(&mut self, id: Option<&ClassId>, values: Vec<ClassValue>) -> ClassId {
        let (class, changes) = match id.and_then(|id| self.records.state().class(id)) {
            Some(existing) => (existing.id.clone(), training::edit_changes(&existing, values)),
            None => (ClassId::generate(platform::now_ms() as u64, platform::random16()), values),
        };
        if !changes.is_empty() {
            let _ = self.record(Payload::ClassSaved { class: class.clone(), changes });
        }
        class
    }

    /// A member's own self-study record (new, or withdrawn), made as them.
    pub fn record_study(&mut self, id: Option<&StudyId>, record: SelfStudy) -> StudyId {
        let study = id.cloned().unwrap_or_else(|| StudyId::generate(platform::now_ms() as u64, platform::random16()));
        let actor = record.member.clone();
        let _ = self.record_as(Some(actor), Payload::SelfStudyRecorded { study: study.clone(), record });
        study
    }

    /// Confirms or refuses a self-study record, as the named confirmer.
    pub fn decide_study(
        &mut self,
        id: &StudyId,
        by: &MemberId,
        confirmed: bool,
        note: &str,
    ) -> Result<(), StudyProblem> {
        let decision = study::decide(self.records.state(), id, by, confirmed, note)?;
        let _ = self.record_as(Some(by.clone()), Payload::SelfStudyDecided { study: id.clone(), decision });
        Ok(())
    }

    /// Creates a round (`None`) or changes its rules (refused once voting opened).
    pub fn save_round(&mut self, id: Option<&RoundId>, rules: Rules) -> Result<RoundId, RoundProblem> {
        let existing = id.and_then(|id| self.records.state().round(id));
        let rules = rounds::set_rules(existing.as_ref(), rules)?;
        let round = match existing {
            Some(r) if r.rules == rules => return Ok(r.id),
            Some(r) => r.id,
            None => RoundId::generate(platform::now_ms() as u64, platform::random16()),
        };
        let _ = self.record(Payload::RoundSaved { round: round.clone(), changes: vec![RoundValue::Rules(rules)] });
        Ok(round)
    }

    /// Moves a round to a stage (guarded by the core).
    pub fn advance_round(&mut self, id: &RoundId, to: Stage) -> Result<(), RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let value = rounds::advance(state, &round, to, platform::now_ms() / 1000)?;
        let _ = self.record(Payload::RoundSaved { round: id.clone(), changes: vec![value] });
        Ok(())
    }

    /// Issues `n` ballot codes (the first batch, or with `void` every
    /// unused code voided for a new one: the core's rules). The records
    /// get their hashes; the codes stay on this device only, to print and
    /// reprint until voting closes (`storage::sheets`).
    pub fn issue_codes(&mut self, id: &RoundId, n: usize, void: bool) -> Result<Vec<String>, RoundProblem> {
        let randomness: Vec<[u8; 16]> = (0..n.min(10_000)).map(|_| platform::random16()).collect();
        let state = self.records.state();
        let batch = if void {
            code_batches::reissue(state, id, &randomness)
        } else {
            code_batches::issue(state, id, &randomness)
        }?;
        // A failed write keeps the events in memory and says so (the app's
        // notice); the sheet is kept either way, or the codes would be lost.
        for payload in batch.payloads {
            let _ = self.record(payload);
        }
        storage::sheets::keep(id, &batch.codes);
        Ok(batch.codes)
    }

    /// A nomination, made as the nominator.
    pub fn nominate(
        &mut self,
        id: &RoundId,
        by: &MemberId,
        nominee: &MemberId,
        deeds: &str,
    ) -> Result<(), RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let record = rounds::nominate(state, &round, by, nominee, deeds)?;
        let nomination = NominationId::generate(platform::now_ms() as u64, platform::random16());
        let _ = self.record_as(Some(by.clone()), Payload::Nominated { round: id.clone(), nomination, record });
        Ok(())
    }

    /// The organizer's review of a nominee.
    pub fn review(
        &mut self,
        id: &RoundId,
        nominee: &MemberId,
        approved: bool,
        reason: &str,
    ) -> Result<(), RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let review = rounds::review(state, &round, nominee, approved, reason)?;
        let _ = self.record(Payload::Reviewed { round: id.clone(), nominee: nominee.clone(), review });
        Ok(())
    }

    /// Whether this device may cast `voter`'s named ballot now, or revise
    /// it: only the voter's own phone (no proxy voting; the organizer's
    /// device enters paper ballots instead), and a revision only with the
    /// key this phone kept when it voted.
    pub fn check_named(&self, id: &RoundId, voter: &MemberId) -> Result<(), RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        // The organizer's device is shared even when its owner is a member.
        if self.is_organizer() || self.me().as_ref() != Some(voter) {
            return Err(RoundProblem::OwnDeviceOnly);
        }
        match rounds::cast_by(state, id, voter) {
            None => rounds::may_vote(state, &round, voter),
            Some(_) if !round.rules.revision => Err(RoundProblem::AlreadyVoted),
            Some(_) => {
                rounds::may_revise(state, &round, voter)?;
                if ballot_secret(id).is_none() {
                    return Err(RoundProblem::KeyRequired);
                }
                Ok(())
            }
        }
    }

    /// A named voter's ballot on their own phone: the roll entry (an event
    /// naming them; none for a revision), then the ballot (no name, no
    /// time) in the box. Returns the receipt.
    pub fn vote_named(&mut self, id: &RoundId, voter: &MemberId, choices: &[MemberId]) -> Result<String, RoundProblem> {
        self.check_named(id, voter)?;
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let choices = rounds::check_choices(state, &round, Some(voter), choices)?;
        let revising = rounds::cast_by(state, id, voter).is_some();
        // Where revising is allowed the slot is the hash of a secret only
        // this phone keeps; the server replaces a ballot only for it.
        let slot = if round.rules.revision {
            let secret = ballot_secret(id).unwrap_or_else(|| {
                let secret = platform::random16();
                let _ = storage::set_identity(&secret_name(id), &ballot::key_of_secret(&secret));
                secret
            });
            ballot::slot_of_secret(id, &secret)
        } else {
            ballot::random_slot(&platform::random16())
        };
        let rev = state.ballots.0.get(id).and_then(|b| b.get(&slot)).map_or(0, |b| b.rev + 1);
        // A revision replaces the ballot in its slot and adds no roll entry.
        if !revising {
            let _ = self.record_as(
                Some(voter.clone()),
                Payload::Voted { round: id.clone(), voter: Voter::Member(voter.clone()) },
            );
        }
        Ok(self.put_ballot(id, &slot, Ballot { rev, choices }))
    }

    /// A paper ballot a member without a phone handed in, entered on the
    /// organizer's device: the roll says paper, entered by this device's
    /// keeper (the event's actor, as the server knows it), and the ballot
    /// goes in a random slot. It is final. Returns the receipt.
    pub fn enter_paper(
        &mut self,
        id: &RoundId,
        voter: &MemberId,
        choices: &[MemberId],
    ) -> Result<String, RoundProblem> {
        if !self.is_organizer() {
            return Err(RoundProblem::OwnDeviceOnly);
        }
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        rounds::may_vote(state, &round, voter)?;
        let choices = rounds::check_choices(state, &round, Some(voter), choices)?;
        let keeper = storage::sync_principal().and_then(|p| p.member);
        self.record_as(keeper, Payload::Voted { round: id.clone(), voter: Voter::Paper(voter.clone()) })
            .map_err(|_| RoundProblem::NotSaved)?;
        let slot = ballot::random_slot(&platform::random16());
        Ok(self.put_ballot(id, &slot, Ballot { rev: 0, choices }))
    }

    /// A ballot by code (kiosk): the code's hash on the roll, the ballot in
    /// the box, nothing linking them. Returns the receipt.
    pub fn vote_code(&mut self, id: &RoundId, code: &str, choices: &[MemberId]) -> Result<String, RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let hash = rounds::check_code(state, &round, code)?;
        let choices = rounds::check_choices(state, &round, None, choices)?;
        let slot = ballot::random_slot(&platform::random16());
        self.record(Payload::Voted { round: id.clone(), voter: Voter::Code(hash) })
            .map_err(|_| RoundProblem::NotSaved)?;
        Ok(self.put_ballot(id, &slot, Ballot { rev: 0, choices }))
    }

    fn put_ballot(&mut self, id: &RoundId, slot: &str, ballot: Ballot) -> String {
        let receipt = ballot::receipt(id, slot, &ballot);
        self.records.cast(id, slot, ballot);
        // The round is marked (never the slot) before the box is written:
        // the next push carries its whole box.
        if self.connected && self.outbox.rounds.insert(id.clone()) {
            let _ = self.store.save_outbox(&self.outbox);
        }
        if let Err(e) = self.store.save_boxes(&self.records) {
            self.saved = Err(e);
        }
        receipt
    }

    /// A run-off among the tied candidates of a closed round.
    pub fn start_runoff(&mut self, id: &RoundId, title: &str) -> Result<RoundId, RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let rules = rounds::runoff(state, &round, title)?;
        self.save_round(None, rules)
    }

    /// An objection during 公示 (as the member, on their phone).
    pub fn object(&mut self, id: &RoundId, about: Option<&MemberId>, text: &str) -> Result<(), RoundProblem> {
        let round = self.records.state().round(id).ok_or(RoundProblem::UnknownRound)?;
        let record = rounds::object(&round, about, text)?;
        let objection = ObjectionId::generate(platform::now_ms() as u64, platform::random16());
        let me = self.me();
        let _ = self.record_as(me, Payload::ObjectionFiled { round: id.clone(), objection, record });
        Ok(())
    }

    /// The organizer's handling of an objection.
    pub fn handle_objection(
        &mut self,
        id: &RoundId,
        objection: &ObjectionId,
        upheld: bool,
        note: &str,
    ) -> Result<(), RoundProblem> {
        let state = self.records.state();
        let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
        let handling = rounds::handle(state, &round, objection, upheld, note)?;
        let _ = self.record(Payload::ObjectionHandled { round: id.clone(), objection: objection.clone(), handling });
        Ok(())
    }

    /// Opens a join link: the branch's public records merge in.
    pub fn join(&mut self, card: &str) -> Result<(), CardError> {
        let known = self.records.state().settings().organizer_key;
        let public = join::open_card(card, known.as_deref())?;
        self.snapshot_dirty |= self.records.merge_snapshot(&public);
        // A personal card names its member: this phone is theirs.
        if let [only] = public.members.keys().collect::<Vec<_>>().as_slice() {
            let _ = self.set_me(only);
        }
        Ok(())
    }

    /// The join link's payload for members' phones (organizer only): the
    /// whole roster, or one member's personal card.
    pub fn join_card(&mut self, only: Option<&MemberId>) -> Result<Option<String>, SaveError> {
        let key = self.ensure_organizer_key()?;
        Ok(key.map(|key| join::card(self.records.state(), &key, platform::now_ms() / 1000, only)))
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
