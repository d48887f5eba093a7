//! Rules the round and ballot commands own (`zhibu_core::commands`): a
//! round the records do not have, a named ballot only from the voter's own
//! phone (never the organizer's shared device), a revision only with the
//! secret the phone kept, a paper ballot only on the organizer's device,
//! and a code once. Each refusal records nothing.

mod branch;

use branch::{Branch, code_round, rules, voting_round};
use zhibu_core::ballot;
use zhibu_core::commands::ballots::{Phone, enter_paper, vote_code, vote_named};
use zhibu_core::commands::rounds::{
    advance_round, handle_objection, issue_codes, nominate, object, review, save_round, start_runoff,
};
use zhibu_core::event::Payload;
use zhibu_core::ids::{ObjectionId, RoundId};
use zhibu_core::rounds::{self, RoundProblem as P, Rules, Stage, Voter};

#[test]
fn a_round_the_records_do_not_have_is_refused_by_every_command() {
    let (mut b, _, ms) = voting_round(4, 1, rules(1));
    let before = b.records.pending_len();
    let gone = RoundId("r99".into());
    let (voter, candidate) = (&ms[3], &ms[0]);
    let own = Phone { organizer: false, me: Some(voter), secret: None };
    let desk = Phone { organizer: true, me: None, secret: None };
    let choices = std::slice::from_ref(candidate);
    let refusals = [
        b.command(None, |s, a| save_round(s, a, Some(&gone), rules(1))).err(),
        b.command(None, |s, a| advance_round(s, a, &gone, Stage::Nomination)).err(),
        b.command(None, |s, a| issue_codes(s, a, &gone, 1, false)).err(),
        b.command(Some(voter), |s, a| nominate(s, a, &gone, (voter, candidate), "事迹")).err(),
        b.command(None, |s, _| review(s, &gone, candidate, true, "")).err(),
        b.command(None, |s, a| start_runoff(s, a, &gone, "复选")).err(),
        b.command(Some(voter), |s, a| object(s, a, &gone, None, "异议")).err(),
        b.command(None, |s, _| handle_objection(s, &gone, &ObjectionId("o1".into()), false, "核实")).err(),
        b.command(Some(voter), |s, a| vote_named(s, a, &own, (&gone, voter), choices)).err(),
        b.command(None, |s, a| enter_paper(s, a, &desk, (&gone, voter), choices)).err(),
        b.command(None, |s, a| vote_code(s, a, &gone, "ABCDEFGHJK", choices)).err(),
    ];
    assert!(refusals.iter().all(|r| r == &Some(P::UnknownRound)), "{refusals:?}");
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
}

#[test]
fn a_named_ballot_is_cast_only_on_the_voters_own_phone() {
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    let voter = &ms[4];
    let choices = &ms[..1];
    let try_on = |b: &mut Branch, phone: Phone| {
        b.command(Some(voter), |s, a| vote_named(s, a, &phone, (&r, voter), choices)).err()
    };
    // The organizer's device is shared, even when its keeper is the voter.
    assert_eq!(try_on(&mut b, Phone { organizer: true, me: Some(voter), secret: None }), Some(P::OwnDeviceOnly));
    assert_eq!(try_on(&mut b, Phone { organizer: false, me: Some(&ms[5]), secret: None }), Some(P::OwnDeviceOnly));
    assert_eq!(try_on(&mut b, Phone { organizer: false, me: None, secret: None }), Some(P::OwnDeviceOnly));
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (0, 6), "nothing recorded");
    // Paper ballots are the organizer's device's alone.
    let phone = Phone { organizer: false, me: Some(&ms[5]), secret: None };
    let paper = b.command(Some(&ms[5]), |s, a| enter_paper(s, a, &phone, (&r, voter), choices)).err();
    assert_eq!(paper, Some(P::OwnDeviceOnly));
    // On their own phone it is cast: one roll entry naming them, made as them.
    let own = Phone { organizer: false, me: Some(voter), secret: None };
    let change = b.command(Some(voter), |s, a| vote_named(s, a, &own, (&r, voter), choices)).unwrap();
    let [roll] = <[_; 1]>::try_from(change.events.clone()).unwrap();
    assert_eq!(roll.actor.as_ref(), Some(voter));
    assert_eq!(roll.payload, Payload::Voted { round: r.clone(), voter: Voter::Member(voter.clone()) });
    assert_eq!((change.value.ballot.rev, change.value.keep_secret), (0, None), "no secret without revision");
}

