//! What a count leads to, and so what the organizer is offered at 计票:
//! 公示 when someone was elected; a run-off (再次投票) for a tie at the
//! cut-off or for honours nobody filled; an end without a result (结束，
//! 无人当选) when nobody was elected. [`crate::rounds::advance`] keeps to
//! [`after_count`], and the round page shows exactly what it says.
//!
//! The run-off for unfilled honours follows 另行选举: its candidates are the
//! ones with most votes among those not elected, one more than the places
//! left (差额), everyone level with the last of them included, since a tie
//! is never cut silently. A candidate without a vote is not among them.

use crate::ids::MemberId;
use crate::rounds::{Electorate, Round, RoundProblem, Rules, Stage, results};
use crate::state::State;
use crate::tally::Tally;

/// Why a run-off is offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunoffWhy {
    /// Candidates tied at the cut-off, all past the threshold.
    Tie,
    /// Honours left because too few passed the threshold.
    Unfilled,
}

/// A run-off the rules allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runoff {
    /// Why it is offered.
    pub why: RunoffWhy,
    /// Its candidates, most votes first.
    pub candidates: Vec<MemberId>,
    /// The honours it fills.
    pub seats: u32,
}

/// What the organizer may do with a counted round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    /// Nobody was elected (无人当选).
    pub no_winner: bool,
    /// 公示 may begin.
    pub publicity: bool,
    /// A run-off, where one is allowed.
    pub runoff: Option<Runoff>,
    /// The round may end without a result.
    pub end: bool,
}

/// What the organizer may do now; `None` before the close. 公示 and the
/// end are decided at 计票 only; a run-off may still start during 公示
/// (the elected ones are published meanwhile).
pub fn after_count(state: &State, round: &Round) -> Option<Next> {
    let tally = results(state, round)?;
    let stage = round.stage();
    let no_winner = tally.elected.is_empty();
    let runoff = matches!(stage, Stage::Closed | Stage::Publicity).then(|| runoff_of(&tally, round)).flatten();
    Some(Next {
        no_winner,
        publicity: stage == Stage::Closed && !no_winner,
        runoff,
        end: stage == Stage::Closed && no_winner,
    })
}

fn runoff_of(tally: &Tally, round: &Round) -> Option<Runoff> {
    if !tally.tied.is_empty() {
        return Some(Runoff { why: RunoffWhy::Tie, candidates: tally.tied.clone(), seats: tally.tied_seats as u32 });
    }
    let seats = (round.rules.honours as usize).saturating_sub(tally.elected.len());
    if seats == 0 {
        return None;
    }
    // `counts` is most votes first.
    let rest: Vec<&(MemberId, usize)> =
        tally.counts.iter().filter(|(c, n)| *n > 0 && !tally.elected.contains(c)).collect();
    if rest.is_empty() {
        return None;
    }
    // The votes of the (seats + 1)-th; with fewer than that, all of them.
    let last = rest.get(seats).map_or(0, |(_, n)| *n);
    let candidates: Vec<MemberId> = rest.iter().filter(|(_, n)| *n >= last).map(|(c, _)| c.clone()).collect();
    Some(Runoff { why: RunoffWhy::Unfilled, candidates, seats: seats as u32 })
}

/// The run-off's rules: the same voters and rules, its candidates fixed,
/// the honours it fills.
pub fn runoff(state: &State, round: &Round, new_title: &str) -> Result<Rules, RoundProblem> {
    let next =
        after_count(state, round).ok_or(RoundProblem::WrongStage { needed: Stage::Closed, actual: round.stage() })?;
    let runoff = next.runoff.ok_or(RoundProblem::NoRunoff)?;
    Ok(Rules {
        title: new_title.to_owned(),
        honours: runoff.seats,
        k: runoff.seats,
        voters: Electorate::List(round.entitled(state)),
        runoff_of: Some(round.id.clone()),
        candidates: Some(runoff.candidates),
        ..round.rules.clone()
    })
}

/// Whether the round may move to `to` as far as its count goes: 公示 and
/// 表彰 need someone elected; the end without a result needs nobody.
pub fn check_advance(state: &State, round: &Round, to: Stage) -> Result<(), RoundProblem> {
    let elected = || results(state, round).is_some_and(|t| !t.elected.is_empty());
    match to {
        Stage::Publicity | Stage::Final if !elected() => Err(RoundProblem::NoWinner),
        Stage::NoResult if elected() => Err(RoundProblem::HasResult),
        _ => Ok(()),
    }
}
