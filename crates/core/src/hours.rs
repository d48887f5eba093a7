//! 学时: the counting rule, each member's yearly target, and each member's
//! hours in a calendar year (in the branch's zone) from training sessions,
//! meetings of the kinds the branch counts, and confirmed self-study.
//! Hours are kept in tenths so 1.5 学时 adds up exactly.

use crate::date::Date;
use crate::ids::MemberId;
use crate::meetings::Meeting;
use crate::roster::Role;
use crate::settings::Settings;
use crate::state::{Member, State};
use crate::study::{self, StudyState};
use crate::token::SecretKey;
use crate::training;
use std::collections::BTreeMap;

/// Most 学时 in one day (a session, or a member's self-study that day), tenths.
pub const MAX_DAY: u32 = 240;
/// A session this long or longer is a full day.
pub const FULL_DAY_MINUTES: u32 = 6 * 60;
/// A session this long or longer (and shorter than a full day) is a half day.
pub const HALF_DAY_MINUTES: u32 = 3 * 60;

/// Reads hours as people type them (`2`, `1.5`, `1.5学时`, `3h`) into tenths;
/// at most one decimal, never negative.
pub fn parse(text: &str) -> Option<u32> {
    let text = text.trim().trim_end_matches("学时").trim_end_matches(['h', 'H']).trim();
    let (whole, tenth) = match text.split_once(['.', '。']) {
        Some((w, t)) => (w, t),
        None => (text, "0"),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(tenth) || tenth.len() > 1 || whole.len() > 4 {
        return None;
    }
    Some(whole.parse::<u32>().ok()? * 10 + tenth.parse::<u32>().ok()?)
}

/// Tenths as text: `8`, `1.5`.
pub fn format(tenths: u32) -> String {
    if tenths.is_multiple_of(10) { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// The counting rule: a full day (≥ 6 h) earns the full-day 学时, a half
/// day (≥ 3 h) the half-day 学时, anything shorter 1 学时 per hour in whole
/// half hours. Tenths.
pub fn rule(minutes: u32, settings: &Settings) -> u32 {
    if minutes >= FULL_DAY_MINUTES {
        settings.full_day_hours * 10
    } else if minutes >= HALF_DAY_MINUTES {
        settings.half_day_hours * 10
    } else {
        minutes / 30 * 5
    }
}

/// What a meeting or session credits its attendees, tenths: the organizer's
/// override or the rule.
pub fn credit(meeting: &Meeting, settings: &Settings) -> u32 {
    meeting.credit.unwrap_or_else(|| rule(meeting.minutes, settings))
}

/// A member's yearly target in whole 学时.
pub fn target(role: Role, settings: &Settings) -> u32 {
    if role.is_committee() { settings.target_committee } else { settings.target_member }
}

/// One member's year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberHours {
    /// The member.
    pub member: Member,
    /// Target, tenths.
    pub target: u32,
    /// From training sessions, tenths.
    pub training: u32,
    /// From meetings the branch counts, tenths.
    pub meetings: u32,
    /// From confirmed self-study, tenths.
    pub self_study: u32,
    /// Self-study waiting for confirmation, tenths.
    pub pending: u32,
}

impl MemberHours {
    /// Everything that counts, tenths.
    pub fn total(&self) -> u32 {
        self.training + self.meetings + self.self_study
    }

    /// What is left to reach the target, tenths.
    pub fn left(&self) -> u32 {
        self.target.saturating_sub(self.total())
    }

    /// 年老体弱: shown, never counted as behind.
    pub fn exempt(&self) -> bool {
        self.member.fields.exempt
    }

    /// Short of the target and not exempt.
    pub fn behind(&self) -> bool {
        !self.exempt() && self.left() > 0
    }

    /// Share of the target reached, per mille (capped at 1000).
    pub fn progress_permille(&self) -> u32 {
        (self.total() * 1000).checked_div(self.target).map_or(1000, |p| p.min(1000))
    }
}

/// Where a member's credited hour came from: for a member's own list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    /// When (Unix seconds for meetings, the day's midnight for self-study).
    pub at: i64,
    /// The meeting, when it was one.
    pub meeting: Option<Meeting>,
    /// The self-study, when it was one.
    pub study: Option<crate::ids::StudyId>,
    /// 学时, tenths.
    pub tenths: u32,
}

/// Every active member's hours in a year, plus the branch's hours by month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearHours {
    /// The year.
    pub year: i32,
    /// Active members in roster order.
    pub lines: Vec<MemberHours>,
    /// All members' credited hours by month (January first), tenths.
    pub months: [u32; 12],
    /// Every credit, by member.
    pub credits: BTreeMap<MemberId, Vec<Credit>>,
}

