//! A 民主评议's commands besides the round's own (set-up is
//! [`super::rounds::save_round`] with [`crate::rounds::Rules::appraisal`],
//! its stages [`super::rounds::advance_round`], its codes
//! [`super::rounds::issue_codes`], its ballots [`super::ballots`] with
//! ratings): a member's 自评 on their phone or entered from paper, a 互评
//! comment, the committee's 组织评定 of one member.

use super::rounds::round;
use super::{Act, Change};
use crate::appraisal::{self, Decision};
use crate::event::Payload;
use crate::ids::{MemberId, RoundId};
use crate::rounds::RoundProblem;
use crate::state::State;

/// A member's own 自评, written on their phone.
pub fn self_assess(state: &State, id: &RoundId, member: &MemberId, text: &str) -> Result<Change, RoundProblem> {
    let assessment = appraisal::self_assess(state, &round(state, id)?, member, text, false)?;
    let payload = Payload::SelfAssessed { round: id.clone(), member: member.clone(), assessment };
    Ok(Change::one(Some(member.clone()), payload, ()))
}

/// A 自评 handed in on paper, entered by the device's keeper (the audit
/// log says who entered it).
pub fn enter_self_assessment(
    state: &State,
    act: &Act,
    id: &RoundId,
    member: &MemberId,
    text: &str,
) -> Result<Change, RoundProblem> {
    let assessment = appraisal::self_assess(state, &round(state, id)?, member, text, true)?;
    let payload = Payload::SelfAssessed { round: id.clone(), member: member.clone(), assessment };
    Ok(Change::one(act.by.clone(), payload, ()))
}

/// A 互评 comment by the acting member about `about` (empty text takes
/// it back). Signed: the committee sees who wrote it.
pub fn comment(state: &State, act: &Act, id: &RoundId, about: &MemberId, text: &str) -> Result<Change, RoundProblem> {
    let by = act.by.clone().ok_or(RoundProblem::NotMember)?;
    let comment = appraisal::comment(state, &round(state, id)?, &by, about, text)?;
    let payload = Payload::Commented { round: id.clone(), by: by.clone(), about: about.clone(), comment };
    Ok(Change::one(Some(by), payload, ()))
}

/// The committee's 组织评定 of one member (after the ballot closed, until
/// the decisions are made final by advancing to [`crate::rounds::Stage::Final`]).
pub fn decide(state: &State, id: &RoundId, member: &MemberId, decision: Decision) -> Result<Change, RoundProblem> {
    let decision = appraisal::decide(state, &round(state, id)?, member, decision)?;
    let payload = Payload::AppraisalDecided { round: id.clone(), member: member.clone(), decision };
    Ok(Change::keeper(vec![payload], ()))
}
