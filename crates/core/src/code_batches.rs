//! 投票码 batches: the first batch, voiding every unused code for a new
//! batch (作废未用投票码并重新发放), and which codes stand.
//!
//! The round's `Codes` register holds the hashes of the codes that
//! **stand**: the first batch, or after a reissue the codes already used
//! (they keep counting) and the new batch. A code the register held once
//! and holds no more is **void**. The register keeps the values it
//! overrode, so what is void is a fold like any other: events in any
//! order, with duplicates, give the same answer. Batches belong to the
//! round, never to a person: nothing says whose a code was.
//!
//! **A void racing a code ballot cast offline: the void wins**, whatever
//! the clocks. A roll entry for a code the void does not keep does not
//! count, even if a kiosk that had not heard of the void took it first.
//! Why: the voiding device sized the new batch by the codes it saw used
//! (never more live codes than voters), so counting a ballot it did not
//! see could pass the number of voters. The server keeps its box to the
//! same rule from the other side: a ballot in its box cannot be taken back
//! (nothing links it to its code), so it refuses a void that drops a code
//! it has already counted ([`check_write`]); the organizer syncs and
//! voids again.

use crate::ballot;
use crate::clock::Stamp;
use crate::event::Payload;
use crate::ids::RoundId;
use crate::rounds::{Mode, Round, RoundField, RoundProblem, RoundValue, Stage, Voter};
use crate::state::State;
use std::collections::BTreeSet;

/// A batch just made: its codes (to print, and to keep on the issuing
/// device only) and what to record (hashes only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The new codes, in the order made.
    pub codes: Vec<String>,
    /// The events' payloads.
    pub payloads: Vec<Payload>,
}

/// Whether a roll entry counts: a named or paper one always; a code's
/// only while its code stands (a voided code's does not, see the module).
pub fn counts(round: &Round, voter: &Voter) -> bool {
    match voter {
        Voter::Code(hash) => round.codes.contains(hash),
        Voter::Member(_) | Voter::Paper(_) => true,
    }
}

/// Hashes of the round's voided codes: held by the register once, not now.
pub fn voided(state: &State, round: &RoundId) -> BTreeSet<String> {
    let Some(reg) = state.ext.rounds.get(round).and_then(|t| t.0.get(&RoundField::Codes)) else {
        return BTreeSet::new();
    };
    let now = hashes(&reg.value);
    reg.history.iter().flat_map(|(_, v)| hashes(v)).filter(|h| !now.contains(h)).cloned().collect()
}

fn hashes(value: &RoundValue) -> &[String] {
    match value {
        RoundValue::Codes(c) => c,
        RoundValue::Rules(_) | RoundValue::Stage(_) => &[],
    }
}

/// The standing codes that have been used.
pub fn used(state: &State, round: &Round) -> Vec<String> {
    round
        .codes
        .iter()
        .filter(|h| crate::rounds::has_voted(state, &round.id, &Voter::Code((*h).clone())))
        .cloned()
        .collect()
}

/// Standing codes not used yet (the live ones).
pub fn live(state: &State, round: &Round) -> usize {
    round.codes.len() - used(state, round).len()
}

/// Most codes a new batch may have: the voters less the codes used, so
/// there are never more live codes than voters.
pub fn room(state: &State, round: &Round) -> usize {
    crate::appraisal::raters(state, round).saturating_sub(used(state, round).len())
}

fn round_of(state: &State, id: &RoundId) -> Result<Round, RoundProblem> {
    let round = state.round(id).ok_or(RoundProblem::UnknownRound)?;
    if round.rules.mode != Mode::Codes {
        return Err(RoundProblem::WrongMode);
    }
    Ok(round)
}

fn make(round: &Round, kept: Vec<String>, randomness: &[[u8; 16]], room: usize) -> Result<Batch, RoundProblem> {
    if room == 0 {
        return Err(RoundProblem::NoCodesLeft);
    }
    if randomness.is_empty() || randomness.len() > room {
        return Err(RoundProblem::CodeCount { max: room as u32 });
    }
    let codes = ballot::make_codes(randomness);
    let mut standing = kept;
    standing.extend(codes.iter().map(|c| ballot::code_hash(&round.id, c)));
    let payload = Payload::RoundSaved { round: round.id.clone(), changes: vec![RoundValue::Codes(standing)] };
    Ok(Batch { codes, payloads: vec![payload] })
}

