//! 标记为已召开: who the step marks 缺席 (asked first), who counts present
//! by their role in the meeting, and its undo.
//!
//! Holding writes one register (the meeting's status); the 缺席 of the
//! unrecorded and the presence of the role holders are derived by the
//! sheet from it, so undoing is writing the status back — nothing else to
//! unpick, and every device derives the same rows.

use crate::clock::Stamp;
use crate::event::Payload;
use crate::ids::{DeviceId, MeetingId, MemberId};
use crate::meetings::{self, Meeting, MeetingField, MeetingProblem, MeetingStatus, MeetingValue};
use crate::settings::Settings;
use crate::sheet;
use crate::state::State;
use crate::token::SecretKey;
use std::collections::BTreeSet;

/// What holding a meeting would do, for the organizer to confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldPlan {
    /// Members with nothing recorded who become 缺席, in sheet order: (id, name).
    pub absent: Vec<(MemberId, String)>,
    /// Members with nothing recorded who count as present by their role
    /// (主持人 / 讲课人 / 记录人), in sheet order: (id, name).
    pub by_role: Vec<(MemberId, String)>,
}

/// Why an undo was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndoProblem {
    /// The meeting is not (or no longer) held.
    NotHeld,
    /// It was marked held on another device (or page): only the page that
    /// held it offers the undo.
    HeldElsewhere,
    /// Someone else has changed the sheet since it was held.
    EditedSince,
}

/// The expected members with a role in the meeting: named as 主持人 (a
/// training session's 主讲人), 讲课人 or 记录人. A field may list several
/// names, split by 、，,；;/ or spaces; a field that is one name with such a
/// character in it (李,小龙) matches as a whole. Names are matched as written.
pub fn role_holders(meeting: &Meeting, state: &State, expected: &[MemberId]) -> BTreeSet<MemberId> {
    // The whole field is a name too: names may hold a separator (李,小龙).
    let names: BTreeSet<&str> = [&meeting.host, &meeting.lecturer, &meeting.recorder]
        .into_iter()
        .flat_map(|field| {
            let parts =
                field.split(|c: char| matches!(c, '、' | '，' | ',' | '；' | ';' | '/' | '／') || c.is_whitespace());
            std::iter::once(field.as_str()).chain(parts)
        })
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return BTreeSet::new();
    }
    expected
        .iter()
        .filter(|id| state.member(id).is_some_and(|m| names.contains(m.fields.name.trim())))
        .cloned()
        .collect()
}

/// Who holding the meeting would mark 缺席 and who counts present by role:
/// the rows with nothing recorded, on the sheet as it would be once held.
pub fn plan(
    state: &State,
    meeting: &Meeting,
    settings: &Settings,
    secret: Option<&SecretKey>,
) -> Result<HoldPlan, MeetingProblem> {
    let value = meetings::hold(meeting, state)?;
    let mut held = meeting.clone();
    if let MeetingValue::Status(status) = value {
        held.status = status;
    }
    let before = sheet::sheet(state, meeting, settings, secret);
    let after = sheet::sheet(state, &held, settings, secret);
    let unrecorded: BTreeSet<&MemberId> =
        before.rows.iter().filter(|r| r.status.is_none()).map(|r| &r.member).collect();
    let mut plan = HoldPlan { absent: Vec::new(), by_role: Vec::new() };
    for row in after.rows.iter().filter(|r| unrecorded.contains(&r.member)) {
        let entry = (row.member.clone(), row.name.clone());
        if row.in_role { plan.by_role.push(entry) } else { plan.absent.push(entry) }
    }
    Ok(plan)
}

/// Marks a planned meeting held (after the organizer confirmed the plan).
pub fn hold(state: &State, meeting: &Meeting) -> Result<Vec<Payload>, MeetingProblem> {
    let value = meetings::hold(meeting, state)?;
    Ok(vec![Payload::MeetingSaved { meeting: meeting.id.clone(), changes: vec![value] }])
}

/// Whether `writer` may still undo holding the meeting: it held it, and no
/// one else has recorded anything on its sheet since (a mark, a check-in,
/// leave, make-up) — a write with a later clock than the hold's.
pub fn may_undo(state: &State, meeting: &MeetingId, writer: &DeviceId) -> Result<(), UndoProblem> {
    let reg =
        state.ext.meetings.get(meeting).and_then(|t| t.0.get(&MeetingField::Status)).ok_or(UndoProblem::NotHeld)?;
    if !matches!(reg.value, MeetingValue::Status(MeetingStatus::Held { .. })) {
        return Err(UndoProblem::NotHeld);
    }
    let held = &reg.stamp;
    if &held.device != writer {
        return Err(UndoProblem::HeldElsewhere);
    }
    // A later Lamport clock: written after the writer had seen the hold
    // (or concurrently, on a tie — counted as after, to be safe).
    let later = |s: &Stamp| s.device != held.device && s.clock >= held.clock;
    let marks = state.attendance.get(meeting).into_iter().flat_map(|m| m.values()).flat_map(|r| r.stamps());
    let edited = marks.chain(sheet_stamps(state, meeting)).any(later);
    if edited { Err(UndoProblem::EditedSince) } else { Ok(()) }
}

/// Undoes holding the meeting: back to planned (the 缺席 it derived go with it).
pub fn undo(state: &State, meeting: &MeetingId, writer: &DeviceId) -> Result<Vec<Payload>, UndoProblem> {
    may_undo(state, meeting, writer)?;
    let changes = vec![MeetingValue::Status(MeetingStatus::Planned)];
    Ok(vec![Payload::MeetingSaved { meeting: meeting.clone(), changes }])
}

/// Stamps of every write on a meeting's sheet besides the marks: check-ins,
/// leave requests and answers, make-up.
fn sheet_stamps<'a>(state: &'a State, meeting: &'a MeetingId) -> impl Iterator<Item = &'a Stamp> + 'a {
    let x = &state.ext;
    let of = move |key: &(MeetingId, MemberId)| &key.0 == meeting;
    let check_ins = x.check_ins.0.iter().filter(move |(k, _)| of(k)).flat_map(|(_, r)| r.stamps());
    let requests = x.leave_requests.0.iter().filter(move |(k, _)| of(k)).flat_map(|(_, r)| r.stamps());
    let decisions = x.leave_decisions.0.iter().filter(move |(k, _)| of(k)).flat_map(|(_, r)| r.stamps());
    let make_ups = x.make_ups.0.iter().filter(move |(k, _)| of(k)).flat_map(|(_, r)| r.stamps());
    check_ins.chain(requests).chain(decisions).chain(make_ups)
}
