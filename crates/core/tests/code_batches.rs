//! 投票码 batches (issue 20, item 2): the organizer voids every unused code
//! and issues a new batch; used codes keep counting, voided ones are
//! refused with their own problem, never more live codes than voters, and
//! a void racing an offline code ballot folds to the same state in any
//! order, with duplicates — the void wins (see `code_batches`).

mod branch;

use branch::{Branch, rid, rules};
use proptest::prelude::*;
use zhibu_core::ballot::{self, Ballot};
use zhibu_core::code_batches::{self, Batch};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::records::Records;
use zhibu_core::rounds::{self, Mode, RoundProblem as P, Rules, Stage, Voter};
use zhibu_core::state::State;

const KIOSK: &str = "kiosk-tablet";

fn randomness(n: usize, seed: u64) -> Vec<[u8; 16]> {
    (0..n as u64)
        .map(|i| {
            let mut r = [0u8; 16];
            r[..8].copy_from_slice(&(seed + i).to_le_bytes());
            r[8..].copy_from_slice(&(seed + i).wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
            r
        })
        .collect()
}

/// Records a batch on the organizer's device; returns its codes.
fn record(b: &mut Branch, batch: Result<Batch, P>) -> Result<Vec<String>, P> {
    let batch = batch?;
    for payload in batch.payloads {
        b.organizer(payload);
    }
    Ok(batch.codes)
}

fn issue(b: &mut Branch, r: &RoundId, n: usize, seed: u64) -> Result<Vec<String>, P> {
    let batch = code_batches::issue(b.state(), r, &randomness(n, seed));
    record(b, batch)
}

fn reissue(b: &mut Branch, r: &RoundId, n: usize, seed: u64) -> Result<Vec<String>, P> {
    let batch = code_batches::reissue(b.state(), r, &randomness(n, seed));
    record(b, batch)
}

/// A code ballot at a kiosk: the code's hash on the roll, the ballot in a
/// random slot. Returns the roll entry's event.
fn vote_code(b: &mut Branch, r: &RoundId, code: &str, choices: &[MemberId], slot: u64) -> Result<Event, P> {
    let round = b.round(r);
    let hash = rounds::check_code(b.state(), &round, code)?;
    let choices = rounds::check_choices(b.state(), &round, None, choices)?;
    let event = b.record(KIOSK, None, Payload::Voted { round: r.clone(), voter: Voter::Code(hash) });
    b.records.cast(r, &ballot::random_slot(&randomness(1, 9_000 + slot)[0]), Ballot { rev: 0, choices });
    Ok(event)
}

fn check(b: &Branch, r: &RoundId, code: &str) -> Result<String, P> {
    rounds::check_code(b.state(), &b.round(r), code)
}

/// Six full members, a code round with candidates m01 and m02, at review.
fn code_round_at_review() -> (Branch, RoundId, Vec<MemberId>) {
    let mut b = Branch::new();
    let ms = b.full(6);
    let r = rid("r1");
    b.rules(&r, Rules { mode: Mode::Codes, ..rules(1) }).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    b.nominate(&r, &ms[5], &ms[0]);
    b.nominate(&r, &ms[4], &ms[1]);
    b.advance(&r, Stage::Review).unwrap();
    b.review(&r, &ms[0], true, "").unwrap();
    b.review(&r, &ms[1], true, "").unwrap();
    (b, r, ms)
}

/// The same round open for voting with four codes issued.
fn code_round() -> (Branch, RoundId, Vec<MemberId>, Vec<String>) {
    let (mut b, r, ms) = code_round_at_review();
    let codes = issue(&mut b, &r, 4, 500).unwrap();
    b.advance(&r, Stage::Voting).unwrap();
    (b, r, ms, codes)
}

#[test]
fn reissue_voids_the_unused_codes_and_the_used_ones_keep_counting() {
    let (mut b, r, ms, old) = code_round();
    vote_code(&mut b, &r, &old[0], &ms[..1], 1).unwrap();
    vote_code(&mut b, &r, &old[1], &ms[1..2], 2).unwrap();

    // Six voters, two codes used: at most four new ones.
    let new = reissue(&mut b, &r, 4, 800).unwrap();
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
    assert_eq!(vote_code(&mut b, &r, &old[2], &ms[..1], 3).map(|_| ()), Err(P::VoidedCode));
    vote_code(&mut b, &r, &new[0], &ms[..1], 4).unwrap();
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
    assert_eq!(issue(&mut b, &r, 7, 1), Err(P::CodeCount { max: 6 }));
    assert_eq!(issue(&mut b, &r, 0, 1), Err(P::CodeCount { max: 6 }));
    assert_eq!(reissue(&mut b, &r, 2, 1), Err(P::NoCodes), "nothing to void before a first batch");
    let first = issue(&mut b, &r, 6, 1).unwrap();
    assert_eq!(issue(&mut b, &r, 1, 50), Err(P::CodesIssued), "a second batch is a reissue");
    // Before voting opens nothing is used: a new batch replaces the first.
    let second = reissue(&mut b, &r, 6, 100).unwrap();
    assert_eq!(check_after_opening(&mut b, &r, &first[0]), Err(P::VoidedCode));
    for (i, code) in second.iter().take(5).enumerate() {
        vote_code(&mut b, &r, code, &ms[..1], i as u64).unwrap();
    }
    assert_eq!(reissue(&mut b, &r, 2, 200), Err(P::CodeCount { max: 1 }));
    let third = reissue(&mut b, &r, 1, 300).unwrap();
    vote_code(&mut b, &r, &third[0], &ms[1..2], 9).unwrap();
    assert_eq!(reissue(&mut b, &r, 1, 400), Err(P::NoCodesLeft), "every voter has voted");
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
    assert_eq!(reissue(&mut b, &r, 1, 1), Err(P::WrongStage { needed: Stage::Voting, actual: Stage::Closed }));
    let (mut named, r2, _) = branch::voting_round(4, 1, rules(1));
    assert_eq!(reissue(&mut named, &r2, 1, 1), Err(P::WrongMode));
    assert_eq!(issue(&mut named, &r2, 1, 1), Err(P::WrongMode));
    assert_eq!(code_batches::reissue(b.state(), &rid("nope"), &randomness(1, 1)), Err(P::UnknownRound));
}

#[test]
fn the_server_refuses_a_void_that_drops_a_code_it_has_counted() {
    let (mut b, r, ms, old) = code_round();
    // The organizer voids, not knowing the kiosk used old[0] meanwhile.
    let unaware = code_batches::reissue(b.state(), &r, &randomness(6, 800)).unwrap();
    vote_code(&mut b, &r, &old[0], &ms[..1], 1).unwrap();
    let Payload::RoundSaved { changes, .. } = &unaware.payloads[0] else { panic!("a round change") };
    let later = zhibu_core::clock::Stamp { clock: b.state().max_clock + 1, device: "organizer-laptop".into() };
    assert_eq!(code_batches::check_write(b.state(), &r, &changes[0], &later), Err(P::DropsUsedCode));
    // One made after syncing keeps the used code and passes.
    let aware = code_batches::reissue(b.state(), &r, &randomness(5, 900)).unwrap();
    let Payload::RoundSaved { changes, .. } = &aware.payloads[0] else { panic!("a round change") };
    assert_eq!(code_batches::check_write(b.state(), &r, &changes[0], &later), Ok(()));
    // An older write (a device's history, unfolded) loses anyway: not judged.
    let older = zhibu_core::clock::Stamp { clock: 1, device: "organizer-laptop".into() };
    let Payload::RoundSaved { changes, .. } = &unaware.payloads[0] else { panic!("a round change") };
    assert_eq!(code_batches::check_write(b.state(), &r, &changes[0], &older), Ok(()));
}

/// The race: the organizer voids while an offline kiosk, which never saw
/// the void, uses an old code — with a higher clock or a lower one.
fn race(kiosk_clock_ahead: bool) -> (Vec<Event>, RoundId, String, String) {
    let (mut b, r, _, old) = code_round();
    let before = b.state().clone();
    // The kiosk's view: it votes old[0] on the state before the void.
    let mut kiosk = Records::from_snapshot(before.clone());
    let hash = ballot::code_hash(&r, &old[0]);
    if kiosk_clock_ahead {
        for i in 0..5 {
            let m = MemberId(format!("m0{}", i % 6 + 1));
            let name = zhibu_core::roster::FieldValue::Name(format!("改名{i}"));
            kiosk.record(stamp(KIOSK, 100 + i), Payload::MemberEdited { member: m, changes: vec![name] });
        }
    }
    let voted = kiosk.record(stamp(KIOSK, 200), Payload::Voted { round: r.clone(), voter: Voter::Code(hash.clone()) });
    // The organizer's view: it voids on the state before the kiosk's vote
    // (after edits of its own when the kiosk's clock is the lower one).
    if !kiosk_clock_ahead {
        let edit = Payload::MemberEdited {
            member: MemberId("m01".into()),
            changes: vec![zhibu_core::roster::FieldValue::Name("改名".into())],
        };
        for _ in 0..5 {
            b.organizer(edit.clone());
        }
    }
    let batch = code_batches::reissue(&before, &r, &randomness(6, 800)).unwrap();
    let void = b.organizer(batch.payloads[0].clone());
    assert_eq!(void.clock > voted.clock, !kiosk_clock_ahead, "the race goes both ways");
    let mut events: Vec<Event> = b.records.pending().cloned().collect();
    events.extend(kiosk.pending().cloned());
    let fresh = ballot::code_hash(&r, &batch.codes[0]);
    (events, r, hash, fresh)
}

fn stamp(device: &str, n: u64) -> zhibu_core::records::EventStamp {
    let mut random = [0u8; 16];
    random[..8].copy_from_slice(&n.to_le_bytes());
    zhibu_core::records::EventStamp {
        device: zhibu_core::ids::DeviceId(device.into()),
        actor: None,
        unix_ms: branch::T0 + 10_000 + n as i64,
        random,
    }
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
    vote_code(&mut b, &r, &old[0], &ms[..1], 1).unwrap();
    assert!(keeps(&b, &old), "a used code's slip was handed out: the sheet is still the sheet");
    let new = reissue(&mut b, &r, 5, 800).unwrap();
    assert!(!keeps(&b, &old[1..]), "voided codes: nothing left to print");
    assert!(keeps(&b, &new));
    b.advance(&r, Stage::Closed).unwrap();
    assert!(!keeps(&b, &new), "voting closed: the sheet goes");
    assert!(!code_batches::keeps_sheet(b.state(), &rid("gone"), &new), "no such round");
}
