//! The ballot shows each candidate's 事迹 (issue 20, item 3): from the
//! nominations, on a member's phone too (what a pull hands it), never a
//! rejected nominee's, and on a run-off's ballot the deeds of the round it
//! runs off (a run-off has no nominations of its own).

mod branch;

use branch::{Branch, DEEDS, rules};
use zhibu_core::deeds;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{self, Stage};
use zhibu_core::state::State;
use zhibu_core::sync::{Principal, Role};
use zhibu_core::visibility;

/// Eight members; the first three nominated by the last three with
/// [`DEEDS`]; the third rejected; a tie between the first two for one
/// honour (3 votes each, one blank), closed.
fn tied_round() -> (Branch, RoundId, Vec<MemberId>) {
    let mut b = Branch::new();
    let ms = b.full(8);
    let r = b.new_round(rules(1)).unwrap();
    b.advance(&r, Stage::Nomination).unwrap();
    for (by, nominee) in [(7, 0), (6, 1), (5, 2)] {
        b.nominate(&r, &ms[by], &ms[nominee], DEEDS).unwrap();
    }
    b.advance(&r, Stage::Review).unwrap();
    b.review(&r, &ms[0], true, "").unwrap();
    b.review(&r, &ms[1], true, "").unwrap();
    b.review(&r, &ms[2], false, "不符合推荐条件").unwrap();
    b.advance(&r, Stage::Voting).unwrap();
    for (i, voter) in ms[2..].iter().enumerate() {
        let choice = if i < 3 {
            &ms[..1]
        } else if i < 6 {
            &ms[1..2]
        } else {
            &[][..]
        };
        b.vote(&r, voter, choice).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    (b, r, ms)
}

#[test]
fn each_candidate_has_the_deeds_of_their_nomination() {
    let (b, r, ms) = tied_round();
    let round = b.round(&r);
    let on_ballot = rounds::candidates(b.state(), &round);
    assert_eq!(on_ballot, ms[..2].to_vec(), "the rejected nominee is not on the ballot");
    for c in &on_ballot {
        assert_eq!(deeds::of(b.state(), &r, c), vec![DEEDS.to_owned()]);
    }
}

#[test]
fn a_member_phone_receives_the_candidates_deeds() {
    let (b, r, ms) = tied_round();
    let phone = Principal { role: Role::Member, member: Some(ms[4].clone()) };
    let seen: Vec<_> = b.records.pending().filter_map(|e| visibility::as_seen(&phone, e, |_| None)).collect();
    let state = State::fold(&seen);
    let round = state.round(&r).expect("the phone has the round");
    for c in rounds::candidates(&state, &round) {
        assert_eq!(deeds::of(&state, &r, &c), vec![DEEDS.to_owned()], "{c} on the phone's ballot");
    }
}

#[test]
fn a_runoff_ballot_shows_the_deeds_of_the_round_it_runs_off() {
    let (mut b, r, ms) = tied_round();
    let r2 = b.runoff(&r, "再次投票").unwrap();
    b.advance(&r2, Stage::Voting).unwrap();
    let on_ballot = rounds::candidates(b.state(), &b.round(&r2));
    assert_eq!(on_ballot, ms[..2].to_vec());
    for c in &on_ballot {
        assert_eq!(deeds::of(b.state(), &r2, c), vec![DEEDS.to_owned()], "{c} on the run-off ballot");
    }
}
