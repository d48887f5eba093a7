//! The compliance calendar (三会一课 落实情况): for a chosen year, each
//! required kind of meeting (and, for 党小组会, each 党小组) against the
//! periods its frequency sets, with which periods were met, which are
//! overdue, and what is due next.
//!
//! Periods are the branch's local months, quarters and years (`settings.zone`),
//! never UTC: a meeting at 00:30 on 1 April in Beijing is in Q2. Only a held
//! meeting meets a requirement; a planned one is listed beside it ("已安排"),
//! a cancelled one not at all.

use crate::ids::{MeetingId, RoundId};
use crate::meetings::{Audience, Frequency, Meeting, MeetingKind, MeetingStatus};
use crate::settings::Settings;
use crate::state::State;
use crate::zone::Zone;

/// Which part of the year a period is, for its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    /// A month, 1–12.
    Month(u8),
    /// A quarter, 1–4.
    Quarter(u8),
    /// The whole year.
    Year,
}

/// One period of a requirement, in the branch's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// Local start (midnight on its first day), Unix seconds, inclusive.
    pub start: i64,
    /// Local start of the next period, Unix seconds, exclusive.
    pub end: i64,
    /// The year.
    pub year: i32,
    /// Which month, quarter or the whole year.
    pub span: Span,
}

impl Period {
    /// The periods of a year for a frequency, in order (none for [`Frequency::None`]).
    pub fn of_year(year: i32, frequency: Frequency, zone: Zone) -> Vec<Period> {
        let make = |first: u8, next: u8, span| Period {
            start: zone.month_start(year, first),
            end: zone.month_start(year, next),
            year,
            span,
        };
        match frequency {
            Frequency::Monthly => (1..=12).map(|m| make(m, m + 1, Span::Month(m))).collect(),
            Frequency::Quarterly => (1..=4).map(|q| make(3 * q - 2, 3 * q + 1, Span::Quarter(q))).collect(),
            Frequency::Yearly => vec![make(1, 13, Span::Year)],
            Frequency::None => Vec::new(),
        }
    }

    /// Whether a moment falls inside it.
    pub fn contains(&self, unix: i64) -> bool {
        self.start <= unix && unix < self.end
    }
}

/// Where a period stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellStatus {
    /// Held meetings of the kind (and group) started inside it, or for
    /// 民主评议 an appraisal whose 组织评定 was made final inside it.
    Met {
        /// Those meetings, by start.
        meetings: Vec<MeetingId>,
        /// Those appraisals (民主评议 only), by when they were decided.
        appraisals: Vec<RoundId>,
    },
    /// Over by `now`, with no held meeting.
    Overdue,
    /// `now` is inside it and no meeting has been held yet.
    Due,
    /// Not yet begun.
    Upcoming,
}

/// One period of one requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The period.
    pub period: Period,
    /// Met, overdue, due or upcoming.
    pub status: CellStatus,
    /// Meetings planned (not yet held, not cancelled) inside it, by start:
    /// "已安排". They never meet the requirement.
    pub planned: Vec<MeetingId>,
}

impl Cell {
    /// Whether a held meeting met it.
    pub fn is_met(&self) -> bool {
        matches!(self.status, CellStatus::Met { .. })
    }
}

/// One required kind of meeting (and group), across the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The kind.
    pub kind: MeetingKind,
    /// The 党小组, for [`MeetingKind::Group`]; `None` for every other kind.
    pub group: Option<String>,
    /// How often, from the settings.
    pub frequency: Frequency,
    /// One cell per period, in order.
    pub cells: Vec<Cell>,
}

/// An overdue period: a requirement the branch did not meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The kind.
    pub kind: MeetingKind,
    /// The 党小组, for group meetings.
    pub group: Option<String>,
    /// The period missed.
    pub period: Period,
}

/// The compliance calendar of one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// The year.
    pub year: i32,
    /// One row per required kind (per 党小组 for group meetings), in
    /// [`MeetingKind::ALL`] order, groups as the roster sorts them.
    pub rows: Vec<Requirement>,
    /// Met cells ÷ cells that are met or overdue, per mille (rounded down).
    /// Periods not yet over and still unmet don't count against the branch;
    /// `None` when no cell is met or overdue.
    pub score_permille: Option<u32>,
    /// The overdue cells, oldest period first (rows in order within a period).
    pub gaps: Vec<Gap>,
    /// Each row's first unmet cell that is due or upcoming: (kind, group, period).
    pub next_due: Vec<(MeetingKind, Option<String>, Period)>,
}

/// The 党小组 of the active roster: distinct non-empty groups of members not
/// archived, in [`roster_order`](crate::roster_order) (第二 before 第十).
pub fn active_groups(state: &State) -> Vec<String> {
    crate::roster_order::group_names(state.members().into_iter().filter(|m| !m.archived).map(|m| m.fields.group))
}