#[test]
fn a_revision_reuses_the_kept_slot_and_needs_its_secret() {
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    let voter = &ms[4];
    // A first vote where revising is allowed: the phone is handed a secret
    // to keep, and the slot is that secret's.
    let first = b.vote(&r, voter, &ms[..1]).unwrap();
    let secret = first.keep_secret.expect("a secret to keep");
    assert_eq!(first.slot, ballot::slot_of_secret(&r, &secret));
    assert_eq!(first.ballot.rev, 0);
    // Without the secret (a phone that lost it, or another device): refused.
    assert_eq!(b.vote(&r, voter, &ms[1..2]).err(), Some(P::KeyRequired));
    // With it: the same slot, the next revision, no second roll entry.
    let roll = b.state().roll.0.clone();
    let own = Phone { organizer: false, me: Some(voter), secret: Some(secret) };
    let change = b.command(Some(voter), |s, a| vote_named(s, a, &own, (&r, voter), &ms[1..2])).unwrap();
    assert!(change.events.is_empty(), "a revision adds nothing to the roll");
    let revised = b.cast(&branch::phone(voter), change).1;
    assert_eq!((revised.slot.as_str(), revised.ballot.rev, revised.keep_secret), (first.slot.as_str(), 1, None));
    assert_eq!(b.state().roll.0, roll);
    assert_eq!(ballot::box_of(b.state(), &r).len(), 1, "replaced, not added");
}

/// A phone that kept one member's secret for the round and now belongs to
/// another (joined again with another member's card): that member's first
/// vote takes a slot of its own, never the kept one.
#[test]
fn a_first_vote_never_takes_the_slot_of_a_secret_kept_for_someone_else() {
    let (mut b, r, ms) = voting_round(6, 2, Rules { revision: true, ..rules(1) });
    let kept = b.vote(&r, &ms[3], &ms[..1]).unwrap().keep_secret.unwrap();
    let theirs = b.vote_with(&r, &ms[4], &ms[1..2], Some(kept)).unwrap();
    assert_ne!(theirs.slot, ballot::slot_of_secret(&r, &kept));
    assert_eq!(theirs.ballot.rev, 0);
    let fresh = theirs.keep_secret.expect("a secret of their own to keep");
    assert_ne!(fresh, kept);
    let t = rounds::count(b.state(), &b.round(&r));
    assert_eq!((t.cast, t.votes(&ms[0]), t.votes(&ms[1])), (2, 1, 1), "both ballots count");
}

#[test]
fn a_code_votes_once() {
    let (mut b, r, ms, codes) = code_round();
    b.vote_code("kiosk", &r, &codes[0], &ms[..1]).unwrap();
    let before = b.records.pending_len();
    assert_eq!(b.vote_code("kiosk", &r, &codes[0], &ms[1..2]).err(), Some(P::UsedCode));
    let lower = codes[0].to_lowercase();
    assert_eq!(b.vote_code("kiosk", &r, &lower, &[]).err(), Some(P::UsedCode), "however it is typed");
    assert_eq!(b.records.pending_len(), before, "nothing recorded");
    assert_eq!(ballot::box_of(b.state(), &r).len(), 1);
    b.vote_code("kiosk", &r, &codes[1], &ms[1..2]).unwrap();
    assert_eq!(rounds::turnout(b.state(), &b.round(&r)), (2, 6));
}
