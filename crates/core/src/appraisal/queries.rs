//! What the appraisal screens read: who is appraised, the 自评 and who
//! has not written one, the 互评 comments, the count once the ballot has
//! closed, the decisions, and one member's own final grade.

use super::*;
use crate::ids::RoundId;
use crate::rounds::Round;
use crate::state::State;
use std::collections::BTreeMap;

/// Who is appraised: frozen when the ballot opened; before that the
/// nominee electorate (default 正式党员) less those excused.
pub fn appraised(state: &State, round: &Round) -> Vec<MemberId> {
    if let Some(frozen) = &round.stage.candidates {
        return frozen.clone();
    }
    let Some(rules) = &round.rules.appraisal else { return Vec::new() };
    round.rules.nominees.members(state).into_iter().filter(|m| !rules.excuses(m)).collect()
}

/// Raters entitled: the member raters plus the 群众代表.
pub fn raters(state: &State, round: &Round) -> usize {
    round.entitled(state).len() + round.rules.appraisal.as_ref().map_or(0, |a| a.guests as usize)
}

/// The cap on 优秀 per ballot, for the appraised as they stand.
pub fn cap(state: &State, round: &Round) -> u32 {
    round.rules.appraisal.as_ref().map_or(0, |a| a.cap_for(appraised(state, round).len()))
}

/// Every 自评 of the round, by member.
pub fn self_assessments(state: &State, round: &RoundId) -> BTreeMap<MemberId, SelfAssessment> {
    state.self_assessments.values().filter(|((r, _), _)| r == round).map(|((_, m), a)| (m.clone(), a.clone())).collect()
}

/// Appraised members without a 自评 yet, in the appraised order.
pub fn missing_self_assessments(state: &State, round: &Round) -> Vec<MemberId> {
    let written = self_assessments(state, &round.id);
    appraised(state, round).into_iter().filter(|m| !written.contains_key(m)).collect()
}

/// A comment as the committee reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedComment {
    /// The author.
    pub by: MemberId,
    /// About whom.
    pub about: MemberId,
    /// What they wrote.
    pub text: String,
}

/// The round's 互评 comments (on a member's phone: only their own).
pub fn comments(state: &State, round: &RoundId) -> Vec<SignedComment> {
    state
        .comments
        .values()
        .filter(|((r, _, _), c)| r == round && !c.text.is_empty())
        .map(|((_, by, about), c)| SignedComment { by: by.clone(), about: about.clone(), text: c.text.clone() })
        .collect()
}

/// The 组织评定 recorded so far, by member.
pub fn decisions(state: &State, round: &RoundId) -> BTreeMap<MemberId, Decision> {
    state.decisions.values().filter(|((r, _), _)| r == round).map(|((_, m), d)| (m.clone(), d.clone())).collect()
}

/// The numbers the count needs, as the round stands.
pub fn count_rules(state: &State, round: &Round) -> CountRules {
    let flag_permille = round.rules.appraisal.as_ref().map_or(DEFAULT_FLAG_PERMILLE, |a| a.flag_permille);
    CountRules { cap: cap(state, round), flag_permille, entitled: raters(state, round) }
}

/// Counts the box whatever the stage (for the close and for checks).
pub fn count_box(state: &State, round: &Round) -> Count {
    let ballots = crate::ballot::box_of(state, &round.id);
    count(&count_rules(state, round), &appraised(state, round), ballots.iter().map(|b| &b.ratings))
}

/// The count: only once the ballot has closed (hidden before).
pub fn results(state: &State, round: &Round) -> Option<Count> {
    (round.rules.is_appraisal() && round.stage() >= Stage::Closed).then(|| count_box(state, round))
}

/// A member's own final grade, once the committee's decision is final.
pub fn own_grade(state: &State, round: &Round, member: &MemberId) -> Option<Decision> {
    if !round.rules.is_appraisal() || round.stage() != Stage::Final {
        return None;
    }
    state.decisions.get(&(round.id.clone(), member.clone())).cloned()
}
