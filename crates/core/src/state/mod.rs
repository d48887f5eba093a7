//! The branch's state: a deterministic fold of events.
//!
//! Every part of [`State`] is a last-writer-wins register or a map of them,
//! so [`State::apply`] is commutative and idempotent: any order, any
//! duplicates, same state. [`State::join`] merges two folded states the same
//! way, which is what lets a snapshot stand in for the events it folded.

use crate::appraisal::{Comment, Decision, SelfAssessment};
use crate::attendance::Attendance;
use crate::ballot::Boxes;
use crate::checkin::{CheckIn, LeaveDecision, LeaveRequest, MakeUp};
use crate::clock::{Lww, Stamp};
use crate::date::Date;
use crate::event::{Event, Payload};
use crate::ids::{ClassId, EventId, MeetingId, MemberId, NominationId, ObjectionId, RoundId, StudyId};
use crate::meetings::{Meeting, MeetingField, MeetingValue};
use crate::roster::{FieldValue, MemberFields, Role, Status};
use crate::rounds::{AuditEntry, Audited, Handling, Nomination, Objection, Review, RoundField, RoundValue, Voter};
use crate::settings::{Setting, SettingKey, Settings};
use crate::study::{SelfStudy, StudyDecision};
use crate::table::Table;
use crate::training::{Class, ClassField, ClassValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod extras;
mod member_record;

pub use extras::*;
pub use member_record::*;

/// A member as listed: id, fields, archived flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Identity.
    pub id: MemberId,
    /// Current fields.
    pub fields: MemberFields,
    /// Archived members are hidden from the active roster.
    pub archived: bool,
}

/// Everything the events say, folded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Members by id.
    pub members: BTreeMap<MemberId, MemberRecord>,
    /// Attendance by meeting, then member.
    pub attendance: BTreeMap<MeetingId, BTreeMap<MemberId, Lww<Attendance>>>,
    /// Highest counted Lamport clock seen; a writer's next event goes above
    /// it. Clocks above [`crate::bounds::MAX_COUNTED_CLOCK`] are not counted
    /// (a tampered writer's must not push every later clock out of range).
    pub max_clock: u64,
    /// Everything besides members and marks (few, so stored plainly).
    pub ext: Extras,
}

impl std::ops::Deref for State {
    type Target = Extras;
    fn deref(&self) -> &Extras {
        &self.ext
    }
}

impl State {
    /// Folds events into a fresh state.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut state = State::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// The clock a writer's next event takes: one above the highest counted
    /// clock, so at most `MAX_COUNTED_CLOCK + 1`, which every check accepts.
    pub fn next_clock(&self) -> u64 {
        self.max_clock.min(crate::bounds::MAX_COUNTED_CLOCK) + 1
    }

