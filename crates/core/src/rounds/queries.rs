//! What the screens read from a round: the round itself, its nominees
//! and candidates, the roll, turnout, results, the honoured, 公示's end
//! and the audit log.

use super::*;

/// A round as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// Identity.
    pub id: RoundId,
    /// Rules.
    pub rules: Rules,
    /// Stage and what it froze.
    pub stage: StageChange,
    /// Issued code hashes.
    pub codes: Vec<String>,
}

impl Round {
    /// Reads a round from its registers; `None` until it has rules.
    pub fn from_table(id: &RoundId, table: &Table<RoundField, RoundValue>) -> Option<Round> {
        let mut rules = None;
        let mut stage = StageChange {
            stage: Stage::Setup,
            at: 0,
            entitled: None,
            candidates: None,
            publicity_at: None,
            sealed: None,
        };
        let mut codes = Vec::new();
        for (_, v) in table.values() {
            match v.clone() {
                RoundValue::Rules(r) => rules = Some(r),
                RoundValue::Stage(s) => stage = s,
                RoundValue::Codes(c) => codes = c,
            }
        }
        Some(Round { id: id.clone(), rules: rules?, stage, codes })
    }

    /// When 公示 began (Unix seconds), once it has.
    pub fn publicity_start(&self) -> Option<i64> {
        self.stage.publicity_at
    }

    /// The stage.
    pub fn stage(&self) -> Stage {
        self.stage.stage
    }

    pub(crate) fn need(&self, stage: Stage) -> Result<(), RoundProblem> {
        if self.stage() == stage {
            Ok(())
        } else {
            Err(RoundProblem::WrongStage { needed: stage, actual: self.stage() })
        }
    }

    /// The stages this round goes through, for its progress and its steps.
    pub fn path(&self) -> &'static [Stage] {
        if self.rules.is_appraisal() { &crate::appraisal::PATH } else { self.stage().path() }
    }

    /// Voters entitled: frozen when voting opened, the electorate before.
    pub fn entitled(&self, state: &State) -> Vec<MemberId> {
        self.stage.entitled.clone().unwrap_or_else(|| self.rules.voters.members(state))
    }
}

/// Every round with rules, newest year first, then by id.
pub fn rounds(state: &State) -> Vec<Round> {
    let mut list: Vec<Round> = state.rounds.iter().filter_map(|(id, t)| Round::from_table(id, t)).collect();
    list.sort_by(|a, b| (b.rules.year, &a.id).cmp(&(a.rules.year, &b.id)));
    list
}

/// A nominee with every nomination of them (the first is the nomination,
/// the rest its seconders, 附议) and the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nominee {
    /// Who.
    pub member: MemberId,
    /// (nomination id, nomination), oldest first.
    pub nominations: Vec<(NominationId, Nomination)>,
    /// The organizer's review.
    pub review: Option<Review>,
}

/// The nominees of a round, in order of their first nomination.
pub fn nominees(state: &State, round: &RoundId) -> Vec<Nominee> {
    let mut by_member: BTreeMap<MemberId, Nominee> = BTreeMap::new();
    let mut order: Vec<MemberId> = Vec::new();
    for ((r, id), reg) in &state.nominations.0 {
        if r != round {
            continue;
        }
        let n = &reg.value;
        let entry = by_member.entry(n.nominee.clone()).or_insert_with(|| {
            order.push(n.nominee.clone());
            Nominee { member: n.nominee.clone(), nominations: Vec::new(), review: None }
        });
        entry.nominations.push((id.clone(), n.clone()));
    }
    // Nomination ids are time-ordered; the map iterates them in that order.
    order
        .into_iter()
        .filter_map(|m| {
            let mut n = by_member.remove(&m)?;
            n.review = state.reviews.get(&(round.clone(), m)).cloned();
            Some(n)
        })
        .collect()
}

/// The candidates (候选人): frozen when voting opened; before that, fixed
/// for a run-off, else the approved nominees.
pub fn candidates(state: &State, round: &Round) -> Vec<MemberId> {
    if let Some(frozen) = &round.stage.candidates {
        return frozen.clone();
    }
    if round.rules.is_appraisal() {
        return crate::appraisal::appraised(state, round);
    }
    match &round.rules.candidates {
        Some(fixed) => fixed.clone(),
        None => nominees(state, &round.id)
            .into_iter()
            .filter(|n| n.review.as_ref().is_some_and(|r| r.approved))
            .map(|n| n.member)
            .collect(),
    }
}

