//! 投票码 batches (issue 20, item 2): the organizer voids every unused code
//! and issues a new batch; used codes keep counting, voided ones are
//! refused with their own problem, never more live codes than voters, and
//! a void racing an offline code ballot folds to the same state in any
//! order, with duplicates — the void wins (see `code_batches`).

mod branch;

use branch::{Branch, DESK, code_round, code_round_at_review, rules};
use proptest::prelude::*;
use zhibu_core::ballot;
use zhibu_core::code_batches;
use zhibu_core::commands::Draft;
use zhibu_core::commands::roster::edit_member;
use zhibu_core::commands::rounds::issue_codes;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::roster::MemberFields;
use zhibu_core::rounds::{self, RoundProblem as P, RoundValue, Stage};
use zhibu_core::state::State;

const KIOSK: &str = "kiosk-tablet";

fn issue(b: &mut Branch, r: &RoundId, n: usize) -> Result<Vec<String>, P> {
    b.issue_codes(r, n, false)
}

fn reissue(b: &mut Branch, r: &RoundId, n: usize) -> Result<Vec<String>, P> {
    b.issue_codes(r, n, true)
}

/// A code ballot at the kiosk; returns the roll entry's event.
fn vote_code(b: &mut Branch, r: &RoundId, code: &str, choices: &[MemberId]) -> Result<Event, P> {
    b.vote_code(KIOSK, r, code, choices).map(|(event, _)| event)
}

fn check(b: &Branch, r: &RoundId, code: &str) -> Result<String, P> {
    rounds::check_code(b.state(), &b.round(r), code)
}

/// The void a device would record now, without recording it.
fn void_on(b: &mut Branch, r: &RoundId, n: usize) -> RoundValue {
    let change = b.command(None, |state, act| issue_codes(state, act, r, n, true)).unwrap();
    match &change.events[..] {
        [Draft { payload: Payload::RoundSaved { changes, .. }, .. }] => changes[0].clone(),
        other => panic!("a round change: {other:?}"),
    }
}

#[test]
fn reissue_voids_the_unused_codes_and_the_used_ones_keep_counting() {
    let (mut b, r, ms, old) = code_round();
    vote_code(&mut b, &r, &old[0], &ms[..1]).unwrap();
    vote_code(&mut b, &r, &old[1], &ms[1..2]).unwrap();

    // Six voters, two codes used: at most four new ones.
    let new = reissue(&mut b, &r, 4).unwrap();
    assert_eq!(new.len(), 4);
    assert!(new.iter().all(|c| !old.contains(c)));
    let round = b.round(&r);
    assert_eq!(round.codes.len(), 6, "two used codes stand beside the new batch");
    assert_eq!(code_batches::live(b.state(), &round), 4);

    // Old unused codes are void, old used ones stay used, new ones vote.
    assert_eq!(check(&b, &r, &old[2]), Err(P::VoidedCode));
    assert_eq!(check(&b, &r, &old[3]), Err(P::VoidedCode));
    assert_eq!(check(&b, &r, &old[0]), Err(P::UsedCode));
    assert_eq!(check(&b, &r, "ZZZZZ-ZZZZZ"), Err(P::UnknownCode));
    assert_eq!(vote_code(&mut b, &r, &old[2], &ms[..1]).map(|_| ()), Err(P::VoidedCode));
    vote_code(&mut b, &r, &new[0], &ms[..1]).unwrap();
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (3, 6));

    // Every counted ballot is in the tally, the two before the void too.
    b.advance(&r, Stage::Closed).unwrap();
    let t = b.results(&r).unwrap();
    assert_eq!(t.cast, 3);
    assert_eq!(t.counts, vec![(ms[0].clone(), 2), (ms[1].clone(), 1)]);
}

#[test]
fn a_batch_never_makes_more_live_codes_than_voters() {
    let (mut b, r, ms) = code_round_at_review();
    assert_eq!(issue(&mut b, &r, 7), Err(P::CodeCount { max: 6 }));
    assert_eq!(issue(&mut b, &r, 0), Err(P::CodeCount { max: 6 }));
    assert_eq!(reissue(&mut b, &r, 2), Err(P::NoCodes), "nothing to void before a first batch");
    let first = issue(&mut b, &r, 6).unwrap();
    assert_eq!(issue(&mut b, &r, 1), Err(P::CodesIssued), "a second batch is a reissue");
    // Before voting opens nothing is used: a new batch replaces the first.
    let second = reissue(&mut b, &r, 6).unwrap();
    assert_eq!(check_after_opening(&mut b, &r, &first[0]), Err(P::VoidedCode));
    for code in second.iter().take(5) {
        vote_code(&mut b, &r, code, &ms[..1]).unwrap();
    }
    assert_eq!(reissue(&mut b, &r, 2), Err(P::CodeCount { max: 1 }));
    let third = reissue(&mut b, &r, 1).unwrap();
    vote_code(&mut b, &r, &third[0], &ms[1..2]).unwrap();
    assert_eq!(reissue(&mut b, &r, 1), Err(P::NoCodesLeft), "every voter has voted");
    let round = b.round(&r);
    assert_eq!((round.codes.len(), code_batches::live(b.state(), &round)), (6, 0));
    assert_eq!(rounds::turnout(b.state(), &round), (6, 6));
}

fn check_after_opening(b: &mut Branch, r: &RoundId, code: &str) -> Result<String, P> {
    b.advance(r, Stage::Voting).unwrap();
    check(b, r, code)
}