    /// Applies one event. Returns whether anything changed, so an event that
    /// carries nothing new (a duplicate) can be left out of the log.
    pub fn apply(&mut self, event: &Event) -> bool {
        let stamp = event.stamp();
        let counted = crate::bounds::counts(event.clock);
        let mut changed = counted && event.clock > self.max_clock;
        if counted {
            self.max_clock = self.max_clock.max(event.clock);
        }
        changed |= match &event.payload {
            Payload::MemberAdded { member, fields } => self.set_all(member, fields, &stamp),
            Payload::MemberEdited { changes, .. } if changes.is_empty() => false,
            // Like an empty member edit: no entry for the meeting either.
            Payload::MeetingSaved { changes, .. } if changes.is_empty() => false,
            Payload::ClassSaved { changes, .. } if changes.is_empty() => false,
            Payload::RoundSaved { changes, .. } if changes.is_empty() => false,
            Payload::MemberEdited { member, changes } => {
                let record = self.members.entry(member.clone()).or_default();
                changes.iter().fold(false, |acc, c| record.set(c, &stamp) | acc)
            }
            Payload::MemberArchived { member } => self.set_archived(member, true, &stamp),
            Payload::MemberRestored { member } => self.set_archived(member, false, &stamp),
            Payload::MembersImported { members } => {
                members.iter().fold(false, |acc, m| self.set_all(&m.id, &m.fields, &stamp) | acc)
            }
            Payload::AttendanceMarked { meeting, member, mark } => {
                let marks = self.attendance.entry(meeting.clone()).or_default();
                match marks.get_mut(member) {
                    Some(reg) => reg.set(*mark, stamp),
                    None => {
                        marks.insert(member.clone(), Lww::new(*mark, stamp));
                        true
                    }
                }
            }
            Payload::SettingsChanged { changes } => {
                changes.iter().fold(false, |acc, c| self.ext.settings.set(&c.key(), c.clone(), stamp.clone()) | acc)
            }
            Payload::MeetingSaved { meeting, changes } => {
                let table = self.ext.meetings.entry(meeting.clone()).or_default();
                changes.iter().fold(false, |acc, c| table.set(&c.field(), c.clone(), stamp.clone()) | acc)
            }
            Payload::CheckedIn { meeting, member, check } => {
                self.ext.check_ins.set(&(meeting.clone(), member.clone()), check.clone(), stamp)
            }
            Payload::LeaveRequested { meeting, member, request } => {
                self.ext.leave_requests.set(&(meeting.clone(), member.clone()), request.clone(), stamp)
            }
            Payload::LeaveDecided { meeting, member, decision } => {
                self.ext.leave_decisions.set(&(meeting.clone(), member.clone()), decision.clone(), stamp)
            }
            Payload::MadeUp { meeting, member, make_up } => {
                self.ext.make_ups.set(&(meeting.clone(), member.clone()), make_up.clone(), stamp)
            }
            Payload::DeviceConfirmed { device, member } => self.ext.devices.set(device, member.clone(), stamp),
            Payload::ClassSaved { class, changes } => {
                let table = self.ext.classes.entry(class.clone()).or_default();
                changes.iter().fold(false, |acc, c| table.set(&c.field(), c.clone(), stamp.clone()) | acc)
            }
            Payload::SelfStudyRecorded { study, record } => self.ext.studies.set(study, record.clone(), stamp),
            Payload::SelfStudyDecided { study, decision } => {
                self.ext.study_decisions.set(study, decision.clone(), stamp)
            }
            Payload::RoundSaved { round, changes } => {
                let table = self.ext.rounds.entry(round.clone()).or_default();
                let changed =
                    changes.iter().fold(false, |acc, c| table.set(&c.field(), c.clone(), stamp.clone()) | acc);
                for c in changes {
                    let what = match c {
                        RoundValue::Rules(r) => Audited::Rules(r.fingerprint()),
                        RoundValue::Stage(s) => Audited::Stage(s.stage),
                        RoundValue::Codes(c) => Audited::Codes(c.len() as u32),
                    };
                    self.audit_entry(event, round, what);
                }
                changed
            }
            Payload::Nominated { round, nomination, record } => {
                self.audit_entry(event, round, Audited::Nominated(record.nominee.clone()));
                self.ext.nominations.set(&(round.clone(), nomination.clone()), record.clone(), stamp)
            }
            Payload::Reviewed { round, nominee, review } => {
                self.audit_entry(event, round, Audited::Reviewed(nominee.clone(), review.approved));
                self.ext.reviews.set(&(round.clone(), nominee.clone()), review.clone(), stamp)
            }
            Payload::Voted { round, voter } => {
                // A keeper's paper entry is their act: the audit log says who.
                if let Voter::Paper(member) = voter {
                    self.audit_entry(event, round, Audited::Paper(member.clone()));
                }
                self.ext.roll.set(&(round.clone(), voter.clone()), true, stamp)
            }
            Payload::ObjectionFiled { round, objection, record } => {
                self.audit_entry(event, round, Audited::Objection(objection.clone()));
                self.ext.objections.set(&(round.clone(), objection.clone()), record.clone(), stamp)
            }
            Payload::ObjectionHandled { round, objection, handling } => {
                self.audit_entry(event, round, Audited::Handled(objection.clone(), handling.upheld));
                self.ext.handlings.set(&(round.clone(), objection.clone()), handling.clone(), stamp)
            }
            Payload::SelfAssessed { round, member, assessment } => {
                self.audit_entry(event, round, Audited::SelfAssessed(member.clone()));
                self.ext.self_assessments.set(&(round.clone(), member.clone()), assessment.clone(), stamp)
            }
            Payload::Commented { round, by, about, comment } => {
                self.ext.comments.set(&(round.clone(), by.clone(), about.clone()), comment.clone(), stamp)
            }
            Payload::AppraisalDecided { round, member, decision } => {
                self.audit_entry(event, round, Audited::Decided(member.clone()));
                self.ext.decisions.set(&(round.clone(), member.clone()), decision.clone(), stamp)
            }
        };
        changed
    }

