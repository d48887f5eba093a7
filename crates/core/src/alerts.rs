//! What the branch must notice about its members' organisational life
//! (`domain.md`): repeated unexcused absences (缺席, usually a talk after
//! three in a year) and the serious case, no organisational life for six
//! months in a row. Also each month's 出勤率 and one member's year, for the
//! charts and the member's own page.
//!
//! Everything is read from the attendance sheets of held meetings
//! ([`sheet::sheet`] without the organizer's key), so every device computes
//! the same alerts from the same events.

use crate::attendance::AttendanceStatus;
use crate::checkin::MakeUp;
use crate::ids::{MeetingId, MemberId};
use crate::meetings::{Meeting, MeetingKind};
use crate::search::sort_key;
use crate::settings::Settings;
use crate::sheet::{self, Row, Source};
use crate::state::State;
use crate::token::SecretKey;
use crate::zone::Zone;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// Something about a member the branch should act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// At least `settings.absence_alert` unexcused absences (缺席) at held
    /// meetings in the year. Approved leave (请假) is not an absence.
    Absences {
        /// The member.
        member: MemberId,
        /// How many.
        count: u32,
        /// The meetings missed, by start.
        meetings: Vec<MeetingId>,
    },
    /// No organisational life for `settings.gap_alert_months` whole months
    /// or more, up to now, while the branch held meetings they were expected at.
    NoOrganisationalLife {
        /// The member.
        member: MemberId,
        /// Whole months since their last attendance (or, if they never
        /// attended, since the first held meeting they were expected at).
        months: u32,
        /// Their last attendance or make-up study, Unix seconds (a make-up
        /// counts from local midnight of its date); `None` if never.
        last_attended: Option<i64>,
    },
}

impl Alert {
    /// The member it is about.
    pub fn member(&self) -> &MemberId {
        match self {
            Alert::Absences { member, .. } | Alert::NoOrganisationalLife { member, .. } => member,
        }
    }

    /// Whether it is the serious case (six months without organisational life).
    pub fn is_serious(&self) -> bool {
        matches!(self, Alert::NoOrganisationalLife { .. })
    }
}

/// One held meeting a member was expected at, as their page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberLine {
    /// The meeting.
    pub meeting: MeetingId,
    /// Its kind.
    pub kind: MeetingKind,
    /// 主题
    pub topic: String,
    /// Start, Unix seconds.
    pub start: i64,
    /// The member's state on the sheet (a held meeting always has one:
    /// with nothing recorded it is 缺席, or 请假 with approved leave).
    pub status: AttendanceStatus,
    /// How it was recorded.
    pub source: Option<Source>,
    /// Make-up study (补课), if recorded.
    pub make_up: Option<MakeUp>,
}

impl MemberLine {
    /// Whether the member took part: present, late or left early (as the
    /// sheet says, a self check-in still awaiting its code check included),
    /// or made it up.
    pub fn took_part(&self) -> bool {
        sheet::attended(self.status) || self.make_up.is_some()
    }
}

/// Held meetings, by start; only those starting in `year` (local) when given.
pub(crate) fn held(state: &State, year: Option<i32>, zone: Zone) -> Vec<Meeting> {
    state.meetings().into_iter().filter(|m| m.is_held() && year.is_none_or(|y| zone.local(m.start).year == y)).collect()
}

fn line(meeting: &Meeting, row: Row) -> MemberLine {
    MemberLine {
        meeting: meeting.id.clone(),
        kind: meeting.kind,
        topic: meeting.topic.clone(),
        start: meeting.start,
        status: row.status.unwrap_or(AttendanceStatus::Absent),
        source: row.source,
        make_up: row.make_up,
    }
}

/// Every expected member's line at every given meeting, by member, each
/// member's lines by start.
fn lines_by_member(
    state: &State,
    meetings: &[Meeting],
    settings: &Settings,
    secret: Option<&SecretKey>,
) -> BTreeMap<MemberId, Vec<MemberLine>> {
    let mut out: BTreeMap<MemberId, Vec<MemberLine>> = BTreeMap::new();
    for meeting in meetings {
        for row in sheet::sheet(state, meeting, settings, secret).rows {
            out.entry(row.member.clone()).or_default().push(line(meeting, row));
        }
    }
    out
}

/// Whole months from `from` to `to` on the branch's wall clock: 15 January
/// to 15 July is six, to 14 July five. Zero if `to` is not after `from`.
pub fn whole_months(from: i64, to: i64, zone: Zone) -> u32 {
    if to <= from {
        return 0;
    }
    let (a, b) = (zone.local(from), zone.local(to));
    let months = (i64::from(b.year) * 12 + i64::from(b.month)) - (i64::from(a.year) * 12 + i64::from(a.month));
    let short = (b.day, b.hour, b.minute) < (a.day, a.hour, a.minute);
    u32::try_from(months - i64::from(short)).unwrap_or(0)
}

