//! Self check-in, leave and make-up study: what members do about a meeting,
//! and the rules that accept or refuse it (window, lateness, leave before
//! the meeting only).

use crate::attendance::AttendanceStatus;
use crate::date::Date;
use crate::meetings::{Meeting, MeetingStatus};
use crate::settings::Settings;
use crate::token::{PublicKey, Token, TokenError};
use serde::{Deserialize, Serialize};

/// How a self check-in proves presence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proof {
    /// A scanned QR token (text form), verifiable by anyone with the public key.
    Token(String),
    /// A typed six-digit code: only the organizer's key can check it.
    Code(String),
}

/// A member's own check-in (签到), made on their phone.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CheckIn {
    /// When, Unix seconds: the token's window for a scan, the phone's clock for a code.
    pub at: i64,
    /// The phone it was made on (a stable id kept on that phone), so a
    /// sheet can show two members checked in from one phone (代签).
    pub device: String,
    /// The proof.
    pub proof: Proof,
}

/// A leave request (请假), asked before the meeting.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeaveRequest {
    /// 事由
    pub reason: String,
    /// Withdrawn by the member.
    #[serde(default)]
    pub withdrawn: bool,
}

/// The organizer's answer to a leave request.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeaveDecision {
    /// Approved (准假) or refused.
    pub approved: bool,
    /// Optional note.
    #[serde(default)]
    pub note: String,
}

/// Make-up study (补课) for someone who missed a meeting.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MakeUp {
    /// When it was done.
    pub date: Date,
    /// What was studied.
    pub what: String,
    /// Who confirmed it.
    pub confirmed_by: String,
}

/// Why a check-in, leave request or make-up was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckInProblem {
    /// Check-in has not opened; it opens at this Unix time.
    NotOpenYet(i64),
    /// The meeting has ended.
    Closed,
    /// The meeting was cancelled.
    Cancelled,
    /// The member is not among those expected.
    NotExpected,
    /// The scanned token was refused.
    Token(TokenError),
    /// The branch has no organizer key yet (nothing to verify against).
    NoKey,
    /// The typed code is not six digits.
    BadCode,
    /// Leave must be asked before the meeting starts.
    LeaveTooLate,
    /// A reason or description is required.
    TextRequired,
    /// A text is longer than allowed (characters).
    TooLong(usize),
    /// Make-up study is for members who missed the meeting.
    NotMissed,
    /// The date is not a date, or in the future, or before the meeting.
    BadDate,
    /// No such meeting in these records.
    UnknownMeeting,
    /// An answer to leave nobody asked for.
    NoLeaveRequest,
}

/// Longest leave reason or make-up description, in characters.
pub const MAX_REASON: usize = 200;

/// When check-in is open: from the setting's minutes before the start
/// until the end.
pub fn window(meeting: &Meeting, settings: &Settings) -> (i64, i64) {
    (meeting.start - i64::from(settings.check_in_opens) * 60, meeting.end())
}

/// Whether a check-in at `at` is inside the window of a meeting that can take one.
pub fn check_open(meeting: &Meeting, settings: &Settings, at: i64) -> Result<(), CheckInProblem> {
    if meeting.is_cancelled() {
        return Err(CheckInProblem::Cancelled);
    }
    let (open, close) = window(meeting, settings);
    if at < open {
        Err(CheckInProblem::NotOpenYet(open))
    } else if at > close {
        Err(CheckInProblem::Closed)
    } else {
        Ok(())
    }
}

/// 签到 or 迟到, from the check-in time and the grace setting.
pub fn status_at(meeting: &Meeting, settings: &Settings, at: i64) -> AttendanceStatus {
    if at > meeting.start + i64::from(settings.late_grace) * 60 {
        AttendanceStatus::Late
    } else {
        AttendanceStatus::Present
    }
}

/// Accepts a scanned token on the member's phone: verified offline, inside
/// the window. The check-in's time is the token's (signed), not the phone's.
pub fn by_token(
    meeting: &Meeting,
    settings: &Settings,
    token: &Token,
    now: i64,
    device: &str,
) -> Result<CheckIn, CheckInProblem> {
    let key = settings.organizer_key.as_deref().and_then(PublicKey::parse).ok_or(CheckInProblem::NoKey)?;
    token.verify(&key, &meeting.id, now).map_err(CheckInProblem::Token)?;
    check_open(meeting, settings, now)?;
    Ok(CheckIn { at: token.time(), device: device.to_owned(), proof: Proof::Token(token.to_text()) })
}

/// Accepts a typed code on the member's phone: recorded unverified.
pub fn by_code(
    meeting: &Meeting,
    settings: &Settings,
    code: &str,
    now: i64,
    device: &str,
) -> Result<CheckIn, CheckInProblem> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CheckInProblem::BadCode);
    }
    check_open(meeting, settings, now)?;
    Ok(CheckIn { at: now, device: device.to_owned(), proof: Proof::Code(code.to_owned()) })
}

/// A leave request, refused once the meeting has started or been held.
pub fn leave(meeting: &Meeting, reason: &str, now: i64) -> Result<LeaveRequest, CheckInProblem> {
    match meeting.status {
        MeetingStatus::Cancelled { .. } => return Err(CheckInProblem::Cancelled),
        MeetingStatus::Held { .. } => return Err(CheckInProblem::LeaveTooLate),
        MeetingStatus::Planned if now >= meeting.start => return Err(CheckInProblem::LeaveTooLate),
        MeetingStatus::Planned => {}
    }
    let reason = text(reason)?;
    Ok(LeaveRequest { reason, withdrawn: false })
}

/// A make-up record for a member who missed a held meeting.
pub fn make_up(
    meeting: &Meeting,
    missed: bool,
    date: &str,
    what: &str,
    confirmed_by: &str,
    today: Date,
    meeting_day: Date,
) -> Result<MakeUp, CheckInProblem> {
    if !meeting.is_held() || !missed {
        return Err(CheckInProblem::NotMissed);
    }
    let date = Date::parse(date).filter(|d| *d <= today && *d >= meeting_day).ok_or(CheckInProblem::BadDate)?;
    Ok(MakeUp { date, what: text(what)?, confirmed_by: text(confirmed_by)? })
}

fn text(s: &str) -> Result<String, CheckInProblem> {
    let s = s.trim();
    if s.is_empty() {
        Err(CheckInProblem::TextRequired)
    } else if s.chars().count() > MAX_REASON {
        Err(CheckInProblem::TooLong(MAX_REASON))
    } else {
        Ok(s.to_owned())
    }
}
