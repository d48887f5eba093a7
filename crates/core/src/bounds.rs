//! Limits on what comes from outside (a backup, a push, a pull): clocks,
//! ids, free strings and an event's size. The app's import and the sync
//! server run the same checks (`document::check_event`), so a phone never
//! holds what the server refuses, and one writer cannot fill every other
//! device with megabyte ids.
//!
//! **Clocks.** An event's clock must be at most [`MAX_CLOCK`] (2^53: every
//! clock survives JSON in a browser). A writer's next clock is one above
//! the highest *counted* clock; clocks above [`MAX_COUNTED_CLOCK`] (2^52)
//! are not counted, so the next clock never passes `MAX_CLOCK`. Only a
//! tampered device, a hand-made file or a server from before these limits
//! can have made such an event: it stays readable and keeps its register
//! (it wins it until someone writes there with a higher clock, which in
//! practice is never), but it no longer drags every later event up, so a
//! branch or a phone that holds one keeps syncing. The server also refuses
//! a clock more than [`MAX_CLOCK_STEP`] above the branch's highest
//! ([`clock_step`]): an honest device is never that far ahead, since
//! every event it holds adds at most one.

use crate::event::{Event, Payload};
use crate::ids::MemberId;
use crate::meetings::{Audience, MeetingStatus, MeetingValue};
use crate::rounds::{Electorate, RoundValue, Voter};
use crate::settings::Setting;
use crate::training::ClassValue;
use std::fmt;

pub use crate::event::MAX_CLOCK;

/// Highest clock that counts for the next clock. A writer's next clock is
/// at most one above it, far below [`MAX_CLOCK`].
pub const MAX_COUNTED_CLOCK: u64 = 1 << 52;
/// How far above the branch's highest clock a pushed event may go. A
/// phone offline for a year makes thousands of events, not millions.
pub const MAX_CLOCK_STEP: u64 = 1_000_000;
/// Longest id (event, device, member, meeting, …), in bytes. The app makes
/// ULIDs (26 bytes).
pub const MAX_ID: usize = 64;
/// Longest string an event may carry in a field without a tighter limit of
/// its own (a check-in token or link, a key, a digest), in bytes.
pub const MAX_FREE: usize = 1024;
/// Largest event, as stored JSON (a roster import of thousands of members,
/// or ten thousand ballot-code hashes, fits).
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// Why an event is outside the limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutOfBounds {
    /// The clock is above [`MAX_CLOCK`].
    Clock(u64),
    /// A time (Unix seconds) beyond what the snapshot stores.
    Time(i64),
    /// An id is empty or longer than [`MAX_ID`] bytes.
    Id {
        /// Which id (`id`, `device`, `member`, …).
        what: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// A string without a limit of its own is longer than [`MAX_FREE`] bytes.
    Text {
        /// Which field.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// The whole event is larger than [`MAX_EVENT_BYTES`].
    TooLarge(usize),
}

impl fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutOfBounds::Clock(c) => write!(f, "clock {c} is above {MAX_CLOCK}"),
            OutOfBounds::Time(at) => write!(f, "time {at} is out of range"),
            OutOfBounds::Id { what, len: 0 } => write!(f, "{what} is empty"),
            OutOfBounds::Id { what, len } => write!(f, "{what} is {len} bytes long (at most {MAX_ID})"),
            OutOfBounds::Text { what, len } => write!(f, "{what} is {len} bytes long (at most {MAX_FREE})"),
            OutOfBounds::TooLarge(n) => write!(f, "the event is {n} bytes long (at most {MAX_EVENT_BYTES})"),
        }
    }
}

/// A clock too far ahead of the branch ([`clock_step`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockAhead {
    /// The event's clock.
    pub clock: u64,
    /// The highest clock accepted now.
    pub limit: u64,
}

impl fmt::Display for ClockAhead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ClockAhead { clock, limit } = self;
        write!(f, "clock {clock} is more than {MAX_CLOCK_STEP} above the branch's highest clock (at most {limit} now)")
    }
}

