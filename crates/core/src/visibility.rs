//! What each device receives of the branch's events (issue 22, item 7).
//!
//! Record keepers (the organizer, committee members) receive every event
//! whole. A member's phone receives the branch's public records — the
//! roster as the branch shares it, settings, meetings, classes, rounds,
//! nominations, reviews, the roll (who voted; ballots are not events) and
//! 公示's objections and their handling — and the member's own records:
//! check-ins, marks, leave and its answers, make-up study, the phone's
//! confirmation, self-study and its answer, and in an appraisal their
//! 自评, their own 互评 comments and their own 组织评定. Another member's own records
//! are withheld. Another member's objection comes **redacted**: the same
//! event with its author and writer replaced by [`REDACTED`], so the
//! round's honours and audit log still fold, and nothing says who filed
//! it (the writer id would: it also signs that phone's public acts).
//!
//! A redacted event keeps its id, clock and payload: it passes
//! `document::check_event` and folds like any other. A phone never sends
//! it back (it pushes only what it recorded, and `sync::may_push` refuses
//! an act that is not its member's); a server already holds its id.

use crate::event::{Event, Payload};
use crate::ids::{DeviceId, MemberId, StudyId};
use crate::sync::Principal;

/// What a receiver gets of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// The event as stored.
    Whole,
    /// The event with its author and writer replaced by [`REDACTED`].
    Redacted,
    /// Nothing (the receiver's cursor still moves past it).
    Withheld,
}

/// The member and writer id that stands for one the receiver may not
/// know. Not a ULID, so no real member or writer has it.
pub const REDACTED: &str = "~";

/// Whether `member` is the [`REDACTED`] marker (the app words it "a member").
pub fn is_redacted(member: &MemberId) -> bool {
    member.as_str() == REDACTED
}

/// What `who` receives of `event`. `study_owner` names the member whose
/// self-study record a decision answers (the decision does not say), or
/// `None` when the record is unknown: then only record keepers get it.
pub fn visibility(who: &Principal, event: &Event, study_owner: impl Fn(&StudyId) -> Option<MemberId>) -> Visibility {
    if who.role.keeps_records() {
        return Visibility::Whole;
    }
    let mine = |member: &MemberId| who.member.as_ref() == Some(member);
    let own = |member: &MemberId| if mine(member) { Visibility::Whole } else { Visibility::Withheld };
    // No wildcard: a new kind of event must be placed here.
    match &event.payload {
        Payload::MemberAdded { .. }
        | Payload::MemberEdited { .. }
        | Payload::MemberArchived { .. }
        | Payload::MemberRestored { .. }
        | Payload::MembersImported { .. }
        | Payload::SettingsChanged { .. }
        | Payload::MeetingSaved { .. }
        | Payload::ClassSaved { .. }
        | Payload::RoundSaved { .. }
        | Payload::Nominated { .. }
        | Payload::Reviewed { .. }
        | Payload::Voted { .. }
        | Payload::ObjectionHandled { .. } => Visibility::Whole,
        Payload::AttendanceMarked { member, .. }
        | Payload::CheckedIn { member, .. }
        | Payload::LeaveRequested { member, .. }
        | Payload::LeaveDecided { member, .. }
        | Payload::MadeUp { member, .. }
        | Payload::DeviceConfirmed { member, .. } => own(member),
        Payload::SelfStudyRecorded { record, .. } => own(&record.member),
        // An appraisal's signed records are the committee's: a member gets
        // their own 自评, their own comments and their own grade only.
        Payload::SelfAssessed { member, .. } | Payload::AppraisalDecided { member, .. } => own(member),
        Payload::Commented { by, .. } => own(by),
        Payload::SelfStudyDecided { study, .. } => study_owner(study).map_or(Visibility::Withheld, |m| own(&m)),
        Payload::ObjectionFiled { .. } => {
            if event.actor.as_ref().is_some_and(mine) {
                Visibility::Whole
            } else {
                Visibility::Redacted
            }
        }
    }
}

/// The event as `who` receives it, or `None` when it is withheld.
pub fn as_seen(who: &Principal, event: &Event, study_owner: impl Fn(&StudyId) -> Option<MemberId>) -> Option<Event> {
    match visibility(who, event, study_owner) {
        Visibility::Whole => Some(event.clone()),
        Visibility::Redacted => {
            Some(Event { actor: Some(MemberId::from(REDACTED)), device: DeviceId::from(REDACTED), ..event.clone() })
        }
        Visibility::Withheld => None,
    }
}
