//! A count that elects nobody (issue 20, item 1): the results say 无人当选
//! with every candidate's votes, 公示 and 表彰 are refused, and the
//! organizer gets what the rules allow — a run-off among the top
//! candidates (另行选举), or an end without a result. A tie at the last
//! place goes the run-off way too. Both paths end to end, through the
//! core's commands.

mod branch;

use branch::{Branch, DESK, rules, voting_round};
use zhibu_core::document;
use zhibu_core::event::Payload;
use zhibu_core::ids::MemberId;
use zhibu_core::outcome::{self, Next, Runoff, RunoffWhy};
use zhibu_core::rounds::{self, Audited, Electorate, RoundProblem as P, RoundValue, Rules, Stage, StageChange};

fn next(b: &Branch, r: &zhibu_core::ids::RoundId) -> Next {
    outcome::after_count(b.state(), &b.round(r)).expect("counted")
}

/// Six members, candidates ms[0] and ms[1], one honour (needed: 4 of 6
/// 应到): ms[0] gets 3 votes, ms[1] 2, one ballot is blank.
fn no_winner_round() -> (Branch, zhibu_core::ids::RoundId, Vec<MemberId>) {
    let (mut b, r, ms) = voting_round(6, 2, rules(1));
    for voter in &ms[2..5] {
        b.vote(&r, voter, &ms[..1]).unwrap();
    }
    b.vote(&r, &ms[5], &ms[1..2]).unwrap();
    b.vote(&r, &ms[0], &ms[1..2]).unwrap();
    b.vote(&r, &ms[1], &[]).unwrap();
    b.advance(&r, Stage::Closed).unwrap();
    (b, r, ms)
}

#[test]
fn no_winner_says_so_with_every_candidates_votes() {
    let (b, r, ms) = no_winner_round();
    let t = b.results(&r).unwrap();
    assert_eq!((t.cast, t.blank, t.needed), (6, 1, 4));
    assert_eq!(t.counts, vec![(ms[0].clone(), 3), (ms[1].clone(), 2)], "each candidate's votes");
    assert!(t.elected.is_empty() && t.tied.is_empty());
    assert_eq!(
        next(&b, &r),
        Next {
            no_winner: true,
            publicity: false,
            runoff: Some(Runoff { why: RunoffWhy::Unfilled, candidates: ms[..2].to_vec(), seats: 1 }),
            end: true,
        }
    );
}

#[test]
fn no_winner_refuses_publicity_and_commendation() {
    let (mut b, r, _) = no_winner_round();
    assert_eq!(b.advance(&r, Stage::Publicity), Err(P::NoWinner));
    assert_eq!(b.stage(&r), Stage::Closed, "nothing recorded");

    // A round an older app moved to 公示 anyway cannot go on to 表彰.
    let round = b.round(&r);
    let stage = StageChange { stage: Stage::Publicity, publicity_at: Some(b.now()), ..round.stage.clone() };
    // An older app's event: the advance command refuses it now.
    b.foreign(DESK, None, Payload::RoundSaved { round: r.clone(), changes: vec![RoundValue::Stage(stage)] });
    assert_eq!(b.stage(&r), Stage::Publicity);
    assert_eq!(b.advance(&r, Stage::Final), Err(P::NoWinner));
}

#[test]
fn no_winner_runs_off_among_the_top_candidates_to_a_result() {
    let (mut b, r, ms) = no_winner_round();
    let runoff = rounds::runoff(b.state(), &b.round(&r), "2026年度身边最美党员（再次投票）").unwrap();
    assert_eq!(runoff.candidates, Some(ms[..2].to_vec()));
    assert_eq!((runoff.honours, runoff.k), (1, 1));
    assert_eq!(runoff.voters, Electorate::List(ms.clone()), "the same voters");
    assert_eq!(runoff.runoff_of, Some(r.clone()));

    let r2 = b.runoff(&r, "2026年度身边最美党员（再次投票）").unwrap();
    assert_eq!(b.round(&r2).rules, runoff);
    b.advance(&r2, Stage::Voting).unwrap();
    for voter in &ms[1..] {
        b.vote(&r2, voter, &ms[..1]).unwrap();
    }
    b.vote(&r2, &ms[0], &ms[1..2]).unwrap();
    b.advance(&r2, Stage::Closed).unwrap();
    assert_eq!(b.results(&r2).unwrap().elected, ms[..1].to_vec());
    assert_eq!(next(&b, &r2), Next { no_winner: false, publicity: true, runoff: None, end: false });
    b.advance(&r2, Stage::Publicity).unwrap();
    b.advance(&r2, Stage::Final).unwrap();
    assert_eq!(rounds::honoured(b.state(), &b.round(&r2)), ms[..1].to_vec());
}

