//! Attendance marks: one per member and meeting, last writer wins.
//!
//! The meetings issue builds check-in on this; the roster issue needs it now
//! because attendance is most of a branch's data and the stored form is
//! designed around its density.

use serde::{Deserialize, Serialize};

/// 签到 / 迟到 / 早退 / 请假 / 缺席.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    /// 签到
    Present,
    /// 迟到
    Late,
    /// 早退
    LeftEarly,
    /// 请假
    Leave,
    /// 缺席
    Absent,
}

impl AttendanceStatus {
    /// Every status, in its compact code's order.
    pub const ALL: [AttendanceStatus; 5] = [
        AttendanceStatus::Present,
        AttendanceStatus::Late,
        AttendanceStatus::LeftEarly,
        AttendanceStatus::Leave,
        AttendanceStatus::Absent,
    ];

    /// Small code for the compact stored form.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Inverse of [`AttendanceStatus::code`].
    pub fn from_code(code: u64) -> Option<Self> {
        Self::ALL.get(usize::try_from(code).ok()?).copied()
    }
}

/// A member's recorded attendance at one meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Attendance {
    /// What happened.
    #[serde(rename = "s")]
    pub status: AttendanceStatus,
    /// Check-in time, Unix seconds, when there was one.
    #[serde(rename = "at", default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// Checked in by the member themself (otherwise marked by the organizer).
    #[serde(rename = "own", default)]
    pub by_self: bool,
}