/// The alerts for `year` as they stand at `now` (Unix seconds), most serious
/// first (no organisational life, longest first; then absences, most
/// first), then by name in 拼音 order.
///
/// Only members on the active roster get alerts (not archived, name known).
/// Absences count held meetings starting in `year`. The six-month gap is
/// read over every held meeting up to `now`, across years, and is only
/// raised when the member missed at least one held meeting they were
/// expected at in that time (months with no meetings at all are the
/// branch's gap, which the compliance calendar shows). A threshold of 0
/// turns its alert off. `secret` is the organizer's key where this device
/// holds it: typed codes are then checked (see [`sheet::judge`]).
pub fn alerts(state: &State, year: i32, now: i64, settings: &Settings, secret: Option<&SecretKey>) -> Vec<Alert> {
    let zone = settings.zone;
    let past: Vec<Meeting> = held(state, None, zone).into_iter().filter(|m| m.start <= now).collect();
    let year_meetings: Vec<Meeting> = held(state, Some(year), zone);
    let past_lines = lines_by_member(state, &past, settings, secret);
    let year_lines = lines_by_member(state, &year_meetings, settings, secret);

    let mut found: Vec<(Alert, String)> = Vec::new();
    for member in state.members().into_iter().filter(|m| !m.archived) {
        let name = member.fields.name;
        if settings.gap_alert_months > 0
            && let Some(lines) = past_lines.get(&member.id)
            && let Some(alert) = gap(&member.id, lines, now, settings)
        {
            found.push((alert, name.clone()));
        }
        if settings.absence_alert > 0 {
            let missed: Vec<MeetingId> = year_lines
                .get(&member.id)
                .into_iter()
                .flatten()
                .filter(|l| l.status == AttendanceStatus::Absent)
                .map(|l| l.meeting.clone())
                .collect();
            let count = missed.len() as u32;
            if count >= settings.absence_alert {
                found.push((Alert::Absences { member: member.id, count, meetings: missed }, name));
            }
        }
    }
    found.sort_by_cached_key(|(alert, name)| {
        let (rank, weight) = match alert {
            Alert::NoOrganisationalLife { months, .. } => (0, *months),
            Alert::Absences { count, .. } => (1, *count),
        };
        (rank, Reverse(weight), sort_key(name), name.clone(), alert.member().clone())
    });
    found.into_iter().map(|(alert, _)| alert).collect()
}

fn gap(member: &MemberId, lines: &[MemberLine], now: i64, settings: &Settings) -> Option<Alert> {
    let zone = settings.zone;
    let first_expected = lines.first()?.start;
    let last_attended = lines
        .iter()
        .flat_map(|l| {
            let present = sheet::attended(l.status).then_some(l.start);
            let made_up = l.make_up.as_ref().and_then(|m| zone.unix(m.date, 0, 0)).filter(|t| *t <= now);
            [present, made_up]
        })
        .flatten()
        .max();
    let from = last_attended.unwrap_or(first_expected);
    // A held meeting they were expected at and missed since then (the first
    // one itself, if they never attended).
    let missed_since = lines.iter().any(|l| l.start > from || (last_attended.is_none() && l.start == from));
    let months = whole_months(from, now, zone);
    (missed_since && months >= settings.gap_alert_months).then(|| Alert::NoOrganisationalLife {
        member: member.clone(),
        months,
        last_attended,
    })
}

/// 出勤率 per local month of `year`, per mille (rounded down): 实到 ÷ 应到
/// summed over the month's held meetings, as their sheets count them (a
/// self check-in still awaiting its code check is not yet 实到). `None` for
/// a month without held meetings. `secret` as for [`alerts`].
pub fn monthly_rates(state: &State, year: i32, settings: &Settings, secret: Option<&SecretKey>) -> [Option<u32>; 12] {
    let mut sums = [(0usize, 0usize); 12];
    for meeting in held(state, Some(year), settings.zone) {
        let month = usize::from(settings.zone.local(meeting.start).month) - 1;
        let (counts, _) = sheet::summary(state, &meeting, settings, secret);
        sums[month].0 += counts.present;
        sums[month].1 += counts.expected;
    }
    sums.map(|(present, expected)| (expected > 0).then(|| (present * 1000 / expected) as u32))
}

/// Each held meeting starting in `year` that `member` was expected at, by
/// start, with their state, its source and any make-up study. `secret` as
/// for [`alerts`].
pub fn member_year(
    state: &State,
    member: &MemberId,
    year: i32,
    settings: &Settings,
    secret: Option<&SecretKey>,
) -> Vec<MemberLine> {
    held(state, Some(year), settings.zone)
        .into_iter()
        .filter_map(|m| {
            let row = sheet::row(state, &m, settings, secret, member)?;
            Some(line(&m, row))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn at(date: &str, h: u8, m: u8) -> i64 {
        Zone::CST.unix(Date::parse(date).unwrap(), h, m).unwrap()
    }

    #[test]
    fn whole_months_count_on_the_local_calendar() {
        let from = at("2026-01-15", 14, 0);
        assert_eq!(whole_months(from, at("2026-07-15", 14, 0), Zone::CST), 6);
        assert_eq!(whole_months(from, at("2026-07-15", 13, 59), Zone::CST), 5);
        assert_eq!(whole_months(from, at("2026-07-14", 23, 0), Zone::CST), 5);
        assert_eq!(whole_months(from, from, Zone::CST), 0);
        assert_eq!(whole_months(from, from - 86_400 * 90, Zone::CST), 0);
        // Across the year: 2025-11-30 to 2026-05-30 is six months.
        assert_eq!(whole_months(at("2025-11-30", 9, 0), at("2026-05-30", 9, 0), Zone::CST), 6);
        // 31 January 23:00 to 1 March 00:30 in Beijing is one month; the
        // same moments in UTC (31 Jan 15:00 to 28 Feb 16:30) are none.
        assert_eq!(whole_months(at("2026-01-31", 23, 0), at("2026-03-01", 0, 30), Zone::CST), 1);
        assert_eq!(whole_months(at("2026-01-31", 23, 0), at("2026-03-01", 0, 30), Zone(0)), 0);
        assert_eq!(whole_months(at("2026-12-31", 23, 0), at("2027-01-31", 23, 0), Zone::CST), 1);
        assert_eq!(whole_months(at("2026-12-31", 23, 0), at("2027-01-31", 22, 59), Zone::CST), 0);
    }
}
