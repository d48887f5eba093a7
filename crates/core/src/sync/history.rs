//! A device's history as events, for its first push to a server.
//!
//! Compaction folds events into the snapshot and drops them, so what a
//! device knew before it connected is mostly registers, not events. Every
//! register write (the winner and every overridden value, each with its
//! stamp) is one event again here: folding these events gives back exactly
//! the registers (same values, same stamps), so other devices end with the
//! same state. Ids are derived from the write itself, so unfolding twice
//! gives the same ids (the server answers `duplicate`); writes that the
//! audit log names (round changes, nominations, reviews, objections) get
//! their original event's id, actor and time back from it.

use crate::clock::{Lww, Stamp};
use crate::event::{Event, Payload};
use crate::ids::{EventId, MemberId, RoundId};
use crate::roster::FieldValue;
use crate::rounds::Voter;
use crate::state::State;
use crate::table::Table;
use std::collections::BTreeMap;

/// Every write of one register: the winner and what it overrode.
fn writes<V: Clone>(reg: &Lww<V>) -> impl Iterator<Item = (Stamp, V)> + '_ {
    std::iter::once((reg.stamp.clone(), reg.value.clone())).chain(reg.history.iter().cloned())
}

/// 128 bits from the write's identity (FNV-1a, twice with different seeds):
/// not secret, only stable.
fn digest(parts: &[&str]) -> [u8; 16] {
    let hash = |seed: u64| {
        parts.iter().fold(seed, |h, part| {
            part.bytes().chain([0xff]).fold(h, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
        })
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&hash(0xcbf2_9ce4_8422_2325).to_le_bytes());
    out[8..].copy_from_slice(&hash(0x6c62_272e_07bb_0142).to_le_bytes());
    out
}

/// A table's writes grouped by stamp: one event each, as they were made.
fn grouped<K, V: Clone>(table: &Table<K, V>) -> BTreeMap<Stamp, Vec<V>> {
    let mut by_stamp: BTreeMap<Stamp, Vec<V>> = BTreeMap::new();
    for reg in table.0.values() {
        for (stamp, v) in writes(reg) {
            by_stamp.entry(stamp).or_default().push(v);
        }
    }
    by_stamp
}

/// What the audit log remembers of an audited event, by round and stamp.
type Audit = BTreeMap<(RoundId, Stamp), (EventId, Option<MemberId>, i64)>;

struct Unfold<'a> {
    audit: Audit,
    events: Vec<Event>,
    state: &'a State,
}

