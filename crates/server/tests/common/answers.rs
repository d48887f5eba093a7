//! Reading a push's answer: the outcome of each event and ballot, and why
//! one was refused (a `Reason`, never the English detail).

use zhibu_core::sync::{Outcome, PushResponse, Reason};

/// The outcomes of a push's events.
pub fn outcomes(r: &PushResponse) -> Vec<Outcome> {
    r.events.iter().map(|e| e.outcome).collect()
}

/// The outcomes of a push's ballots.
pub fn ballot_outcomes(r: &PushResponse) -> Vec<Outcome> {
    r.ballots.iter().map(|b| b.outcome).collect()
}

/// Panics unless every event and ballot of the push had `outcome`.
#[track_caller]
pub fn all_answered(r: &PushResponse, outcome: Outcome) {
    let mut all = r.events.iter().map(|e| e.outcome).chain(r.ballots.iter().map(|b| b.outcome));
    assert!(all.all(|o| o == outcome), "not all {outcome:?}: {r:?}");
}

/// Panics unless the event was rejected for `reason`.
#[track_caller]
pub fn rejected_because(r: &PushResponse, i: usize, reason: Reason) {
    let e = &r.events[i];
    assert_eq!((e.outcome, e.reason), (Outcome::Rejected, Some(reason)), "event {i}: {r:?}");
}

/// Panics unless the ballot was rejected for `reason`.
#[track_caller]
pub fn ballot_rejected_because(r: &PushResponse, i: usize, reason: Reason) {
    let b = &r.ballots[i];
    assert_eq!((b.outcome, b.reason), (Outcome::Rejected, Some(reason)), "ballot {i}: {r:?}");
}
