//! The checks every action on a round passes, each returning what to
//! record: rules, stage changes, nominations, reviews, choices, who may
//! vote or revise, objections. The commands (`crate::commands::rounds`,
//! `ballots`) call these; so do the server's admission checks.

use super::*;

/// Checks new rules for a round (or a new one): refused once voting opened.
pub fn set_rules(existing: Option<&Round>, rules: Rules) -> Result<Rules, RoundProblem> {
    rules.check()?;
    if let Some(r) = existing
        && r.stage() >= Stage::Voting
    {
        return Err(RoundProblem::RulesLocked);
    }
    Ok(Rules { title: rules.title.trim().to_owned(), ..rules })
}

/// Moves a round to its next stage, with the guards: candidates reviewed
/// before voting, codes issued for code voting, the box sealed at the close,
/// 公示 and 表彰 only with someone elected; from 计票 a round with nobody
/// elected may end instead ([`Stage::NoResult`], [`crate::outcome`]).
pub fn advance(state: &State, round: &Round, to: Stage, now: i64) -> Result<RoundValue, RoundProblem> {
    let from = round.stage();
    // A run-off has its candidates: it goes from set-up straight to voting.
    let skips = round.rules.candidates.is_some() && from == Stage::Setup && to == Stage::Voting;
    let ends = from == Stage::Closed && to == Stage::NoResult && !round.rules.is_appraisal();
    if from.next_on(round.path()) != Some(to) && !skips && !ends {
        return Err(RoundProblem::NotNextStage);
    }
    if round.rules.is_appraisal() {
        if to == Stage::Final {
            crate::appraisal::check_final(state, round)?;
        }
    } else {
        crate::outcome::check_advance(state, round, to)?;
    }
    let mut change =
        StageChange { stage: to, at: now, entitled: None, candidates: None, publicity_at: None, sealed: None };
    match to {
        Stage::Voting => {
            if round.rules.candidates.is_none() {
                let pending = nominees(state, &round.id).iter().filter(|n| n.review.is_none()).count();
                if pending > 0 {
                    return Err(RoundProblem::Unreviewed(pending));
                }
            }
            if candidates(state, round).is_empty() {
                return Err(RoundProblem::NoCandidates);
            }
            if round.rules.mode == Mode::Codes && round.codes.is_empty() {
                return Err(RoundProblem::NoCodes);
            }
            change.entitled = Some(round.rules.voters.members(state));
            change.candidates = Some(candidates(state, round));
        }
        Stage::Closed => {
            change.entitled = round.stage.entitled.clone();
            change.candidates = round.stage.candidates.clone();
            let ballots = crate::ballot::box_of(state, &round.id);
            change.sealed = Some((ballots.len() as u32, crate::ballot::digest(&ballots)));
        }
        _ => {
            if to == Stage::Final {
                let open = state
                    .objections
                    .0
                    .keys()
                    .filter(|(r, o)| r == &round.id && state.handlings.get(&(r.clone(), o.clone())).is_none())
                    .count();
                if open > 0 {
                    return Err(RoundProblem::ObjectionsOpen(open));
                }
            }
            change.entitled = round.stage.entitled.clone();
            change.candidates = round.stage.candidates.clone();
            change.sealed = round.stage.sealed.clone();
            change.publicity_at = if to == Stage::Publicity { Some(now) } else { round.stage.publicity_at };
        }
    }
    Ok(RoundValue::Stage(change))
}

/// A nomination by `by`, checked against the round's rules.
pub fn nominate(
    state: &State,
    round: &Round,
    by: &MemberId,
    nominee: &MemberId,
    deeds: &str,
) -> Result<Nomination, RoundProblem> {
    round.need(Stage::Nomination)?;
    if state.member(by).is_none_or(|m| m.archived) {
        return Err(RoundProblem::NotMember);
    }
    if !state.member(nominee).is_some_and(|m| round.rules.nominees.includes(&m)) {
        return Err(RoundProblem::NotNominable);
    }
    if by == nominee && !round.rules.self_nomination {
        return Err(RoundProblem::SelfNomination);
    }
    let deeds = deeds.trim();
    if deeds.is_empty() {
        return Err(RoundProblem::DeedsRequired);
    }
    if deeds.chars().count() > MAX_DEEDS {
        return Err(RoundProblem::TooLong { max: MAX_DEEDS });
    }
    let mine: Vec<Nomination> = nominees(state, &round.id)
        .into_iter()
        .flat_map(|n| n.nominations)
        .map(|(_, n)| n)
        .filter(|n| &n.by == by)
        .collect();
    if mine.iter().any(|n| &n.nominee == nominee) {
        return Err(RoundProblem::AlreadyNominated);
    }
    if mine.len() as u32 >= round.rules.nominations_per_member {
        return Err(RoundProblem::NominationLimit(round.rules.nominations_per_member));
    }
    Ok(Nomination { nominee: nominee.clone(), by: by.clone(), deeds: deeds.to_owned() })
}