    /// Whether applying `event` would change nothing (it is already folded in).
    pub fn covers(&self, event: &Event) -> bool {
        let stamp = event.stamp();
        if crate::bounds::counts(event.clock) && event.clock > self.max_clock {
            return false;
        }
        let has = |member: &MemberId, change: &FieldValue| {
            self.members.get(member).is_some_and(|r| r.contains(change, &stamp))
        };
        match &event.payload {
            Payload::MemberAdded { member, fields } => fields.values().iter().all(|v| has(member, v)),
            Payload::MemberEdited { member, changes } => changes.iter().all(|v| has(member, v)),
            Payload::MemberArchived { member } | Payload::MemberRestored { member } => {
                let archived = matches!(event.payload, Payload::MemberArchived { .. });
                self.members
                    .get(member)
                    .and_then(|r| r.archived.as_ref())
                    .is_some_and(|reg| reg.contains(&archived, &stamp))
            }
            Payload::MembersImported { members } => {
                members.iter().all(|m| m.fields.values().iter().all(|v| has(&m.id, v)))
            }
            Payload::AttendanceMarked { meeting, member, mark } => self
                .attendance
                .get(meeting)
                .and_then(|marks| marks.get(member))
                .is_some_and(|reg| reg.contains(mark, &stamp)),
            Payload::SettingsChanged { changes } => {
                changes.iter().all(|c| self.ext.settings.contains(&c.key(), c, &stamp))
            }
            Payload::MeetingSaved { meeting, changes } => self
                .ext
                .meetings
                .get(meeting)
                .is_some_and(|t| changes.iter().all(|c| t.contains(&c.field(), c, &stamp))),
            Payload::CheckedIn { meeting, member, check } => {
                self.ext.check_ins.contains(&(meeting.clone(), member.clone()), check, &stamp)
            }
            Payload::LeaveRequested { meeting, member, request } => {
                self.ext.leave_requests.contains(&(meeting.clone(), member.clone()), request, &stamp)
            }
            Payload::LeaveDecided { meeting, member, decision } => {
                self.ext.leave_decisions.contains(&(meeting.clone(), member.clone()), decision, &stamp)
            }
            Payload::MadeUp { meeting, member, make_up } => {
                self.ext.make_ups.contains(&(meeting.clone(), member.clone()), make_up, &stamp)
            }
            Payload::DeviceConfirmed { device, member } => self.ext.devices.contains(device, member, &stamp),
            Payload::ClassSaved { class, changes } => {
                self.ext.classes.get(class).is_some_and(|t| changes.iter().all(|c| t.contains(&c.field(), c, &stamp)))
            }
            Payload::SelfStudyRecorded { study, record } => self.ext.studies.contains(study, record, &stamp),
            Payload::SelfStudyDecided { study, decision } => self.ext.study_decisions.contains(study, decision, &stamp),
            Payload::RoundSaved { round, changes } => {
                self.ext.rounds.get(round).is_some_and(|t| changes.iter().all(|c| t.contains(&c.field(), c, &stamp)))
            }
            Payload::Nominated { round, nomination, record } => {
                self.ext.nominations.contains(&(round.clone(), nomination.clone()), record, &stamp)
            }
            Payload::Reviewed { round, nominee, review } => {
                self.ext.reviews.contains(&(round.clone(), nominee.clone()), review, &stamp)
            }
            Payload::Voted { round, voter } => self.ext.roll.contains(&(round.clone(), voter.clone()), &true, &stamp),
            Payload::ObjectionFiled { round, objection, record } => {
                self.ext.objections.contains(&(round.clone(), objection.clone()), record, &stamp)
            }
            Payload::ObjectionHandled { round, objection, handling } => {
                self.ext.handlings.contains(&(round.clone(), objection.clone()), handling, &stamp)
            }
            Payload::SelfAssessed { round, member, assessment } => {
                self.ext.self_assessments.contains(&(round.clone(), member.clone()), assessment, &stamp)
            }
            Payload::Commented { round, by, about, comment } => {
                self.ext.comments.contains(&(round.clone(), by.clone(), about.clone()), comment, &stamp)
            }
            Payload::AppraisalDecided { round, member, decision } => {
                self.ext.decisions.contains(&(round.clone(), member.clone()), decision, &stamp)
            }
        }
    }

