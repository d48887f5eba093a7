//! The 事迹 (deeds) a ballot shows beside each candidate, so a voter reads
//! them before choosing: every nomination's text, oldest first. Only
//! candidates are on a ballot, so a nominee rejected at review never shows.
//! A run-off has fixed candidates and no nominations of its own: its
//! candidates' deeds are those of the round it runs off (back to the first).

use crate::ids::{MemberId, RoundId};
use crate::rounds::nominees;
use crate::state::State;

/// Longest chain of run-offs followed (hand-made data could loop).
const MAX_RUNOFFS: usize = 16;

/// A candidate's 事迹 in a round, oldest nomination first.
pub fn of(state: &State, round: &RoundId, candidate: &MemberId) -> Vec<String> {
    let mut id = round.clone();
    for _ in 0..=MAX_RUNOFFS {
        let own: Vec<String> = nominees(state, &id)
            .into_iter()
            .find(|n| &n.member == candidate)
            .map(|n| n.nominations.into_iter().map(|(_, x)| x.deeds).collect())
            .unwrap_or_default();
        if !own.is_empty() {
            return own;
        }
        match state.round(&id).and_then(|r| r.rules.runoff_of) {
            Some(parent) => id = parent,
            None => break,
        }
    }
    Vec::new()
}