/// Meetings and sessions of a year that earn hours: not cancelled, of a
/// kind that counts, starting in that year in the branch's zone.
pub fn counted_meetings(state: &State, year: i32, settings: &Settings) -> Vec<Meeting> {
    state
        .meetings()
        .into_iter()
        .filter(|m| !m.is_cancelled() && settings.counts_hours(m.kind) && settings.zone.local(m.start).year == year)
        .collect()
}

/// Each active member's hours in `year`.
pub fn year(state: &State, year: i32, settings: &Settings, secret: Option<&SecretKey>) -> YearHours {
    let zone = settings.zone;
    let mut members: Vec<Member> = state.members().into_iter().filter(|m| !m.archived).collect();
    members.sort_by_cached_key(crate::roster_order::member_key);
    let mut lines: BTreeMap<MemberId, MemberHours> = members
        .iter()
        .map(|m| {
            let target = target(m.fields.role, settings) * 10;
            (
                m.id.clone(),
                MemberHours { member: m.clone(), target, training: 0, meetings: 0, self_study: 0, pending: 0 },
            )
        })
        .collect();
    let mut months = [0u32; 12];
    let mut credits: BTreeMap<MemberId, Vec<Credit>> = BTreeMap::new();
    for meeting in counted_meetings(state, year, settings) {
        let tenths = credit(&meeting, settings);
        let month = usize::from(zone.local(meeting.start).month) - 1;
        for member in training::attendees(state, &meeting, settings, secret) {
            let Some(line) = lines.get_mut(&member) else { continue };
            if training::is_training(&meeting) {
                line.training += tenths;
            } else {
                line.meetings += tenths;
            }
            months[month] += tenths;
            let at = meeting.start;
            credits.entry(member).or_default().push(Credit { at, meeting: Some(meeting.clone()), study: None, tenths });
        }
    }
    for entry in study::entries(state, settings) {
        let (y, m, _) = entry.study.date.ymd();
        let Some(line) = lines.get_mut(&entry.study.member).filter(|_| y == year) else { continue };
        match entry.state {
            StudyState::Confirmed => {
                line.self_study += entry.study.tenths;
                months[usize::from(m) - 1] += entry.study.tenths;
                let at = zone.unix(entry.study.date, 0, 0).unwrap_or_default();
                credits.entry(entry.study.member.clone()).or_default().push(Credit {
                    at,
                    meeting: None,
                    study: Some(entry.id.clone()),
                    tenths: entry.study.tenths,
                });
            }
            StudyState::Pending => line.pending += entry.study.tenths,
            StudyState::Refused | StudyState::Withdrawn => {}
        }
    }
    for list in credits.values_mut() {
        list.sort_by_key(|c| c.at);
    }
    let lines = members.iter().filter_map(|m| lines.remove(&m.id)).collect();
    YearHours { year, lines, months, credits }
}

/// Days left in `year`, today included (in the branch's zone); 0 once it is over.
pub fn days_left(year: i32, now: i64, settings: &Settings) -> u32 {
    let zone = settings.zone;
    let end = Date::from_ymd(year + 1, 1, 1).and_then(|d| zone.unix(d, 0, 0)).unwrap_or(i64::MAX);
    let today = zone.local(now).date();
    let start_of_today = zone.unix(today, 0, 0).unwrap_or(now);
    let start = Date::from_ymd(year, 1, 1).and_then(|d| zone.unix(d, 0, 0)).unwrap_or(i64::MIN);
    ((end - start_of_today.max(start)).max(0) / 86_400) as u32
}