#[test]
fn reissue_only_in_a_code_round_until_voting_closes() {
    let (mut b, r, _, _) = code_round();
    b.advance(&r, Stage::Closed).unwrap();
    assert_eq!(reissue(&mut b, &r, 1), Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }));
    let (mut named, r2, _) = branch::voting_round(4, 1, rules(1));
    assert_eq!(reissue(&mut named, &r2, 1), Err(P::WrongMode));
    assert_eq!(issue(&mut named, &r2, 1), Err(P::WrongMode));
    assert_eq!(reissue(&mut b, &RoundId("nope".into()), 1), Err(P::UnknownRound));
}

#[test]
fn the_server_refuses_a_void_that_drops_a_code_it_has_counted() {
    let (mut b, r, ms, old) = code_round();
    // The organizer voids, not knowing the kiosk used old[0] meanwhile.
    let unaware = void_on(&mut b, &r, 6);
    vote_code(&mut b, &r, &old[0], &ms[..1]).unwrap();
    let later = zhibu_core::clock::Stamp { clock: b.state().max_clock + 1, device: DESK.into() };
    assert_eq!(code_batches::check_write(b.state(), &r, &unaware, &later), Err(P::DropsUsedCode));
    // One made after syncing keeps the used code and passes.
    let aware = void_on(&mut b, &r, 5);
    assert_eq!(code_batches::check_write(b.state(), &r, &aware, &later), Ok(()));
    // An older write (a device's history, unfolded) loses anyway: not judged.
    let older = zhibu_core::clock::Stamp { clock: 1, device: DESK.into() };
    assert_eq!(code_batches::check_write(b.state(), &r, &unaware, &older), Ok(()));
}

/// Renames `member` on this device (to move its clock on).
fn rename(b: &mut Branch, member: &MemberId, name: String) {
    let baseline = b.state().member(member).unwrap().fields;
    let renamed = MemberFields { name, ..baseline.clone() };
    b.run(DESK, None, |state, _| edit_member(state, member, &baseline, &renamed)).unwrap();
}

/// The race: the organizer voids while an offline kiosk, which never saw
/// the void, uses an old code — with a higher clock or a lower one.
fn race(kiosk_clock_ahead: bool) -> (Vec<Event>, RoundId, String, String) {
    let (mut b, r, ms, old) = code_round();
    // The kiosk: another device with the records as they were.
    let mut kiosk = b.fork(1);
    if kiosk_clock_ahead {
        for i in 0..5 {
            rename(&mut kiosk, &ms[i % 6], format!("改名{i}"));
        }
    }
    let (voted, _) = kiosk.vote_code(KIOSK, &r, &old[0], &[]).unwrap();
    let hash = ballot::code_hash(&r, &old[0]);
    // The organizer's view: it voids on the state before the kiosk's vote
    // (after edits of its own when the kiosk's clock is the lower one).
    let void = b.command(None, |state, act| issue_codes(state, act, &r, 6, true)).unwrap();
    if !kiosk_clock_ahead {
        for i in 0..5 {
            rename(&mut b, &ms[0], format!("改名{i}"));
        }
    }
    let (void, codes) = b.apply(DESK, void);
    assert_eq!(void[0].clock > voted.clock, !kiosk_clock_ahead, "the race goes both ways");
    let mut events: Vec<Event> = b.records.pending().cloned().collect();
    events.extend(kiosk.records.pending().cloned());
    let fresh = ballot::code_hash(&r, &codes[0]);
    (events, r, hash, fresh)
}

fn judged(state: &State, r: &RoundId, hash: &str) -> (Result<(), P>, (usize, usize)) {
    let round = state.round(r).unwrap();
    (code_batches::check_hash(state, &round, hash), rounds::turnout(state, &round))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn a_void_racing_an_offline_code_ballot_folds_the_same_in_any_order(
        ahead in any::<bool>(),
        order in Just((0..64usize).collect::<Vec<_>>()).prop_shuffle(),
        dupes in prop::collection::vec(0usize..64, 0..8),
    ) {
        let (events, r, hash, fresh) = race(ahead);
        let one = State::fold(&events);
        prop_assert!(events.len() <= 64);
        let mut mixed: Vec<Event> = order.iter().filter(|i| **i < events.len()).map(|i| events[*i].clone()).collect();
        mixed.extend(dupes.iter().filter(|i| **i < events.len()).map(|i| events[*i].clone()));
        let two = State::fold(&mixed);
        prop_assert_eq!(&one, &two);
        // The void wins whatever the clocks: the old code is void, its
        // roll entry is not counted; the new batch votes.
        prop_assert_eq!(judged(&two, &r, &hash), (Err(P::VoidedCode), (0, 6)));
        prop_assert_eq!(judged(&two, &r, &fresh).0, Ok(()));
        // A snapshot keeps what was voided (the register's history).
        let stored = zhibu_core::snapshot::to_json(&two);
        let back = zhibu_core::snapshot::from_json(&stored).unwrap();
        prop_assert_eq!(judged(&back, &r, &hash), (Err(P::VoidedCode), (0, 6)));
    }
}

#[test]
fn the_issuing_device_keeps_its_sheet_until_voting_closes_or_a_new_batch_stands() {
    let (mut b, r, ms, old) = code_round();
    let keeps = |b: &Branch, codes: &[String]| code_batches::keeps_sheet(b.state(), &r, codes);
    assert!(keeps(&b, &old));
    vote_code(&mut b, &r, &old[0], &ms[..1]).unwrap();
    assert!(keeps(&b, &old), "a used code's slip was handed out: the sheet is still the sheet");
    let new = reissue(&mut b, &r, 5).unwrap();
    assert!(!keeps(&b, &old[1..]), "voided codes: nothing left to print");
    assert!(keeps(&b, &new));
    b.advance(&r, Stage::Closed).unwrap();
    assert!(!keeps(&b, &new), "voting closed: the sheet goes");
    assert!(!code_batches::keeps_sheet(b.state(), &RoundId("gone".into()), &new), "no such round");
}
