//! The checks every appraisal act passes, each returning what to record:
//! a ballot's ratings, a 自评, a 互评 comment, a decision, and the step
//! to 组织评定 (every appraised member decided). The commands
//! (`crate::commands::appraisal`, `ballots`) call these; so does the sync
//! server's admission.

use super::*;
use crate::rounds::Round;
use crate::state::State;
use std::collections::BTreeMap;

/// The round, if it is an appraisal.
fn appraisal(round: &Round) -> Result<&AppraisalRules, RoundProblem> {
    round.rules.appraisal.as_ref().ok_or(RoundProblem::NotAppraisal)
}

/// 自评 and 互评 are written from the start of 自评互评 until the ballot closes.
fn writing_open(round: &Round) -> Result<(), RoundProblem> {
    match round.stage() {
        Stage::Assessment | Stage::Voting => Ok(()),
        actual => Err(RoundProblem::WrongStage { needed: Stage::Assessment, actual }),
    }
}

fn within(text: &str, max: usize) -> Result<(), RoundProblem> {
    if text.chars().count() > max { Err(RoundProblem::TooLong { max }) } else { Ok(()) }
}

/// Checks a ballot's ratings while the ballot is open: appraised members
/// only, no more 优秀 than the cap (a blank ballot is allowed: 弃权).
pub fn check_ratings(
    state: &State,
    round: &Round,
    ratings: &BTreeMap<MemberId, Rating>,
) -> Result<BTreeMap<MemberId, Rating>, RoundProblem> {
    appraisal(round).map_err(|_| RoundProblem::WrongBallot)?;
    round.need(Stage::Voting)?;
    let appraised = appraised(state, round);
    if !ratings.keys().all(|m| appraised.contains(m)) {
        return Err(RoundProblem::NotAppraised);
    }
    let cap = cap(state, round);
    if ratings.values().filter(|r| **r == Rating::Excellent).count() > cap as usize {
        return Err(RoundProblem::OverCap { cap });
    }
    Ok(ratings.clone())
}

/// A 自评 by an appraised member (or entered from paper by a keeper).
pub fn self_assess(
    state: &State,
    round: &Round,
    member: &MemberId,
    text: &str,
    on_paper: bool,
) -> Result<SelfAssessment, RoundProblem> {
    appraisal(round)?;
    writing_open(round)?;
    if !appraised(state, round).contains(member) {
        return Err(RoundProblem::NotAppraised);
    }
    let assessment = SelfAssessment { text: text.trim().to_owned(), on_paper };
    check_self_assessment(&assessment)?;
    Ok(assessment)
}

/// A 自评's own check, wherever it comes from.
pub fn check_self_assessment(assessment: &SelfAssessment) -> Result<(), RoundProblem> {
    let text = assessment.text.trim();
    if text.is_empty() {
        return Err(RoundProblem::TextRequired);
    }
    within(text, MAX_SELF_ASSESSMENT)
}

/// A 互评 comment by `by` about an appraised member; empty text takes
/// one's comment back.
pub fn comment(
    state: &State,
    round: &Round,
    by: &MemberId,
    about: &MemberId,
    text: &str,
) -> Result<Comment, RoundProblem> {
    appraisal(round)?;
    writing_open(round)?;
    if state.member(by).is_none_or(|m| m.archived) {
        return Err(RoundProblem::NotMember);
    }
    if by == about {
        return Err(RoundProblem::OwnComment);
    }
    if !appraised(state, round).contains(about) {
        return Err(RoundProblem::NotAppraised);
    }
    let comment = Comment { text: text.trim().to_owned() };
    within(&comment.text, MAX_COMMENT)?;
    Ok(comment)
}

/// A decision's own check: 不合格 needs a reason and a follow-up, and
/// each fits [`MAX_DECISION_NOTE`].
pub fn check_decision(decision: &Decision) -> Result<(), RoundProblem> {
    within(decision.reason.trim(), MAX_DECISION_NOTE)?;
    within(decision.follow_up.trim(), MAX_DECISION_NOTE)?;
    if decision.grade == Rating::Failing {
        if decision.reason.trim().is_empty() {
            return Err(RoundProblem::GradeReasonRequired);
        }
        if decision.follow_up.trim().is_empty() {
            return Err(RoundProblem::FollowUpRequired);
        }
    }
    Ok(())
}

/// The committee's 组织评定 of one appraised member, once the ballot has
/// closed and until the decisions are final. A grade the ballot did not
/// give (not among its most-voted ratings) needs a reason.
pub fn decide(state: &State, round: &Round, member: &MemberId, decision: Decision) -> Result<Decision, RoundProblem> {
    appraisal(round)?;
    match round.stage() {
        Stage::Closed => {}
        Stage::Final => return Err(RoundProblem::DecisionsFinal),
        actual => return Err(RoundProblem::WrongStage { needed: Stage::Closed, actual }),
    }
    let count = count_box(state, round);
    let line = count.line(member).ok_or(RoundProblem::NotAppraised)?;
    let decision = Decision {
        grade: decision.grade,
        reason: decision.reason.trim().to_owned(),
        follow_up: decision.follow_up.trim().to_owned(),
    };
    check_decision(&decision)?;
    if !line.among_leading(decision.grade) && decision.reason.is_empty() {
        return Err(RoundProblem::GradeReasonRequired);
    }
    Ok(decision)
}

/// 组织评定 may be made final: every appraised member has a decision.
pub fn check_final(state: &State, round: &Round) -> Result<(), RoundProblem> {
    let decided = decisions(state, &round.id);
    let undecided = appraised(state, round).iter().filter(|m| !decided.contains_key(*m)).count();
    if undecided > 0 { Err(RoundProblem::Undecided(undecided)) } else { Ok(()) }
}
