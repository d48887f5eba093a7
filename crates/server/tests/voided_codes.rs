//! Voided 投票码 on the server (issue 20, item 2), on both engines: after
//! the organizer voids the unused codes and issues a new batch, a ballot
//! with an old unused code — from a kiosk that never heard of the void —
//! is refused and not counted, by the same core rule the app folds
//! (`code_batches`); used codes keep counting; and a void that would drop
//! a code the server has already counted is refused.

#[macro_use]
mod common;

use common::*;
use serde_json::json;
use zhibu_core::ballot::code_hash;
use zhibu_core::code_batches;
use zhibu_core::event::Payload;
use zhibu_core::ids::MemberId;
use zhibu_core::rounds::{Mode, RoundValue, Stage, Voter};
use zhibu_core::sync::{BoxResponse, Outcome, PushResponse, Reason};

both_engines!(a_voided_code_is_refused_and_not_counted);

#[track_caller]
fn is(r: &PushResponse, events: &[Outcome], ballots: &[Outcome]) {
    let got: (Vec<Outcome>, Vec<Outcome>) =
        (r.events.iter().map(|e| e.outcome).collect(), r.ballots.iter().map(|b| b.outcome).collect());
    assert_eq!(got, (events.to_vec(), ballots.to_vec()), "{r:?}");
}

fn randomness(n: usize) -> Vec<[u8; 16]> {
    (0..n).map(|_| random16()).collect()
}

async fn a_voided_code_is_refused_and_not_counted(engine: Engine) {
    use Outcome::{Accepted, Rejected};
    let server = Server::start_default(&engine).await;
    let organizer = server.create_branch("作废投票码支部").await;
    let laptop = Writer::laptop();
    let tablet = Writer::laptop();
    let mut book = Book::new();
    let mut members = Vec::new();
    let mut events = Vec::new();
    for name in ["甲", "乙", "丙", "丁"] {
        let (m, e) = book.add_member(&laptop, name);
        members.push(m);
        events.push(e);
    }
    let [a, _, c, _] = <[MemberId; 4]>::try_from(members).unwrap();
    let r = round_to_voting(&mut book, &laptop, rules("作废评选", Mode::Codes, 1, 1), &[(a.clone(), c.clone())]);
    let round = r.round.clone();
    events.extend(r.events);
    let first = code_batches::issue(&book.state, &round, &randomness(4)).unwrap();
    events.push(book.record(&laptop, first.payloads[0].clone()));
    events.push(book.advance(&laptop, &round, Stage::Voting));
    server.push_ok(&organizer.token, &events).await;
    let old: Vec<String> = first.codes.iter().map(|code| code_hash(&round, code)).collect();

    // The kiosk on the laptop takes old code 0; the tablet, offline, saw
    // the first batch only.
    let mut offline = Book::new();
    offline.apply(&events);
    let used = book.record(&laptop, voted(&round, Voter::Code(old[0].clone())));
    let resp = server.push(&organizer.token, &[used], &[ballot(&round, std::slice::from_ref(&c))]).await;
    is(&resp, &[Accepted], &[Accepted]);

    // The organizer voids the three unused codes: three new ones at most.
    assert!(code_batches::reissue(&book.state, &round, &randomness(4)).is_err(), "never more live codes than voters");
    let second = code_batches::reissue(&book.state, &round, &randomness(3)).unwrap();
    let void = book.record(&laptop, second.payloads[0].clone());
    server.push_ok(&organizer.token, &[void]).await;

    // The tablet's old unused code arrives: refused as voided, its ballot not taken.
    let late = offline.record(&tablet, voted(&round, Voter::Code(old[1].clone())));
    let resp = server.push(&organizer.token, &[late], &[ballot(&round, std::slice::from_ref(&c))]).await;
    is(&resp, &[Rejected], &[Rejected]);
    assert_eq!((resp.events[0].reason, resp.ballots[0].reason), (Some(Reason::VoidedCode), Some(Reason::BoxFull)));

    // A new code votes; the used old one is still used.
    let fresh = code_hash(&round, &second.codes[0]);
    let new_vote = book.record(&laptop, voted(&round, Voter::Code(fresh.clone())));
    let again = book.draft(&laptop, voted(&round, Voter::Code(old[0].clone())));
    let resp = server.push(&organizer.token, &[new_vote, again], &[ballot(&round, std::slice::from_ref(&c))]).await;
    is(&resp, &[Accepted, Rejected], &[Accepted]);
    assert_eq!(resp.events[1].reason, Some(Reason::UsedCode));

    // A void from a device that had not seen the new code used is refused:
    // that ballot is in the box for good.
    let stale = book.draft(
        &tablet,
        Payload::RoundSaved { round: round.clone(), changes: vec![RoundValue::Codes(vec![old[0].clone()])] },
    );
    let resp = server.push(&organizer.token, &[stale], &[]).await;
    is(&resp, &[Rejected], &[]);
    assert_eq!(resp.events[0].reason, Some(Reason::DropsUsedCode));

    // Two ballots counted: the used old code's and the new code's.
    let closed: BoxResponse =
        server.post(&format!("/api/rounds/{round}/box"), Some(&organizer.token), &json!({})).await.body();
    assert_eq!(closed.ballots.len(), 2);
}