/// Whether a clock is within [`MAX_CLOCK_STEP`] of `highest`, the
/// receiver's highest counted clock (the server: the branch's).
pub fn clock_step(highest: u64, clock: u64) -> Result<(), ClockAhead> {
    let limit = highest.saturating_add(MAX_CLOCK_STEP);
    if clock <= limit { Ok(()) } else { Err(ClockAhead { clock, limit }) }
}

/// Whether a clock counts for the next clock (see the module's docs).
pub fn counts(clock: u64) -> bool {
    clock <= MAX_COUNTED_CLOCK
}

/// Every id and free string of the event within its limit, and the event
/// within [`MAX_EVENT_BYTES`]. Texts with limits of their own (names,
/// topics, reasons) are checked by `document::check_content`.
pub fn check(event: &Event) -> Result<(), OutOfBounds> {
    let mut problem = None;
    visit(event, &mut |what, s, free| {
        let bad = if free { s.len() > MAX_FREE } else { s.is_empty() || s.len() > MAX_ID };
        if bad && problem.is_none() {
            let len = s.len();
            problem = Some(if free { OutOfBounds::Text { what, len } } else { OutOfBounds::Id { what, len } });
        }
    });
    if let Some(p) = problem {
        return Err(p);
    }
    let size = json_size(event);
    if size > MAX_EVENT_BYTES { Err(OutOfBounds::TooLarge(size)) } else { Ok(()) }
}