#[test]
fn no_winner_ends_without_a_result() {
    let (mut b, r, ms) = no_winner_round();
    assert_eq!(b.advance(&r, Stage::NoResult), Ok(()));
    let round = b.round(&r);
    assert_eq!(round.stage(), Stage::NoResult);
    assert!(round.stage.sealed.is_some() && round.stage.entitled.as_deref() == Some(&ms[..]), "carried on");
    assert_eq!(b.results(&r).unwrap().counts[0], (ms[0].clone(), 3), "the votes stay on show");
    assert_eq!(next(&b, &r), Next { no_winner: true, publicity: false, runoff: None, end: false });
    assert_eq!(b.runoff(&r, "再次投票"), Err(P::NoRunoff));
    for to in Stage::ALL.into_iter().chain([Stage::NoResult]) {
        assert_eq!(b.advance(&r, to), Err(P::NotNextStage), "nothing after the end: {to:?}");
    }
    assert_eq!(
        b.object(&r, &ms[2], None, "异议"),
        Err(P::WrongStage { needed: Stage::Publicity, actual: Stage::NoResult })
    );
    assert!(rounds::honoured(b.state(), &b.round(&r)).is_empty());
    let audit = rounds::audit(b.state(), &r);
    assert_eq!(audit.last().map(|e| &e.what), Some(&Audited::Stage(Stage::NoResult)));
    assert_eq!(Stage::NoResult.path().last(), Some(&Stage::NoResult));
    assert!(!Stage::NoResult.path().contains(&Stage::Publicity));

    // The end survives a backup and its reading back.
    let text = document::to_json(&b.records);
    let doc = document::parse(&text).unwrap();
    let mut copy = zhibu_core::records::Records::default();
    doc.merge_into(&mut copy);
    assert_eq!(copy.state().round(&r).map(|r| r.stage()), Some(Stage::NoResult));
}

