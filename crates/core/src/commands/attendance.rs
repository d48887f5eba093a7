//! Attendance's commands: the organizer's mark, a member's own check-in
//! (by scanned token or typed code), leave asked and answered, make-up.

use super::{Act, Change};
use crate::attendance::AttendanceStatus;
use crate::checkin::{self, CheckInProblem, LeaveDecision};
use crate::event::Payload;
use crate::ids::{MeetingId, MemberId};
use crate::marking::{self, MarkProblem};
use crate::meetings::Meeting;
use crate::sheet;
use crate::state::State;
use crate::token::{SecretKey, Token};

fn meeting(state: &State, id: &MeetingId) -> Result<Meeting, CheckInProblem> {
    state.meeting(id).ok_or(CheckInProblem::UnknownMeeting)
}

/// The meeting, if the member is among those it expects (a member's own act).
fn expecting(state: &State, id: &MeetingId, member: &MemberId) -> Result<Meeting, CheckInProblem> {
    let meeting = meeting(state, id)?;
    if meeting.expected(state).contains(member) { Ok(meeting) } else { Err(CheckInProblem::NotExpected) }
}

/// The organizer's mark as it stands now. After the check-in window it is
/// a 补录, refused with [`MarkProblem::LateEntry`] unless `late_confirmed`.
pub fn mark(
    state: &State,
    act: &Act,
    (id, member): (&MeetingId, &MemberId),
    status: AttendanceStatus,
    late_confirmed: bool,
) -> Result<Change, MarkProblem> {
    let meeting = state.meeting(id).ok_or(MarkProblem::UnknownMeeting)?;
    let payloads = marking::mark(&meeting, &state.settings(), member, status, act.now(), late_confirmed)?;
    Ok(Change::keeper(payloads, ()))
}

/// A member's check-in on their own phone from a scanned QR text (a
/// link or the bare token): parsed once, the meeting it names looked up,
/// the member checked against those expected, the signature and window
/// verified offline. Returns the meeting's topic (what the phone says).
pub fn check_in_by_token(
    state: &State,
    member: &MemberId,
    text: &str,
    now: i64,
    device: &str,
) -> Result<Change<String>, CheckInProblem> {
    let token = Token::parse(text).map_err(CheckInProblem::Token)?;
    let meeting = expecting(state, &token.meeting, member)?;
    let check = checkin::by_token(&meeting, &state.settings(), &token, now, device)?;
    let payload = Payload::CheckedIn { meeting: meeting.id.clone(), member: member.clone(), check };
    Ok(Change::one(Some(member.clone()), payload, meeting.topic))
}

/// A member's check-in by the six-digit code read out at the door
/// (recorded unverified; the organizer's sheet says so).
pub fn check_in_by_code(
    state: &State,
    (id, member): (&MeetingId, &MemberId),
    code: &str,
    now: i64,
    device: &str,
) -> Result<Change, CheckInProblem> {
    let meeting = expecting(state, id, member)?;
    let check = checkin::by_code(&meeting, &state.settings(), code, now, device)?;
    let payload = Payload::CheckedIn { meeting: id.clone(), member: member.clone(), check };
    Ok(Change::one(Some(member.clone()), payload, ()))
}

/// A member's leave request (请假), made as them before the meeting starts.
pub fn request_leave(
    state: &State,
    (id, member): (&MeetingId, &MemberId),
    reason: &str,
    now: i64,
) -> Result<Change, CheckInProblem> {
    let meeting = expecting(state, id, member)?;
    let request = checkin::leave(&meeting, reason, now)?;
    let payload = Payload::LeaveRequested { meeting: id.clone(), member: member.clone(), request };
    Ok(Change::one(Some(member.clone()), payload, ()))
}

/// The organizer's answer to a leave request (准假 or not).
pub fn decide_leave(
    state: &State,
    (id, member): (&MeetingId, &MemberId),
    approved: bool,
) -> Result<Change, CheckInProblem> {
    meeting(state, id)?;
    let asked = state.leave_requests.get(&(id.clone(), member.clone())).is_some_and(|r| !r.withdrawn);
    if !asked {
        return Err(CheckInProblem::NoLeaveRequest);
    }
    let decision = LeaveDecision { approved, note: String::new() };
    Ok(Change::keeper(vec![Payload::LeaveDecided { meeting: id.clone(), member: member.clone(), decision }], ()))
}

/// What the make-up form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MakeUpEntry {
    /// When it was done (YYYY-MM-DD).
    pub date: String,
    /// What was studied.
    pub what: String,
    /// Who confirmed it.
    pub confirmed_by: String,
}

/// Make-up study (补课) for a member the held meeting's sheet shows as
/// missing it; `secret` verifies scanned check-ins as the sheet does.
pub fn make_up(
    state: &State,
    act: &Act,
    (id, member): (&MeetingId, &MemberId),
    form: &MakeUpEntry,
    secret: Option<&SecretKey>,
) -> Result<Change, CheckInProblem> {
    let meeting = meeting(state, id)?;
    let settings = state.settings();
    let row = sheet::row(state, &meeting, &settings, secret, member);
    let missed = row.and_then(|r| r.status).is_some_and(|s| !sheet::attended(s));
    let today = settings.zone.local(act.now()).date();
    let day = settings.zone.local(meeting.start).date();
    let make_up = checkin::make_up(&meeting, missed, &form.date, &form.what, &form.confirmed_by, today, day)?;
    Ok(Change::keeper(vec![Payload::MadeUp { meeting: id.clone(), member: member.clone(), make_up }], ()))
}