/// Builds the calendar of `year` as it stands at `now` (Unix seconds).
pub fn calendar(state: &State, year: i32, now: i64, settings: &Settings) -> Calendar {
    let meetings = state.meetings();
    let groups = active_groups(state);
    // An appraisal counts as held when its decision is recorded (final).
    let decided: Vec<(RoundId, i64)> = crate::rounds::rounds(state)
        .into_iter()
        .filter(|r| r.rules.is_appraisal() && r.stage() == crate::rounds::Stage::Final)
        .map(|r| (r.id, r.stage.at))
        .collect();
    let mut rows = Vec::new();
    for kind in MeetingKind::ALL {
        let frequency = settings.frequency(kind);
        if frequency == Frequency::None {
            continue;
        }
        let targets: Vec<Option<String>> =
            if kind == MeetingKind::Group { groups.iter().cloned().map(Some).collect() } else { vec![None] };
        for group in targets {
            let of_row: Vec<&Meeting> = meetings
                .iter()
                .filter(|m| {
                    m.kind == kind
                        && match &group {
                            Some(g) => matches!(&m.audience, Audience::Group(a) if a == g),
                            None => true,
                        }
                })
                .collect();
            let decided = if kind == MeetingKind::Appraisal { decided.as_slice() } else { &[] };
            let cells = Period::of_year(year, frequency, settings.zone)
                .into_iter()
                .map(|period| cell(period, &of_row, decided, now))
                .collect();
            rows.push(Requirement { kind, group, frequency, cells });
        }
    }

    let (mut met, mut overdue) = (0u64, 0u64);
    let mut gaps = Vec::new();
    let mut next_due = Vec::new();
    for row in &rows {
        for c in &row.cells {
            match c.status {
                CellStatus::Met { .. } => met += 1,
                CellStatus::Overdue => {
                    overdue += 1;
                    gaps.push(Gap { kind: row.kind, group: row.group.clone(), period: c.period });
                }
                CellStatus::Due | CellStatus::Upcoming => {}
            }
        }
        if let Some(c) = row.cells.iter().find(|c| matches!(c.status, CellStatus::Due | CellStatus::Upcoming)) {
            next_due.push((row.kind, row.group.clone(), c.period));
        }
    }
    // Stable: rows keep their order within one period start.
    gaps.sort_by_key(|g| g.period.start);
    let counted = met + overdue;
    let score_permille = (counted > 0).then(|| (met * 1000 / counted) as u32);
    Calendar { year, rows, score_permille, gaps, next_due }
}

fn cell(period: Period, meetings: &[&Meeting], decided: &[(RoundId, i64)], now: i64) -> Cell {
    let inside = || meetings.iter().filter(|m| period.contains(m.start));
    let held: Vec<MeetingId> = inside().filter(|m| m.is_held()).map(|m| m.id.clone()).collect();
    let planned = inside().filter(|m| matches!(m.status, MeetingStatus::Planned)).map(|m| m.id.clone()).collect();
    let mut appraisals: Vec<&(RoundId, i64)> = decided.iter().filter(|(_, at)| period.contains(*at)).collect();
    appraisals.sort_by_key(|(id, at)| (*at, id.clone()));
    let appraisals: Vec<RoundId> = appraisals.into_iter().map(|(id, _)| id.clone()).collect();
    let status = if !held.is_empty() || !appraisals.is_empty() {
        CellStatus::Met { meetings: held, appraisals }
    } else if now >= period.end {
        CellStatus::Overdue
    } else if now >= period.start {
        CellStatus::Due
    } else {
        CellStatus::Upcoming
    };
    Cell { period, status, planned }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn at(date: &str, h: u8, m: u8, zone: Zone) -> i64 {
        zone.unix(Date::parse(date).unwrap(), h, m).unwrap()
    }

    #[test]
    fn periods_are_local() {
        let q = Period::of_year(2026, Frequency::Quarterly, Zone::CST);
        assert_eq!(q.len(), 4);
        assert_eq!(q[1].span, Span::Quarter(2));
        assert_eq!(q[1].start, at("2026-04-01", 0, 0, Zone::CST));
        assert_eq!(q[1].end, at("2026-07-01", 0, 0, Zone::CST));
        assert_eq!(q[0].end, q[1].start);
        // Midnight 1 April in Beijing is 16:00 on 31 March in UTC.
        assert_eq!(q[1].start, at("2026-03-31", 16, 0, Zone(0)));
        let m = Period::of_year(2026, Frequency::Monthly, Zone::CST);
        assert_eq!((m.len(), m[11].span), (12, Span::Month(12)));
        assert_eq!(m[11].end, at("2027-01-01", 0, 0, Zone::CST));
        let y = Period::of_year(2026, Frequency::Yearly, Zone::CST);
        assert_eq!(y, vec![Period { start: m[0].start, end: m[11].end, year: 2026, span: Span::Year }]);
        assert!(Period::of_year(2026, Frequency::None, Zone::CST).is_empty());
    }

    #[test]
    fn period_bounds_are_half_open() {
        let p = Period::of_year(2026, Frequency::Yearly, Zone::CST)[0];
        assert!(p.contains(p.start));
        assert!(p.contains(p.end - 1));
        assert!(!p.contains(p.end));
        assert!(!p.contains(p.start - 1));
    }
}