/// The first batch, one code per 16 random bytes (from a CSPRNG): before
/// voting opens, at most one per voter.
pub fn issue(state: &State, id: &RoundId, randomness: &[[u8; 16]]) -> Result<Batch, RoundProblem> {
    let round = round_of(state, id)?;
    if round.stage() >= Stage::Voting {
        return Err(RoundProblem::RulesLocked);
    }
    // A second batch is a reissue: it voids the slips already printed.
    if !round.codes.is_empty() {
        return Err(RoundProblem::CodesIssued);
    }
    let room = crate::appraisal::raters(state, &round);
    make(&round, Vec::new(), randomness, room)
}

/// Voids every unused code and issues a new batch (before voting closes):
/// the used codes stand and keep counting; the new batch has at most the
/// voters less the codes used.
pub fn reissue(state: &State, id: &RoundId, randomness: &[[u8; 16]]) -> Result<Batch, RoundProblem> {
    let round = round_of(state, id)?;
    if round.stage() > Stage::Voting {
        return Err(RoundProblem::WrongStage { needed: Stage::Voting, actual: round.stage() });
    }
    if round.codes.is_empty() {
        return Err(RoundProblem::NoCodes);
    }
    let room = room(state, &round);
    make(&round, used(state, &round), randomness, room)
}

/// A typed code may vote now: voting open, one of this round's, standing
/// and unused. Returns its hash (what the roll records).
pub fn check_code(state: &State, round: &Round, code: &str) -> Result<String, RoundProblem> {
    let hash = ballot::code_hash(&round.id, code);
    check_hash(state, round, &hash)?;
    Ok(hash)
}

/// [`check_code`] for a code's hash, as a roll entry from outside carries
/// it (the server's push, the same rule).
pub fn check_hash(state: &State, round: &Round, hash: &str) -> Result<(), RoundProblem> {
    if round.stage() != Stage::Voting {
        return Err(RoundProblem::WrongStage { needed: Stage::Voting, actual: round.stage() });
    }
    if round.rules.mode != Mode::Codes {
        return Err(RoundProblem::WrongMode);
    }
    if !round.codes.iter().any(|h| h == hash) {
        return Err(if voided(state, &round.id).contains(hash) {
            RoundProblem::VoidedCode
        } else {
            RoundProblem::UnknownCode
        });
    }
    if crate::rounds::has_voted(state, &round.id, &Voter::Code(hash.to_owned())) {
        return Err(RoundProblem::UsedCode);
    }
    Ok(())
}

/// A write of the round's codes from outside (the server's check): one
/// that would win its register must keep every code already used, since
/// their ballots are in the box for good. A write that would lose (an
/// older value, a device's history) changes nothing and passes.
pub fn check_write(state: &State, id: &RoundId, value: &RoundValue, stamp: &Stamp) -> Result<(), RoundProblem> {
    let RoundValue::Codes(incoming) = value else { return Ok(()) };
    let Some(reg) = state.ext.rounds.get(id).and_then(|t| t.0.get(&RoundField::Codes)) else { return Ok(()) };
    if (stamp, value) <= (&reg.stamp, &reg.value) {
        return Ok(());
    }
    let Some(round) = state.round(id) else { return Ok(()) };
    if used(state, &round).iter().all(|h| incoming.contains(h)) { Ok(()) } else { Err(RoundProblem::DropsUsedCode) }
}

/// Whether the issuing device still keeps a sheet of plaintext codes:
/// while the round takes votes (until voting closes) and the sheet's
/// batch stands (no newer batch from another device voided it).
pub fn keeps_sheet(state: &State, id: &RoundId, codes: &[String]) -> bool {
    state.round(id).is_some_and(|round| {
        round.stage() <= Stage::Voting && codes.iter().any(|c| round.codes.contains(&ballot::code_hash(id, c)))
    })
}
