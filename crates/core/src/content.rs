//! The content check every event from outside gets after its bounds
//! (`document::check_event`: a backup's, a push, a pull, a receipt): the
//! rules the forms apply, so a hand-made or tampered event cannot hold what
//! the app would never record. Each feature checks its own payloads, in the
//! file named for it; [`check`] sends each payload to its feature.
//!
//! Problems are [`ContentProblem`]s: the app words them (`words.rs`), the
//! server names them in a push's answer (`sync::Reason`).

mod appraisal;
mod checkin;
mod meetings;
mod roster;
mod rounds;
mod settings;
mod study;
mod training;

use crate::event::{Event, Payload};
use crate::ids::MemberId;
use crate::roster::FieldError;
use crate::rounds::RoundProblem;
use crate::settings::SettingProblem;
use std::fmt;

/// Why an event's content was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentProblem {
    /// Member fields the form would refuse.
    Fields(Vec<FieldError>),
    /// A change with nothing in it (no settings, meeting, class or round fields).
    Empty,
    /// A member's own act (check-in, leave, self-study, nomination, vote,
    /// an answer as confirmer) made by someone else: 不得代签.
    NotOwn,
    /// A text longer than its limit.
    TooLong {
        /// Which text, as in the event's JSON (`topic`, `reason`, …).
        what: &'static str,
        /// Its limit, in characters.
        max: usize,
    },
    /// A number outside its range.
    OutOfRange {
        /// Which number (`minutes`, `credit`, `completion`, `tenths`).
        what: &'static str,
        /// The value given.
        value: i64,
    },
    /// A list of who is expected (应到) with nobody on it.
    NoAudience,
    /// A class that ends before it starts.
    EndsBeforeStart,
    /// A check-in proof that is neither a six-digit code nor a token.
    BadProof,
    /// A ballot-code hash that is not 32 hex digits (or more than 10,000 of them).
    BadCodeHash,
    /// A setting no branch could mean.
    Setting(SettingProblem),
    /// Round rules, a nomination or a review the round's form would refuse.
    Round(RoundProblem),
}

impl fmt::Display for ContentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentProblem::Fields(errors) => {
                let list: Vec<&str> = errors.iter().map(|e| e.field.key()).collect();
                write!(f, "invalid member fields: {}", list.join(", "))
            }
            ContentProblem::Empty => f.write_str("the change has nothing in it"),
            ContentProblem::NotOwn => f.write_str("made for another member"),
            ContentProblem::TooLong { what, max } => write!(f, "{what} is longer than {max} characters"),
            ContentProblem::OutOfRange { what, value } => write!(f, "{what} {value} is out of range"),
            ContentProblem::NoAudience => f.write_str("no expected attendees"),
            ContentProblem::EndsBeforeStart => f.write_str("the class ends before it starts"),
            ContentProblem::BadProof => f.write_str("the check-in proof is malformed"),
            ContentProblem::BadCodeHash => f.write_str("a ballot code hash is malformed"),
            ContentProblem::Setting(p) => write!(f, "setting: {p}"),
            ContentProblem::Round(_) => f.write_str("the round's rules refuse it"),
        }
    }
}

/// Checks an event's content: member fields, lengths, ranges, proofs'
/// shape, and that a member's own act is made by that member. The match
/// is exhaustive, so a new kind of event has to be placed here.
pub fn check(event: &Event) -> Result<(), ContentProblem> {
    use Payload as P;
    match &event.payload {
        P::MemberAdded { .. } | P::MembersImported { .. } | P::MemberEdited { .. } => roster::check(event),
        P::MemberArchived { .. } | P::MemberRestored { .. } | P::AttendanceMarked { .. } => Ok(()),
        P::SettingsChanged { changes } => settings::check(changes),
        P::MeetingSaved { changes, .. } => meetings::check(changes),
        P::CheckedIn { .. }
        | P::LeaveRequested { .. }
        | P::LeaveDecided { .. }
        | P::DeviceConfirmed { .. }
        | P::MadeUp { .. } => checkin::check(event),
        P::ClassSaved { changes, .. } => training::check(changes),
        P::SelfStudyRecorded { .. } | P::SelfStudyDecided { .. } => study::check(event),
        P::RoundSaved { .. }
        | P::Nominated { .. }
        | P::Reviewed { .. }
        | P::Voted { .. }
        | P::ObjectionFiled { .. }
        | P::ObjectionHandled { .. } => rounds::check(event),
        P::SelfAssessed { .. } | P::Commented { .. } | P::AppraisalDecided { .. } => appraisal::check(event),
    }
}

/// `text` within `max` characters.
fn within(text: &str, max: usize, what: &'static str) -> Result<(), ContentProblem> {
    if text.chars().count() > max { Err(ContentProblem::TooLong { what, max }) } else { Ok(()) }
}

/// The event made by `member` itself.
fn own(event: &Event, member: &MemberId) -> Result<(), ContentProblem> {
    if event.actor.as_ref() == Some(member) { Ok(()) } else { Err(ContentProblem::NotOwn) }
}

/// A change list with something in it.
fn not_empty<T>(changes: &[T]) -> Result<(), ContentProblem> {
    if changes.is_empty() { Err(ContentProblem::Empty) } else { Ok(()) }
}

/// 32 hex digits: a ballot code's hash.
fn is_code_hash(h: &str) -> bool {
    h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit())
}