/// Whether a voter is on the roll already.
pub fn has_voted(state: &State, round: &RoundId, voter: &Voter) -> bool {
    state.roll.get(&(round.clone(), voter.clone())).copied().unwrap_or(false)
}

/// How a named voter is on the roll, if they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cast {
    /// From their own device.
    Device,
    /// On paper, entered by a record keeper.
    Paper,
}

/// Whether (and how) a named voter is on the roll.
pub fn cast_by(state: &State, round: &RoundId, member: &MemberId) -> Option<Cast> {
    if has_voted(state, round, &Voter::Member(member.clone())) {
        Some(Cast::Device)
    } else if has_voted(state, round, &Voter::Paper(member.clone())) {
        Some(Cast::Paper)
    } else {
        None
    }
}

/// Paper ballots on a round's roll (they count in the turnout too).
pub fn paper_count(state: &State, round: &RoundId) -> usize {
    state.roll.0.iter().filter(|((r, v), reg)| r == round && matches!(v, Voter::Paper(_)) && reg.value).count()
}

/// Turnout so far: (voters on the roll, entitled). Never the choices.
pub fn turnout(state: &State, round: &Round) -> (usize, usize) {
    let counted = |v: &Voter| crate::code_batches::counts(round, v);
    let voted = state.roll.0.iter().filter(|((r, v), reg)| r == &round.id && reg.value && counted(v)).count();
    (voted, crate::appraisal::raters(state, round))
}

/// The tally: only once voting has closed (results are hidden before).
pub fn results(state: &State, round: &Round) -> Option<Tally> {
    // An appraisal's count is `appraisal::results`.
    if round.stage() < Stage::Closed || round.rules.is_appraisal() {
        return None;
    }
    Some(count(state, round))
}

/// Counts the box whatever the stage (for the close and for checks).
pub fn count(state: &State, round: &Round) -> Tally {
    let candidates: BTreeSet<MemberId> = candidates(state, round).into_iter().collect();
    let rules = TallyRules {
        honours: round.rules.honours as usize,
        k: round.rules.k as usize,
        basis: round.rules.basis,
        entitled: round.entitled(state).len(),
    };
    let ballots = crate::ballot::box_of(state, &round.id);
    tally::tally(&rules, &candidates, ballots.iter().map(|b| b.choices.as_slice()))
}

/// The honoured after 公示: elected, less those whose objection was upheld.
pub fn honoured(state: &State, round: &Round) -> Vec<MemberId> {
    let Some(tally) = results(state, round) else { return Vec::new() };
    let withdrawn: BTreeSet<MemberId> = state
        .objections
        .0
        .iter()
        .filter(|((r, _), _)| r == &round.id)
        .filter(|((r, id), _)| state.handlings.get(&(r.clone(), id.clone())).is_some_and(|h| h.upheld))
        .filter_map(|(_, reg)| reg.value.about.clone())
        .collect();
    tally.elected.into_iter().filter(|m| !withdrawn.contains(m)).collect()
}

/// The last day of 公示: the `days`-th working day from `start` (counted if
/// it is one), skipping weekends and holidays, counting 调休 working days.
pub fn publicity_end(start: Date, days: u32, holidays: &[Date], workdays: &[Date]) -> Date {
    let working = |d: Date| workdays.contains(&d) || (d.weekday() <= 5 && !holidays.contains(&d));
    let (mut day, mut left) = (start, days.max(1));
    loop {
        if working(day) {
            left -= 1;
            if left == 0 {
                return day;
            }
        }
        match day.next_day() {
            Some(next) => day = next,
            None => return day,
        }
    }
}

/// The round's audit log, oldest first.
pub fn audit(state: &State, round: &RoundId) -> Vec<AuditEntry> {
    let mut list: Vec<AuditEntry> =
        state.audit.0.iter().filter(|((r, _), _)| r == round).map(|(_, reg)| reg.value.clone()).collect();
    list.sort_by_key(|e| e.at);
    list
}