/// The organizer's review of a nominee.
pub fn review(
    state: &State,
    round: &Round,
    nominee: &MemberId,
    approved: bool,
    reason: &str,
) -> Result<Review, RoundProblem> {
    round.need(Stage::Review)?;
    if !nominees(state, &round.id).iter().any(|n| &n.member == nominee) {
        return Err(RoundProblem::NotNominated);
    }
    let review = Review { approved, reason: reason.trim().to_owned() };
    check_review(&review)?;
    Ok(review)
}

/// A review's own check, wherever it comes from (this device or outside):
/// 不通过 needs a reason, and a reason fits [`MAX_SHORT`].
pub fn check_review(review: &Review) -> Result<(), RoundProblem> {
    let reason = review.reason.trim();
    if !review.approved && reason.is_empty() {
        return Err(RoundProblem::ReasonRequired);
    }
    if reason.chars().count() > MAX_SHORT {
        return Err(RoundProblem::TooLong { max: MAX_SHORT });
    }
    Ok(())
}

/// Checks a ballot's choices against the round (a voter's own choice
/// excluded when self-votes are forbidden). Returns them sorted, so the
/// ballot does not keep the order they were ticked in.
pub fn check_choices(
    state: &State,
    round: &Round,
    voter: Option<&MemberId>,
    choices: &[MemberId],
) -> Result<Vec<MemberId>, RoundProblem> {
    round.need(Stage::Voting)?;
    let candidates: BTreeSet<MemberId> = candidates(state, round).into_iter().collect();
    let distinct: BTreeSet<&MemberId> = choices.iter().collect();
    if distinct.len() != choices.len() {
        return Err(RoundProblem::Duplicate);
    }
    if !choices.iter().all(|c| candidates.contains(c)) {
        return Err(RoundProblem::NotCandidate);
    }
    if choices.len() > round.rules.k as usize {
        return Err(RoundProblem::TooMany(round.rules.k));
    }
    if let Some(v) = voter
        && !round.rules.self_vote
        && choices.contains(v)
    {
        return Err(RoundProblem::SelfVote);
    }
    let mut sorted = choices.to_vec();
    sorted.sort();
    Ok(sorted)
}

/// A named voter may cast a first ballot now (from their own device, or
/// on paper): entitled, voting open, not on the roll in any way. A
/// revision is [`may_revise`]'s: it adds no second roll entry.
pub fn may_vote(state: &State, round: &Round, member: &MemberId) -> Result<(), RoundProblem> {
    round.need(Stage::Voting)?;
    if round.rules.mode != Mode::Named {
        return Err(RoundProblem::WrongMode);
    }
    if !round.entitled(state).contains(member) {
        return Err(RoundProblem::NotEntitled);
    }
    if cast_by(state, &round.id, member).is_some() {
        return Err(RoundProblem::AlreadyVoted);
    }
    Ok(())
}

/// A named voter may revise their ballot now: voting open, the round
/// allows it, and they voted from their own device (a paper ballot is final).
pub fn may_revise(state: &State, round: &Round, member: &MemberId) -> Result<(), RoundProblem> {
    round.need(Stage::Voting)?;
    if round.rules.mode != Mode::Named || !round.rules.revision {
        return Err(RoundProblem::NoRevision);
    }
    match cast_by(state, &round.id, member) {
        Some(Cast::Device) => Ok(()),
        _ => Err(RoundProblem::NoRevision),
    }
}

pub use crate::code_batches::check_code;

pub use crate::outcome::runoff;

/// An objection during 公示.
pub fn object(round: &Round, about: Option<&MemberId>, text: &str) -> Result<Objection, RoundProblem> {
    round.need(Stage::Publicity)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(RoundProblem::TextRequired);
    }
    if text.chars().count() > MAX_OBJECTION {
        return Err(RoundProblem::TooLong { max: MAX_OBJECTION });
    }
    Ok(Objection { about: about.cloned(), text: text.to_owned() })
}

/// The organizer's handling of an objection.
pub fn handle(
    state: &State,
    round: &Round,
    objection: &ObjectionId,
    upheld: bool,
    note: &str,
) -> Result<Handling, RoundProblem> {
    if round.stage() < Stage::Publicity {
        return Err(RoundProblem::WrongStage { needed: Stage::Publicity, actual: round.stage() });
    }
    if state.objections.get(&(round.id.clone(), objection.clone())).is_none() {
        return Err(RoundProblem::UnknownObjection);
    }
    let note = note.trim();
    if note.is_empty() {
        return Err(RoundProblem::TextRequired);
    }
    if note.chars().count() > MAX_SHORT {
        return Err(RoundProblem::TooLong { max: MAX_SHORT });
    }
    Ok(Handling { upheld, note: note.to_owned() })
}
