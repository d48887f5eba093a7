//! A 评选 round's commands, stage by stage: rules, advancing, ballot
//! codes, nominations and their review, run-off, objections during 公示.
//! Casting is in [`super::ballots`].

use super::{Act, Change};
use crate::code_batches;
use crate::event::Payload;
use crate::ids::{MemberId, NominationId, ObjectionId, RoundId};
use crate::rounds::{self, Round, RoundProblem, RoundValue, Rules, Stage};
use crate::state::State;

pub(super) fn round(state: &State, id: &RoundId) -> Result<Round, RoundProblem> {
    state.round(id).ok_or(RoundProblem::UnknownRound)
}

fn saved(round: &RoundId, value: RoundValue) -> Payload {
    Payload::RoundSaved { round: round.clone(), changes: vec![value] }
}

/// Creates a round (`id` `None`) or changes its rules (refused once
/// voting opened); returns its id.
pub fn save_round(
    state: &State,
    act: &mut Act,
    id: Option<&RoundId>,
    rules: Rules,
) -> Result<Change<RoundId>, RoundProblem> {
    let existing = match id {
        Some(id) => Some(round(state, id)?),
        None => None,
    };
    let rules = rounds::set_rules(existing.as_ref(), rules)?;
    let id = match existing {
        Some(r) if r.rules == rules => return Ok(Change::nothing(r.id)),
        Some(r) => r.id,
        None => {
            let (ms, random) = act.id_seed();
            RoundId::generate(ms, random)
        }
    };
    Ok(Change::keeper(vec![saved(&id, RoundValue::Rules(rules))], id))
}

/// Moves a round to a stage, as its guards allow.
pub fn advance_round(state: &State, act: &Act, id: &RoundId, to: Stage) -> Result<Change, RoundProblem> {
    let value = rounds::advance(state, &round(state, id)?, to, act.now())?;
    Ok(Change::keeper(vec![saved(id, value)], ()))
}

/// Issues `n` ballot codes: the first batch (before voting, never more than
/// the voters), or with `void` every unused code voided for a new batch.
/// The records get the codes' hashes; the codes come back to print.
pub fn issue_codes(
    state: &State,
    act: &mut Act,
    id: &RoundId,
    n: usize,
    void: bool,
) -> Result<Change<Vec<String>>, RoundProblem> {
    // More than any branch's voters is refused by the batch rules below;
    // the cap only bounds the randomness drawn for a silly request.
    let randomness: Vec<[u8; 16]> = (0..n.min(10_000)).map(|_| act.random()).collect();
    let batch =
        if void { code_batches::reissue(state, id, &randomness) } else { code_batches::issue(state, id, &randomness) }?;
    Ok(Change::keeper(batch.payloads, batch.codes))
}

/// A nomination, made as the nominator.
pub fn nominate(
    state: &State,
    act: &mut Act,
    id: &RoundId,
    (by, nominee): (&MemberId, &MemberId),
    deeds: &str,
) -> Result<Change, RoundProblem> {
    let record = rounds::nominate(state, &round(state, id)?, by, nominee, deeds)?;
    let (ms, random) = act.id_seed();
    let nomination = NominationId::generate(ms, random);
    Ok(Change::one(Some(by.clone()), Payload::Nominated { round: id.clone(), nomination, record }, ()))
}

/// The organizer's review of a nominee (a refusal needs a reason).
pub fn review(
    state: &State,
    id: &RoundId,
    nominee: &MemberId,
    approved: bool,
    reason: &str,
) -> Result<Change, RoundProblem> {
    let review = rounds::review(state, &round(state, id)?, nominee, approved, reason)?;
    Ok(Change::keeper(vec![Payload::Reviewed { round: id.clone(), nominee: nominee.clone(), review }], ()))
}

/// A run-off among a closed round's tied (or next-best) candidates: a new
/// round with the rules [`rounds::runoff`] derives; returns its id.
pub fn start_runoff(state: &State, act: &mut Act, id: &RoundId, title: &str) -> Result<Change<RoundId>, RoundProblem> {
    let rules = rounds::runoff(state, &round(state, id)?, title)?;
    save_round(state, act, None, rules)
}

/// An objection during 公示, as the member filing it (on their phone) or
/// the device's keeper.
pub fn object(
    state: &State,
    act: &mut Act,
    id: &RoundId,
    about: Option<&MemberId>,
    text: &str,
) -> Result<Change, RoundProblem> {
    let record = rounds::object(&round(state, id)?, about, text)?;
    let (ms, random) = act.id_seed();
    let objection = ObjectionId::generate(ms, random);
    Ok(Change::one(act.by.clone(), Payload::ObjectionFiled { round: id.clone(), objection, record }, ()))
}

/// The organizer's handling of an objection (upheld or not, with a note).
pub fn handle_objection(
    state: &State,
    id: &RoundId,
    objection: &ObjectionId,
    upheld: bool,
    note: &str,
) -> Result<Change, RoundProblem> {
    let handling = rounds::handle(state, &round(state, id)?, objection, upheld, note)?;
    let payload = Payload::ObjectionHandled { round: id.clone(), objection: objection.clone(), handling };
    Ok(Change::keeper(vec![payload], ()))
}
