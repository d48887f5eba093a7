//! Events: every change to the branch's records is one.
//!
//! Stored and synced JSON uses short keys (`i`, `d`, `c`, …) because a
//! branch's ten-year log must fit in a phone browser's 5 MB; the payload is
//! internally tagged by `t` so each event names its own kind.

use crate::appraisal::{Comment, Decision, SelfAssessment};
use crate::attendance::Attendance;
use crate::checkin::{CheckIn, LeaveDecision, LeaveRequest, MakeUp};
use crate::clock::Stamp;
use crate::ids::{ClassId, DeviceId, EventId, MeetingId, MemberId, NominationId, ObjectionId, RoundId, StudyId};
use crate::meetings::MeetingValue;
use crate::roster::{FieldValue, MemberFields};
use crate::rounds::{Handling, Nomination, Objection, Review, RoundValue, Voter};
use crate::settings::Setting;
use crate::study::{SelfStudy, StudyDecision};
use crate::training::ClassValue;
use serde::{Deserialize, Serialize};

/// One change, made by one writer at one Lamport time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id (ULID); merging is a set union over it.
    #[serde(rename = "i")]
    pub id: EventId,
    /// The writer that made it.
    #[serde(rename = "d")]
    pub device: DeviceId,
    /// Lamport clock: greater than every event the writer had seen.
    #[serde(rename = "c")]
    pub clock: u64,
    /// The member who acted, where known.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<MemberId>,
    /// Wall-clock time of the writer, Unix milliseconds (display only: order
    /// comes from the clock, because phones' clocks are wrong).
    #[serde(rename = "w")]
    pub at: i64,
    /// What changed.
    #[serde(rename = "p")]
    pub payload: Payload,
}

/// Largest Lamport clock accepted: 2^53, exactly representable in a
/// JavaScript number, so every clock survives JSON in a browser (and
/// `clock + 1` never overflows). New clocks stay far below it: see
/// [`crate::bounds`].
pub const MAX_CLOCK: u64 = 1 << 53;
/// Largest check-in time accepted, in absolute Unix seconds (tens of
/// thousands of years): keeps time offsets in the snapshot from overflowing.
pub const MAX_AT_SECS: i64 = 1 << 40;

impl Event {
    /// Refuses clocks and times outside what the app can store faithfully.
    pub fn check_bounds(&self) -> Result<(), crate::bounds::OutOfBounds> {
        use crate::bounds::OutOfBounds;
        if self.clock > MAX_CLOCK {
            return Err(OutOfBounds::Clock(self.clock));
        }
        let time = match &self.payload {
            Payload::AttendanceMarked { mark: Attendance { at: Some(at), .. }, .. } => Some(*at),
            Payload::CheckedIn { check, .. } => Some(check.at),
            Payload::MeetingSaved { changes, .. } => changes.iter().find_map(|c| match c {
                MeetingValue::Start(at) => Some(*at),
                _ => None,
            }),
            _ => None,
        };
        match time {
            Some(at) if at.unsigned_abs() > MAX_AT_SECS as u64 => Err(OutOfBounds::Time(at)),
            _ => Ok(()),
        }
    }

    /// The stamp its writes carry.
    pub fn stamp(&self) -> Stamp {
        Stamp { clock: self.clock, device: self.device.clone() }
    }
}

/// A member in a batch import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedMember {
    /// New id for the imported person (never matched by name).
    pub id: MemberId,
    /// Their validated fields.
    pub fields: MemberFields,
}

