//! The organizer's marks on a meeting's sheet, and 补录: a mark typed in
//! after the check-in window closed (a paper sign-in entered later).
//!
//! Whether a mark is 补录 is read from the mark's own time and the
//! meeting's window — both carried by registers — so every device decides
//! the same after a merge in any order; nothing new is stored.

use crate::attendance::{Attendance, AttendanceStatus};
use crate::checkin;
use crate::event::Payload;
use crate::ids::MemberId;
use crate::meetings::Meeting;
use crate::settings::Settings;

/// Why a mark was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkProblem {
    /// No such meeting in these records.
    UnknownMeeting,
    /// The meeting was cancelled.
    Cancelled,
    /// Check-in opens at this Unix time: nobody can be 签到 / 迟到 / 早退 /
    /// 缺席 before (请假 can be known ahead).
    NotOpenYet(i64),
    /// Check-in closed at this Unix time: a mark now is a 补录, which the
    /// organizer confirms first.
    LateEntry(i64),
}

/// Records the organizer's mark at `now` (Unix seconds). After the window
/// the mark is refused with [`MarkProblem::LateEntry`] unless `late_confirmed`.
pub fn mark(
    meeting: &Meeting,
    settings: &Settings,
    member: &MemberId,
    status: AttendanceStatus,
    now: i64,
    late_confirmed: bool,
) -> Result<Vec<Payload>, MarkProblem> {
    if meeting.is_cancelled() {
        return Err(MarkProblem::Cancelled);
    }
    let (open, close) = checkin::window(meeting, settings);
    if now < open && status != AttendanceStatus::Leave {
        return Err(MarkProblem::NotOpenYet(open));
    }
    if now > close && !late_confirmed {
        return Err(MarkProblem::LateEntry(close));
    }
    let mark = Attendance { status, at: Some(now), by_self: false };
    Ok(vec![Payload::AttendanceMarked { meeting: meeting.id.clone(), member: member.clone(), mark }])
}

/// Whether an organizer's mark is a 补录: made after the window closed.
pub fn is_late_entry(meeting: &Meeting, settings: &Settings, mark: &Attendance) -> bool {
    let (_, close) = checkin::window(meeting, settings);
    !mark.by_self && mark.at.is_some_and(|at| at > close)
}