#[test]
fn only_a_round_without_a_winner_ends_without_a_result() {
    let (mut b, r, ms) = voting_round(4, 1, rules(1));
    assert_eq!(b.advance(&r, Stage::NoResult), Err(P::NotNextStage), "not while voting");
    for voter in &ms[1..] {
        b.vote(&r, voter, &ms[..1]).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    assert_eq!(b.advance(&r, Stage::NoResult), Err(P::HasResult));
    assert_eq!(next(&b, &r), Next { no_winner: false, publicity: true, runoff: None, end: false });
}

/// Six members, candidates ms[0] and ms[1], one honour, K = 2: four ballots
/// name both, so each has 4 votes (needed: 4) and they tie for the one place.
#[test]
fn a_tie_at_the_last_place_runs_off_end_to_end() {
    let (mut b, r, ms) = voting_round(6, 2, Rules { k: 2, ..rules(1) });
    for voter in &ms[2..] {
        b.vote(&r, voter, &ms[..2]).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    let t = b.results(&r).unwrap();
    assert_eq!((t.votes(&ms[0]), t.votes(&ms[1]), t.needed), (4, 4, 4));
    assert_eq!((t.elected.is_empty(), t.tied.clone(), t.tied_seats), (true, ms[..2].to_vec(), 1));
    assert_eq!(
        next(&b, &r),
        Next {
            no_winner: true,
            publicity: false,
            runoff: Some(Runoff { why: RunoffWhy::Tie, candidates: ms[..2].to_vec(), seats: 1 }),
            end: true,
        }
    );
    assert_eq!(b.advance(&r, Stage::Publicity), Err(P::NoWinner), "a tie is resolved, not published");

    let runoff = rounds::runoff(b.state(), &b.round(&r), "再次投票").unwrap();
    assert_eq!((runoff.candidates.clone(), runoff.honours, runoff.k), (Some(ms[..2].to_vec()), 1, 1));
    let r2 = b.runoff(&r, "再次投票").unwrap();
    assert_eq!(b.round(&r2).rules, runoff);
    b.advance(&r2, Stage::Voting).unwrap();
    for voter in &ms[2..] {
        b.vote(&r2, voter, &ms[1..2]).unwrap();
    }
    b.vote(&r2, &ms[0], &ms[1..2]).unwrap();
    b.vote(&r2, &ms[1], &ms[..1]).unwrap();
    b.advance(&r2, Stage::Closed).unwrap();
    assert_eq!(b.results(&r2).unwrap().elected, ms[1..2].to_vec());
    b.advance(&r2, Stage::Publicity).unwrap();
    b.advance(&r2, Stage::Final).unwrap();
    assert_eq!(rounds::honoured(b.state(), &b.round(&r2)), ms[1..2].to_vec());
}

/// Eight members, two honours, K = 2: ms[0] is elected with 6, ms[1] and ms[2]
/// tie with 5 (needed: 5) for the second place. 公示 of ms[0] may go ahead;
/// the tie runs off for the one place left.
#[test]
fn a_tie_below_a_winner_offers_the_runoff_beside_publicity() {
    let (mut b, r, ms) = voting_round(8, 4, rules(2));
    let votes: [(usize, [usize; 2]); 8] =
        [(4, [0, 1]), (5, [0, 1]), (6, [0, 2]), (7, [0, 2]), (1, [0, 2]), (2, [0, 1]), (0, [1, 2]), (3, [1, 2])];
    for (voter, choices) in votes {
        b.vote(&r, &ms[voter], &[ms[choices[0]].clone(), ms[choices[1]].clone()]).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    assert_eq!(
        next(&b, &r),
        Next {
            no_winner: false,
            publicity: true,
            runoff: Some(Runoff { why: RunoffWhy::Tie, candidates: ms[1..3].to_vec(), seats: 1 }),
            end: false,
        }
    );
    assert_eq!(b.advance(&r, Stage::NoResult), Err(P::HasResult));
}

/// Ten members, five candidates, two honours, K = 2 (needed: 6): ms[0] is
/// elected with 6; ms[1] has 4, ms[2] and ms[3] 3 each, ms[4] none. The second
/// place runs off among the next ones, one more than the places left (差额),
/// everyone level with the last of them included (never cut silently).
#[test]
fn an_unfilled_place_runs_off_among_the_next_candidates() {
    let (mut b, r, ms) = voting_round(10, 5, rules(2));
    let ballots: [(usize, &[usize]); 10] = [
        (5, &[0, 1]),
        (6, &[0, 1]),
        (7, &[0, 2]),
        (8, &[0, 2]),
        (9, &[0, 3]),
        (1, &[0, 3]),
        (2, &[1, 3]),
        (3, &[1]),
        (0, &[2]),
        (4, &[]),
    ];
    for (voter, choices) in ballots {
        let choices: Vec<MemberId> = choices.iter().map(|c| ms[*c].clone()).collect();
        b.vote(&r, &ms[voter], &choices).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    let t = b.results(&r).unwrap();
    let votes: Vec<usize> = ms[..5].iter().map(|m| t.votes(m)).collect();
    assert_eq!((votes, t.needed, t.elected.clone()), (vec![6, 4, 3, 3, 0], 6, ms[..1].to_vec()));
    assert_eq!(
        next(&b, &r),
        Next {
            no_winner: false,
            publicity: true,
            runoff: Some(Runoff { why: RunoffWhy::Unfilled, candidates: ms[1..4].to_vec(), seats: 1 }),
            end: false,
        }
    );
    let runoff = rounds::runoff(b.state(), &b.round(&r), "再次投票").unwrap();
    assert_eq!((runoff.candidates, runoff.honours), (Some(ms[1..4].to_vec()), 1));
}

#[test]
fn all_blank_ballots_can_only_end_the_round() {
    let (mut b, r, ms) = voting_round(4, 2, rules(1));
    for voter in &ms {
        b.vote(&r, voter, &[]).unwrap();
    }
    b.advance(&r, Stage::Closed).unwrap();
    assert_eq!(next(&b, &r), Next { no_winner: true, publicity: false, runoff: None, end: true });
    assert_eq!(b.runoff(&r, "再次投票"), Err(P::NoRunoff), "nobody to run off");
    assert_eq!(b.advance(&r, Stage::Publicity), Err(P::NoWinner));
    b.advance(&r, Stage::NoResult).unwrap();
}