impl Unfold<'_> {
    fn push(&mut self, stamp: Stamp, actor: Option<MemberId>, round: Option<&RoundId>, payload: Payload) {
        let known = round.and_then(|r| self.audit.get(&(r.clone(), stamp.clone())));
        let (id, actor, at) = match known {
            Some((id, audit_actor, at)) => (id.clone(), actor.or_else(|| audit_actor.clone()), *at),
            None => {
                let key = serde_json::to_string(&payload).unwrap_or_default();
                let random = digest(&[stamp.device.as_str(), &stamp.clock.to_string(), &key]);
                (EventId::generate(stamp.clock, random), actor, 0)
            }
        };
        self.events.push(Event { id, device: stamp.device, clock: stamp.clock, actor, at, payload });
    }

    fn members(&mut self) {
        for (member, record) in &self.state.members {
            let mut by_stamp: BTreeMap<Stamp, Vec<FieldValue>> = BTreeMap::new();
            let mut add = |stamp: Stamp, value: FieldValue| by_stamp.entry(stamp).or_default().push(value);
            macro_rules! field {
                ($slot:ident, $wrap:expr) => {
                    if let Some(reg) = &record.$slot {
                        for (stamp, v) in writes(reg) {
                            add(stamp, $wrap(v));
                        }
                    }
                };
            }
            field!(name, FieldValue::Name);
            field!(group, FieldValue::Group);
            field!(status, FieldValue::Status);
            field!(role, FieldValue::Role);
            field!(joined, FieldValue::Joined);
            field!(phone, FieldValue::Phone);
            field!(exempt, FieldValue::Exempt);
            for (stamp, changes) in by_stamp {
                self.push(stamp, None, None, Payload::MemberEdited { member: member.clone(), changes });
            }
            for (stamp, archived) in record.archived.iter().flat_map(writes) {
                let member = member.clone();
                let payload =
                    if archived { Payload::MemberArchived { member } } else { Payload::MemberRestored { member } };
                self.push(stamp, None, None, payload);
            }
        }
        for (meeting, marks) in &self.state.attendance {
            for (member, reg) in marks {
                for (stamp, mark) in writes(reg) {
                    let payload = Payload::AttendanceMarked { meeting: meeting.clone(), member: member.clone(), mark };
                    self.push(stamp, None, None, payload);
                }
            }
        }
    }

    fn tables(&mut self) {
        let ext = &self.state.ext;
        for (stamp, changes) in grouped(&ext.settings) {
            self.push(stamp, None, None, Payload::SettingsChanged { changes });
        }
        for (meeting, table) in &ext.meetings {
            for (stamp, changes) in grouped(table) {
                self.push(stamp, None, None, Payload::MeetingSaved { meeting: meeting.clone(), changes });
            }
        }
        for (class, table) in &ext.classes {
            for (stamp, changes) in grouped(table) {
                self.push(stamp, None, None, Payload::ClassSaved { class: class.clone(), changes });
            }
        }
        for (round, table) in &ext.rounds {
            for (stamp, changes) in grouped(table) {
                self.push(stamp, None, Some(round), Payload::RoundSaved { round: round.clone(), changes });
            }
        }
        for ((meeting, member), reg) in &ext.check_ins.0 {
            for (stamp, check) in writes(reg) {
                let payload = Payload::CheckedIn { meeting: meeting.clone(), member: member.clone(), check };
                self.push(stamp, Some(member.clone()), None, payload);
            }
        }
        for ((meeting, member), reg) in &ext.leave_requests.0 {
            for (stamp, request) in writes(reg) {
                let payload = Payload::LeaveRequested { meeting: meeting.clone(), member: member.clone(), request };
                self.push(stamp, Some(member.clone()), None, payload);
            }
        }
        for ((meeting, member), reg) in &ext.leave_decisions.0 {
            for (stamp, decision) in writes(reg) {
                let payload = Payload::LeaveDecided { meeting: meeting.clone(), member: member.clone(), decision };
                self.push(stamp, None, None, payload);
            }
        }
        for ((meeting, member), reg) in &ext.make_ups.0 {
            for (stamp, make_up) in writes(reg) {
                let payload = Payload::MadeUp { meeting: meeting.clone(), member: member.clone(), make_up };
                self.push(stamp, None, None, payload);
            }
        }
        for (device, reg) in &ext.devices.0 {
            for (stamp, member) in writes(reg) {
                self.push(stamp, None, None, Payload::DeviceConfirmed { device: device.clone(), member });
            }
        }
        for (study, reg) in &ext.studies.0 {
            for (stamp, record) in writes(reg) {
                let actor = Some(record.member.clone());
                self.push(stamp, actor, None, Payload::SelfStudyRecorded { study: study.clone(), record });
            }
        }
        for (study, reg) in &ext.study_decisions.0 {
            for (stamp, decision) in writes(reg) {
                let actor = Some(decision.by.clone());
                self.push(stamp, actor, None, Payload::SelfStudyDecided { study: study.clone(), decision });
            }
        }
    }

    fn rounds(&mut self) {
        let ext = &self.state.ext;
        for ((round, nomination), reg) in &ext.nominations.0 {
            for (stamp, record) in writes(reg) {
                let actor = Some(record.by.clone());
                let payload = Payload::Nominated { round: round.clone(), nomination: nomination.clone(), record };
                self.push(stamp, actor, Some(round), payload);
            }
        }
        for ((round, nominee), reg) in &ext.reviews.0 {
            for (stamp, review) in writes(reg) {
                let payload = Payload::Reviewed { round: round.clone(), nominee: nominee.clone(), review };
                self.push(stamp, None, Some(round), payload);
            }
        }
        for ((round, voter), reg) in &ext.roll.0 {
            // A paper entry is audited: its keeper, id and time come back
            // from the audit log.
            let (actor, audited) = match voter {
                Voter::Member(m) => (Some(m.clone()), None),
                Voter::Code(_) => (None, None),
                Voter::Paper(_) => (None, Some(round)),
            };
            for (stamp, _) in writes(reg) {
                let payload = Payload::Voted { round: round.clone(), voter: voter.clone() };
                self.push(stamp, actor.clone(), audited, payload);
            }
        }
        for ((round, objection), reg) in &ext.objections.0 {
            for (stamp, record) in writes(reg) {
                let payload = Payload::ObjectionFiled { round: round.clone(), objection: objection.clone(), record };
                self.push(stamp, None, Some(round), payload);
            }
        }
        for ((round, objection), reg) in &ext.handlings.0 {
            for (stamp, handling) in writes(reg) {
                let payload =
                    Payload::ObjectionHandled { round: round.clone(), objection: objection.clone(), handling };
                self.push(stamp, None, Some(round), payload);
            }
        }
        self.appraisals();
    }

    fn appraisals(&mut self) {
        let ext = &self.state.ext;
        for ((round, member), reg) in &ext.self_assessments.0 {
            for (stamp, assessment) in writes(reg) {
                // A paper one is the keeper's act: the audit log says who.
                let actor = (!assessment.on_paper).then(|| member.clone());
                let payload = Payload::SelfAssessed { round: round.clone(), member: member.clone(), assessment };
                self.push(stamp, actor, Some(round), payload);
            }
        }
        for ((round, by, about), reg) in &ext.comments.0 {
            for (stamp, comment) in writes(reg) {
                let payload =
                    Payload::Commented { round: round.clone(), by: by.clone(), about: about.clone(), comment };
                self.push(stamp, Some(by.clone()), None, payload);
            }
        }
        for ((round, member), reg) in &ext.decisions.0 {
            for (stamp, decision) in writes(reg) {
                let payload = Payload::AppraisalDecided { round: round.clone(), member: member.clone(), decision };
                self.push(stamp, None, Some(round), payload);
            }
        }
    }
}

/// Every write in `state` as an event (clock order), ballots excepted:
/// they are not events and travel beside the roll (see [`super::outbox`]).
pub fn unfold(state: &State) -> Vec<Event> {
    let mut audit = Audit::new();
    for ((round, event), reg) in &state.ext.audit.0 {
        for (stamp, entry) in writes(reg) {
            audit.insert((round.clone(), stamp), (event.clone(), entry.actor.clone(), entry.at));
        }
    }
    let mut unfold = Unfold { audit, events: Vec::new(), state };
    unfold.members();
    unfold.tables();
    unfold.rounds();
    let mut events = unfold.events;
    events.sort_by(|a, b| (a.clock, &a.device, &a.id).cmp(&(b.clock, &b.device, &b.id)));
    events
}