/// `s` cut to at most [`MAX_ID`] bytes (at a character boundary), for
/// naming an id in an answer without echoing a megabyte back.
pub fn echo(s: &str) -> &str {
    let mut end = s.len().min(MAX_ID);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The event's JSON length.
fn json_size(event: &Event) -> usize {
    // Into a buffer, not a counting writer: the same serializer as every
    // document write, so the wasm holds one copy of the events' code.
    serde_json::to_vec(event).expect("an event serializes").len()
}

/// Calls `f(what, string, free)` for every id (`free` false) and every
/// string without a limit of its own (`free` true). The match on the
/// payload is exhaustive, so a new kind of event has to be listed here.
fn visit(event: &Event, f: &mut impl FnMut(&'static str, &str, bool)) {
    let mut id = |what: &'static str, s: &str| f(what, s, false);
    id("id", event.id.as_str());
    id("device", event.device.as_str());
    if let Some(actor) = &event.actor {
        id("actor", actor.as_str());
    }
    let members = |list: &[MemberId], id: &mut dyn FnMut(&'static str, &str)| {
        list.iter().for_each(|m| id("member", m.as_str()));
    };
    let audience = |a: &Audience, id: &mut dyn FnMut(&'static str, &str)| match a {
        Audience::List(list) => members(list, id),
        Audience::Branch | Audience::Group(_) | Audience::Committee => {}
    };
    let mut frees: Vec<(&'static str, &str)> = Vec::new();
    match &event.payload {
        Payload::MemberAdded { member, .. }
        | Payload::MemberEdited { member, .. }
        | Payload::MemberArchived { member }
        | Payload::MemberRestored { member } => id("member", member.as_str()),
        Payload::MembersImported { members } => members.iter().for_each(|m| id("member", m.id.as_str())),
        Payload::AttendanceMarked { meeting, member, .. }
        | Payload::LeaveRequested { meeting, member, .. }
        | Payload::LeaveDecided { meeting, member, .. }
        | Payload::MadeUp { meeting, member, .. } => {
            id("meeting", meeting.as_str());
            id("member", member.as_str());
        }
        Payload::CheckedIn { meeting, member, check } => {
            id("meeting", meeting.as_str());
            id("member", member.as_str());
            match &check.proof {
                crate::checkin::Proof::Token(t) | crate::checkin::Proof::Code(t) => frees.push(("proof", t)),
            }
        }
        Payload::SettingsChanged { changes } => {
            for change in changes {
                if let Setting::OrganizerKey(k) = change {
                    frees.push(("organizer key", k));
                }
            }
        }
        Payload::MeetingSaved { meeting, changes } => {
            id("meeting", meeting.as_str());
            for change in changes {
                match change {
                    MeetingValue::Audience(a) => audience(a, &mut id),
                    MeetingValue::Status(MeetingStatus::Held { expected }) => members(expected, &mut id),
                    MeetingValue::Class(class) => id("class", class.as_str()),
                    _ => {}
                }
            }
        }
        Payload::DeviceConfirmed { member, .. } => id("member", member.as_str()),
        Payload::ClassSaved { class, changes } => {
            id("class", class.as_str());
            for change in changes {
                if let ClassValue::Audience(a) = change {
                    audience(a, &mut id);
                }
            }
        }
        Payload::SelfStudyRecorded { study, record } => {
            id("study", study.as_str());
            id("member", record.member.as_str());
        }
        Payload::SelfStudyDecided { study, decision } => {
            id("study", study.as_str());
            id("member", decision.by.as_str());
        }
        Payload::RoundSaved { round, changes } => {
            id("round", round.as_str());
            for change in changes {
                match change {
                    RoundValue::Rules(rules) => {
                        for electorate in [&rules.voters, &rules.nominees] {
                            if let Electorate::List(list) = electorate {
                                members(list, &mut id);
                            }
                        }
                        if let Some(of) = &rules.runoff_of {
                            id("round", of.as_str());
                        }
                        members(rules.candidates.as_deref().unwrap_or_default(), &mut id);
                        // Excused members' notes are the rules' own check's.
                        for (member, _) in rules.appraisal.iter().flat_map(|a| &a.excused) {
                            id("member", member.as_str());
                        }
                    }
                    RoundValue::Stage(stage) => {
                        members(stage.entitled.as_deref().unwrap_or_default(), &mut id);
                        members(stage.candidates.as_deref().unwrap_or_default(), &mut id);
                        if let Some((_, digest)) = &stage.sealed {
                            frees.push(("box digest", digest));
                        }
                    }
                    // Hashes of a fixed shape, checked by `check_content`.
                    RoundValue::Codes(_) => {}
                }
            }
        }
        Payload::Nominated { round, nomination, record } => {
            id("round", round.as_str());
            id("nomination", nomination.as_str());
            id("member", record.nominee.as_str());
            id("member", record.by.as_str());
        }
        Payload::Reviewed { round, nominee, .. } => {
            id("round", round.as_str());
            id("member", nominee.as_str());
        }
        Payload::Voted { round, voter } => {
            id("round", round.as_str());
            match voter {
                Voter::Member(m) | Voter::Paper(m) => id("member", m.as_str()),
                Voter::Code(h) => frees.push(("code hash", h)),
            }
        }
        Payload::ObjectionFiled { round, objection, record } => {
            id("round", round.as_str());
            id("objection", objection.as_str());
            if let Some(about) = &record.about {
                id("member", about.as_str());
            }
        }
        Payload::ObjectionHandled { round, objection, .. } => {
            id("round", round.as_str());
            id("objection", objection.as_str());
        }
        // Their texts' lengths are the appraisal's own checks (`content`).
        Payload::SelfAssessed { round, member, .. } | Payload::AppraisalDecided { round, member, .. } => {
            id("round", round.as_str());
            id("member", member.as_str());
        }
        Payload::Commented { round, by, about, .. } => {
            id("round", round.as_str());
            id("member", by.as_str());
            id("member", about.as_str());
        }
    }
    for (what, s) in frees {
        f(what, s, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_cuts_at_a_character_boundary() {
        assert_eq!(echo("01ARZ3"), "01ARZ3");
        let long = "支".repeat(30); // 90 bytes
        assert_eq!(echo(&long).len(), 63);
        assert!(echo(&long).chars().all(|c| c == '支'));
    }

    #[test]
    fn clock_step_allows_a_long_offline_stretch_not_a_leap() {
        assert_eq!(clock_step(10, 10 + MAX_CLOCK_STEP), Ok(()));
        assert_eq!(
            clock_step(10, 11 + MAX_CLOCK_STEP),
            Err(ClockAhead { clock: 11 + MAX_CLOCK_STEP, limit: 10 + MAX_CLOCK_STEP })
        );
        assert_eq!(clock_step(u64::MAX, u64::MAX), Ok(()));
    }
}