    fn audit_entry(&mut self, event: &Event, round: &RoundId, what: Audited) {
        let entry = AuditEntry { actor: event.actor.clone(), at: event.at, what };
        self.ext.audit.set(&(round.clone(), event.id.clone()), entry, event.stamp());
    }

    fn set_all(&mut self, member: &MemberId, fields: &MemberFields, stamp: &Stamp) -> bool {
        let record = self.members.entry(member.clone()).or_default();
        fields.values().iter().fold(false, |acc, v| record.set(v, stamp) | acc)
    }

    fn set_archived(&mut self, member: &MemberId, archived: bool, stamp: &Stamp) -> bool {
        let record = self.members.entry(member.clone()).or_default();
        put(&mut record.archived, archived, stamp)
    }

    /// Merges another folded state in (e.g. another tab's snapshot).
    pub fn join(&mut self, other: &State) -> bool {
        let theirs = if crate::bounds::counts(other.max_clock) { other.max_clock } else { 0 };
        let mut changed = theirs > self.max_clock;
        self.max_clock = self.max_clock.max(theirs);
        changed |= self.ext.join(&other.ext);
        for (id, theirs) in &other.members {
            changed |= self.members.entry(id.clone()).or_default().join(theirs);
        }
        for (meeting, marks) in &other.attendance {
            let ours = self.attendance.entry(meeting.clone()).or_default();
            for (member, reg) in marks {
                changed |= match ours.get_mut(member) {
                    Some(mine) => mine.join(reg),
                    None => {
                        ours.insert(member.clone(), reg.clone());
                        true
                    }
                };
            }
        }
        changed
    }

    /// Members with a known name, archived ones included.
    pub fn members(&self) -> Vec<Member> {
        let mut list = Vec::with_capacity(self.members.len());
        list.extend(self.members.iter().filter_map(|(id, record)| {
            Some(Member { id: id.clone(), fields: record.fields()?, archived: record.is_archived() })
        }));
        list
    }

    /// Active members (not archived) by name in pinyin order: for pickers.
    pub fn active_by_name(&self) -> Vec<Member> {
        let mut list: Vec<Member> = self.members().into_iter().filter(|m| !m.archived).collect();
        list.sort_by_cached_key(|m| (crate::search::sort_key(&m.fields.name), m.id.clone()));
        list
    }

    /// One member, if known.
    pub fn member(&self, id: &MemberId) -> Option<Member> {
        let record = self.members.get(id)?;
        Some(Member { id: id.clone(), fields: record.fields()?, archived: record.is_archived() })
    }

    /// The settings in force.
    pub fn settings(&self) -> Settings {
        Settings::from_table(&self.ext.settings)
    }

    /// Every meeting whose kind and start are known, by start time.
    pub fn meetings(&self) -> Vec<Meeting> {
        let mut list: Vec<Meeting> =
            self.ext.meetings.iter().filter_map(|(id, t)| Meeting::from_table(id, t)).collect();
        list.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        list
    }

    /// One meeting.
    pub fn meeting(&self, id: &MeetingId) -> Option<Meeting> {
        Meeting::from_table(id, self.ext.meetings.get(id)?)
    }

    /// One training class.
    pub fn class(&self, id: &ClassId) -> Option<Class> {
        Class::from_table(id, self.ext.classes.get(id)?)
    }

    /// One round.
    pub fn round(&self, id: &RoundId) -> Option<crate::rounds::Round> {
        crate::rounds::Round::from_table(id, self.ext.rounds.get(id)?)
    }

    /// Puts a ballot in a round's box (not an event: it carries nothing
    /// but its slot and choices). Returns whether anything changed.
    pub fn cast(&mut self, round: &RoundId, slot: &str, ballot: crate::ballot::Ballot) -> bool {
        self.ext.ballots.put(round, slot, ballot)
    }

    /// Number of attendance marks recorded.
    pub fn attendance_count(&self) -> usize {
        self.attendance.values().map(BTreeMap::len).sum()
    }
}