/// What an event changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Payload {
    /// A member entered by hand.
    MemberAdded {
        /// New member id.
        member: MemberId,
        /// All fields.
        fields: MemberFields,
    },
    /// Some fields of a member changed; only the changed ones are carried,
    /// so concurrent edits of different fields both survive.
    MemberEdited {
        /// Member edited.
        member: MemberId,
        /// New values.
        changes: Vec<FieldValue>,
    },
    /// Archived (left the branch, transferred out): hidden, not deleted.
    MemberArchived {
        /// Member archived.
        member: MemberId,
    },
    /// Brought back from the archive.
    MemberRestored {
        /// Member restored.
        member: MemberId,
    },
    /// Rows accepted from a CSV import, as one event.
    MembersImported {
        /// The new members.
        members: Vec<ImportedMember>,
    },
    /// A member's attendance at a meeting was recorded or corrected.
    AttendanceMarked {
        /// The meeting.
        meeting: MeetingId,
        /// The member.
        member: MemberId,
        /// What was recorded.
        mark: Attendance,
    },
    /// Branch settings changed (only the changed ones are carried).
    SettingsChanged {
        /// New values.
        changes: Vec<Setting>,
    },
    /// A meeting created or edited (only changed fields are carried).
    MeetingSaved {
        /// The meeting.
        meeting: MeetingId,
        /// New field values.
        changes: Vec<MeetingValue>,
    },
    /// A member checked themself in on their own phone.
    CheckedIn {
        /// The meeting.
        meeting: MeetingId,
        /// The member (always the event's actor: 不得代签).
        member: MemberId,
        /// The check-in and its proof.
        check: CheckIn,
    },
    /// A member asked for leave (or withdrew the request).
    LeaveRequested {
        /// The meeting.
        meeting: MeetingId,
        /// The member.
        member: MemberId,
        /// The request.
        request: LeaveRequest,
    },
    /// The organizer approved or refused a leave request.
    LeaveDecided {
        /// The meeting.
        meeting: MeetingId,
        /// The member.
        member: MemberId,
        /// The answer.
        decision: LeaveDecision,
    },
    /// Make-up study (补课) recorded for a member who missed the meeting.
    MadeUp {
        /// The meeting.
        meeting: MeetingId,
        /// The member.
        member: MemberId,
        /// What was done.
        make_up: MakeUp,
    },
    /// The organizer confirmed that a phone belongs to a member (the phone
    /// picked its own entry from a join card; check-ins name the phone).
    DeviceConfirmed {
        /// The phone's stable id (as check-ins carry it).
        device: String,
        /// Its member.
        member: MemberId,
    },
    /// A training class created or edited (only changed fields are carried).
    ClassSaved {
        /// The class.
        class: ClassId,
        /// New field values.
        changes: Vec<ClassValue>,
    },
    /// A member recorded (or withdrew) self-study.
    SelfStudyRecorded {
        /// The record.
        study: StudyId,
        /// What was studied (its member is the event's actor).
        record: SelfStudy,
    },
    /// An organizer confirmed or refused a self-study record.
    SelfStudyDecided {
        /// The record.
        study: StudyId,
        /// The answer (its `by` is the event's actor).
        decision: StudyDecision,
    },
    /// A "身边最美党员" round created, its rules or stage changed, codes issued.
    RoundSaved {
        /// The round.
        round: RoundId,
        /// New field values.
        changes: Vec<RoundValue>,
    },
    /// A member nominated (or seconded) someone.
    Nominated {
        /// The round.
        round: RoundId,
        /// The nomination.
        nomination: NominationId,
        /// Who, by whom (the event's actor), the deeds.
        record: Nomination,
    },
    /// The organizer reviewed a nominee.
    Reviewed {
        /// The round.
        round: RoundId,
        /// The nominee.
        nominee: MemberId,
        /// Approved or rejected, why.
        review: Review,
    },
    /// Someone (a member, or a code) voted: the roll, never the ballot.
    Voted {
        /// The round.
        round: RoundId,
        /// Who or which code (a named voter is the event's actor).
        voter: Voter,
    },
    /// An objection (异议) filed during 公示.
    ObjectionFiled {
        /// The round.
        round: RoundId,
        /// The objection.
        objection: ObjectionId,
        /// About whom, what.
        record: Objection,
    },
    /// The organizer handled an objection.
    ObjectionHandled {
        /// The round.
        round: RoundId,
        /// The objection.
        objection: ObjectionId,
        /// Upheld or dismissed, and what was done.
        handling: Handling,
    },
    /// A member's 自评 in an appraisal (written by them, or entered from
    /// paper by a record keeper).
    SelfAssessed {
        /// The appraisal.
        round: RoundId,
        /// Whose.
        member: MemberId,
        /// What they wrote.
        assessment: SelfAssessment,
    },
    /// A 互评 comment, signed by its author (always the event's actor).
    Commented {
        /// The appraisal.
        round: RoundId,
        /// The author.
        by: MemberId,
        /// About whom.
        about: MemberId,
        /// The comment (empty: taken back).
        comment: Comment,
    },
    /// The committee's 组织评定 of one member.
    AppraisalDecided {
        /// The appraisal.
        round: RoundId,
        /// Of whom.
        member: MemberId,
        /// The grade and why.
        decision: Decision,
    },
}
