//! What a class came to: who attended each session (proven), each
//! member's 学时 and completion, coverage, and 培训全覆盖 over a year.

use super::*;

/// Who attended a meeting, proven: the organizer's mark or a verified own
/// check-in (an unverified code does not count until checked).
pub fn attendees(state: &State, meeting: &Meeting, settings: &Settings, secret: Option<&SecretKey>) -> Vec<MemberId> {
    sheet::sheet(state, meeting, settings, secret)
        .rows
        .into_iter()
        .filter(|r| {
            r.status.is_some_and(sheet::attended)
                && matches!(r.source, Some(Source::Organizer | Source::LateEntry | Source::Verified))
        })
        .map(|r| r.member)
        .collect()
}

/// One member's line in a class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassLine {
    /// The member.
    pub member: MemberId,
    /// Per session (in the report's order): attended.
    pub attended: Vec<bool>,
    /// 学时 earned in the class, tenths.
    pub earned: u32,
    /// Reached the completion threshold.
    pub completed: bool,
    /// In the class's target roster (someone outside it may still attend).
    pub targeted: bool,
}

/// A class with its sessions, attendance, completion and coverage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassReport {
    /// The class.
    pub class: Class,
    /// Its sessions, not cancelled, by start.
    pub sessions: Vec<Meeting>,
    /// Each session's 学时, tenths.
    pub credits: Vec<u32>,
    /// The class's 学时, tenths.
    pub total: u32,
    /// 学时 needed to complete, tenths.
    pub needed: u32,
    /// Target roster first (roster order), then others who attended.
    pub lines: Vec<ClassLine>,
    /// Coverage.
    pub coverage: Coverage,
}

/// 覆盖率: of a target roster, who attended at least one session and who completed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Members targeted.
    pub targeted: usize,
    /// Of them, attended at least one session.
    pub attended: usize,
    /// Of them, completed.
    pub completed: usize,
    /// Targeted members who attended nothing, in roster order.
    pub missing: Vec<MemberId>,
}

impl Coverage {
    /// Share who attended, per mille; `None` with nobody targeted.
    pub fn attended_permille(&self) -> Option<u32> {
        permille(self.attended, self.targeted)
    }

    /// Share who completed, per mille.
    pub fn completed_permille(&self) -> Option<u32> {
        permille(self.completed, self.targeted)
    }

    /// 培训全覆盖: everyone targeted attended.
    pub fn full(&self) -> bool {
        self.targeted > 0 && self.missing.is_empty()
    }
}

pub(super) fn permille(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| (part * 1000 / whole) as u32)
}

/// The report of one class.
pub fn report(state: &State, class: &Class, settings: &Settings, secret: Option<&SecretKey>) -> ClassReport {
    let sessions = class.sessions(state);
    let credits: Vec<u32> = sessions.iter().map(|s| hours::credit(s, settings)).collect();
    let total: u32 = credits.iter().sum();
    // Rounded up: 80% of 2.5 学时 is 2 学时, not 1.9.
    let needed = (u64::from(total) * u64::from(class.completion(settings))).div_ceil(100) as u32;
    let present: Vec<BTreeSet<MemberId>> =
        sessions.iter().map(|s| attendees(state, s, settings, secret).into_iter().collect()).collect();
    // The class's 台账 lists people as the roster does: by 党小组, post, name.
    let in_roster_order = |ids: &mut Vec<MemberId>| {
        ids.sort_by_cached_key(|m| state.member(m).map(|m| crate::roster_order::member_key(&m)));
    };
    let mut target = class.audience.expected(state);
    in_roster_order(&mut target);
    let targeted: BTreeSet<&MemberId> = target.iter().collect();
    let mut others: Vec<MemberId> = present
        .iter()
        .flatten()
        .filter(|m| !targeted.contains(m))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    in_roster_order(&mut others);
    let line = |member: &MemberId, targeted: bool| {
        let attended: Vec<bool> = present.iter().map(|p| p.contains(member)).collect();
        let earned = attended.iter().zip(&credits).filter(|(a, _)| **a).map(|(_, c)| *c).sum();
        ClassLine { member: member.clone(), completed: earned > 0 && earned >= needed, earned, attended, targeted }
    };
    let lines: Vec<ClassLine> =
        target.iter().map(|m| line(m, true)).chain(others.iter().map(|m| line(m, false))).collect();
    let mut coverage = Coverage { targeted: target.len(), ..Coverage::default() };
    for l in lines.iter().filter(|l| l.targeted) {
        if l.attended.contains(&true) {
            coverage.attended += 1;
        } else {
            coverage.missing.push(l.member.clone());
        }
        coverage.completed += usize::from(l.completed);
    }
    ClassReport { class: class.clone(), sessions, credits, total, needed, lines, coverage }
}

/// Coverage over a year's classes: the union of their target rosters; a
/// member counts as attended with any session of a class aimed at them,
/// and as completed when they completed every class aimed at them.
pub fn year_coverage(reports: &[ClassReport]) -> Coverage {
    let mut by_member: BTreeMap<&MemberId, (bool, bool)> = BTreeMap::new();
    let mut order: Vec<&MemberId> = Vec::new();
    // A class with no sessions yet has nothing to complete.
    for report in reports.iter().filter(|r| r.total > 0) {
        for line in report.lines.iter().filter(|l| l.targeted) {
            let entry = by_member.entry(&line.member).or_insert_with(|| {
                order.push(&line.member);
                (false, true)
            });
            entry.0 |= line.attended.contains(&true);
            entry.1 &= line.completed;
        }
    }
    let mut coverage = Coverage { targeted: order.len(), ..Coverage::default() };
    for member in order {
        let (attended, completed) = by_member[member];
        if attended {
            coverage.attended += 1;
        } else {
            coverage.missing.push(member.clone());
        }
        coverage.completed += usize::from(completed);
    }
    coverage
}
