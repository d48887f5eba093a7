//! Who may put a ballot in the box, and who may replace one (issue 22,
//! items 4 and 5), on both engines: a named ballot comes only from the
//! member's own device (a committee or organizer device enters a paper
//! ballot openly instead); a revision replaces a ballot only with the key
//! behind its slot, adds no second roll entry, and stops at the close.

#[macro_use]
mod common;

use common::*;
use serde_json::{Value, json};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{Mode, Rules, Stage, Voter};
use zhibu_core::sync::{BoxResponse, Outcome, PushResponse, Reason, Role, Session};

both_engines!(
    a_committee_device_cannot_vote_as_a_member,
    a_paper_ballot_is_entered_openly,
    paper_ballots_entered_together_pair_in_any_order,
    a_slot_opens_only_with_its_key,
    a_revision_adds_no_roll_entry,
    a_roll_entry_sent_again_under_another_id_is_a_duplicate,
    no_revision_after_the_close,
    a_revision_without_a_key_is_refused_clearly,
);

#[track_caller]
fn event_is(r: &PushResponse, i: usize, outcome: Outcome, reason: Option<Reason>) {
    let e = &r.events[i];
    assert_eq!((e.outcome, e.reason), (outcome, reason), "event {i}: {r:?}");
}

#[track_caller]
fn ballot_is(r: &PushResponse, i: usize, outcome: Outcome, reason: Option<Reason>) {
    let b = &r.ballots[i];
    assert_eq!((b.outcome, b.reason), (outcome, reason), "ballot {i}: {r:?}");
}

/// A branch with a named round at voting: two candidates, three voters
/// with phones, and one member without a phone.
struct Setup {
    server: Server,
    organizer: Session,
    laptop: Writer,
    book: Book,
    round: RoundId,
    cands: [MemberId; 2],
    voters: [MemberId; 3],
    phones: [Session; 3],
    phoneless: MemberId,
}

async fn setup(engine: &Engine, revision: bool) -> Setup {
    let server = Server::start_default(engine).await;
    let organizer = server.create_branch("选票支部").await;
    let laptop = Writer::laptop();
    let mut book = Book::new();
    let mut members = Vec::new();
    let mut events = Vec::new();
    for name in ["候选甲", "候选乙", "甲", "乙", "丙", "无手机"] {
        let (m, e) = book.add_member(&laptop, name);
        members.push(m);
        events.push(e);
    }
    server.push_ok(&organizer.token, &events).await;
    let [c1, c2, v1, v2, v3, phoneless] = <[MemberId; 6]>::try_from(members).unwrap();
    let rules = Rules { revision, ..rules("选票评选", Mode::Named, 1, 1) };
    let r = round_to_voting(&mut book, &laptop, rules, &[(v1.clone(), c1.clone()), (v2.clone(), c2.clone())]);
    server.push_ok(&organizer.token, &r.events).await;
    let mut phones = Vec::new();
    for v in [&v1, &v2, &v3] {
        phones.push(server.join(&organizer, v, Role::Member).await);
    }
    Setup {
        server,
        organizer,
        laptop,
        book,
        round: r.round,
        cands: [c1, c2],
        voters: [v1, v2, v3],
        phones: <[Session; 3]>::try_from(phones).unwrap(),
        phoneless,
    }
}

/// A ballot as the wire carries it (`key` only when given).
fn wire(round: &RoundId, slot: &str, rev: u32, choices: &[MemberId], key: Option<&str>) -> Value {
    let mut b = json!({"round": round, "slot": slot, "rev": rev, "choices": choices});
    if let Some(key) = key {
        b["key"] = json!(key);
    }
    b
}

/// The slot a device's secret gives, and the key it shows to revise.
fn keyed(round: &RoundId, secret: &[u8; 16]) -> (String, String) {
    (zhibu_core::ballot::slot_of_secret(round, secret), hex(secret))
}

async fn push(server: &Server, token: &str, events: &[Event], ballots: &[Value]) -> PushResponse {
    let body = json!({"schema": zhibu_core::document::SCHEMA, "events": events, "ballots": ballots});
    let reply = server.post("/api/sync/push", Some(token), &body).await;
    reply.expect(200);
    let response: PushResponse = reply.body();
    assert_eq!((response.events.len(), response.ballots.len()), (events.len(), ballots.len()));
    response
}

/// A member's first vote from their own phone: the roll entry and a
/// ballot in the slot of `secret`.
async fn vote(s: &mut Setup, i: usize, secret: &[u8; 16], choice: &MemberId) -> PushResponse {
    let voter = s.voters[i].clone();
    let event = s.book.record(&Writer::phone(&voter), voted(&s.round, Voter::Member(voter)));
    let (slot, _) = keyed(&s.round, secret);
    let ballot = wire(&s.round, &slot, 0, std::slice::from_ref(choice), None);
    push(&s.server, &s.phones[i].token.clone(), &[event], &[ballot]).await
}

async fn close(s: &Setup) -> BoxResponse {
    s.server.post(&format!("/api/rounds/{}/box", s.round), Some(&s.organizer.token), &json!({})).await.body()
}

/// The roll entries of a round the server hands out.
async fn roll(s: &Setup) -> Vec<Voter> {
    let events = s.server.pull_all(&s.organizer.token).await;
    events
        .into_iter()
        .filter_map(|e| match e.payload {
            Payload::Voted { round, voter } if round == s.round => Some(voter),
            _ => None,
        })
        .collect()
}

/// Issue 22, item 4: a committee device cast a named vote as a member
/// without a phone, and that member could later not vote.
async fn a_committee_device_cannot_vote_as_a_member(engine: Engine) {
    let mut s = setup(&engine, false).await;
    let keeper = s.voters[2].clone();
    let committee = s.server.join(&s.organizer, &keeper, Role::Committee).await;
    let target = s.phoneless.clone();
    let cand = s.cands[0].clone();
    for (token, writer) in [
        (committee.token.clone(), Writer::phone(&keeper).acting_as(Some(&target))),
        (s.organizer.token.clone(), s.laptop.acting_as(Some(&target))),
    ] {
        let proxy = s.book.draft(&writer, voted(&s.round, Voter::Member(target.clone())));
        let slot = zhibu_core::ballot::random_slot(&random16());
        let r = push(&s.server, &token, &[proxy], &[wire(&s.round, &slot, 0, std::slice::from_ref(&cand), None)]).await;
        event_is(&r, 0, Outcome::Rejected, Some(Reason::OwnDeviceOnly));
        ballot_is(&r, 0, Outcome::Rejected, Some(Reason::VoteMissing));
    }
    // The member, once they have a phone, votes as themself.
    let phone = s.server.join(&s.organizer, &target, Role::Member).await;
    let own = s.book.record(&Writer::phone(&target), voted(&s.round, Voter::Member(target.clone())));
    let slot = zhibu_core::ballot::random_slot(&random16());
    let r = push(&s.server, &phone.token, &[own], &[wire(&s.round, &slot, 0, std::slice::from_ref(&cand), None)]).await;
    event_is(&r, 0, Outcome::Accepted, None);
    ballot_is(&r, 0, Outcome::Accepted, None);
    // A keeper's own named vote from its own device is still its own.
    let mine = s.book.record(&Writer::phone(&keeper), voted(&s.round, Voter::Member(keeper.clone())));
    let slot = zhibu_core::ballot::random_slot(&random16());
    let r = push(&s.server, &committee.token, &[mine], &[wire(&s.round, &slot, 0, std::slice::from_ref(&cand), None)])
        .await;
    event_is(&r, 0, Outcome::Accepted, None);
    assert_eq!(close(&s).await.ballots.len(), 2);
}

/// The way for a member without a phone: a record keeper enters their
/// paper ballot, on the roll as paper and in the audit log as the keeper's
/// act; then it is their one ballot.
async fn a_paper_ballot_is_entered_openly(engine: Engine) {
    let mut s = setup(&engine, true).await;
    let [c1, c2] = s.cands.clone();
    let (member, keeper) = (s.phoneless.clone(), s.voters[2].clone());
    let committee = s.server.join(&s.organizer, &keeper, Role::Committee).await;
    let round_id = s.round.clone();
    let fresh =
        |rev| wire(&round_id, &zhibu_core::ballot::random_slot(&random16()), rev, std::slice::from_ref(&c1), None);
    // Without its ballot, or with a revision number: refused.
    let alone = s.book.draft(&s.laptop, voted(&s.round, Voter::Paper(member.clone())));
    let r = push(&s.server, &s.organizer.token, std::slice::from_ref(&alone), &[]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::BallotMissing));
    let r = push(&s.server, &s.organizer.token, &[alone], &[fresh(1)]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::FirstRevision));
    // A phone may not enter paper ballots; a committee device only as itself.
    let by_phone = s.book.draft(&Writer::phone(&s.voters[0]), voted(&s.round, Voter::Paper(member.clone())));
    let r = push(&s.server, &s.phones[0].token, &[by_phone], &[fresh(0)]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::NotAllowed));
    let unnamed = s.book.draft(&s.laptop, voted(&s.round, Voter::Paper(member.clone())));
    let r = push(&s.server, &committee.token, &[unnamed], &[fresh(0)]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::NotOwn));
    // The organizer enters it.
    let entry = s.book.record(&s.laptop, voted(&s.round, Voter::Paper(member.clone())));
    let paper = fresh(0);
    let r = push(&s.server, &s.organizer.token, &[entry], std::slice::from_ref(&paper)).await;
    event_is(&r, 0, Outcome::Accepted, None);
    ballot_is(&r, 0, Outcome::Accepted, None);
    // Once is all: no second paper ballot, no named vote after it, no revision.
    let twice = s.book.draft(&Writer::phone(&keeper), voted(&s.round, Voter::Paper(member.clone())));
    let r = push(&s.server, &committee.token, &[twice], &[fresh(0)]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::AlreadyVoted));
    let phone = s.server.join(&s.organizer, &member, Role::Member).await;
    let own = s.book.draft(&Writer::phone(&member), voted(&s.round, Voter::Member(member.clone())));
    let r = push(&s.server, &phone.token, &[own], &[fresh(0)]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::AlreadyVoted));
    let slot = paper["slot"].as_str().unwrap().to_owned();
    let r = push(&s.server, &phone.token, &[], &[wire(&s.round, &slot, 1, std::slice::from_ref(&c2), None)]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::NoRevision));
    // A member who voted on their phone gets no paper ballot on top.
    vote(&mut s, 0, &random16(), &c2).await;
    let over = s.book.draft(&s.laptop, voted(&s.round, Voter::Paper(s.voters[0].clone())));
    let r = push(&s.server, &s.organizer.token, &[over], &[fresh(0)]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::AlreadyVoted));
    // A committee member enters one as itself.
    let by_keeper = s.book.record(&Writer::phone(&keeper), voted(&s.round, Voter::Paper(s.voters[1].clone())));
    let r = push(&s.server, &committee.token, &[by_keeper], &[fresh(0)]).await;
    event_is(&r, 0, Outcome::Accepted, None);
    // Everyone sees the roll say paper, and the audit log say who entered it.
    let mut seen = Book::new();
    seen.apply(&s.server.pull_all(&s.phones[0].token).await);
    let round = seen.state.round(&s.round).expect("the round");
    assert_eq!(zhibu_core::rounds::turnout(&seen.state, &round).0, 3);
    assert_eq!(zhibu_core::rounds::paper_count(&seen.state, &s.round), 2);
    let entered: Vec<_> = zhibu_core::rounds::audit(&seen.state, &s.round)
        .into_iter()
        .filter_map(|e| match e.what {
            zhibu_core::rounds::Audited::Paper(m) => Some((m, e.actor)),
            _ => None,
        })
        .collect();
    assert_eq!(entered, vec![(member, None), (s.voters[1].clone(), Some(keeper))]);
    assert_eq!(close(&s).await.ballots.len(), 3, "one ballot per roll entry");
}

/// The laptop pushes every paper entry of a round with its whole box, and
/// the ballots pair in the box's order, not by who wrote which: two
/// candidates' papers, each naming the other, are both taken.
async fn paper_ballots_entered_together_pair_in_any_order(engine: Engine) {
    let mut s = setup(&engine, false).await;
    let [c1, c2] = s.cands.clone();
    let entries = [c1.clone(), c2.clone()].map(|c| s.book.record(&s.laptop, voted(&s.round, Voter::Paper(c))));
    let slot = || zhibu_core::ballot::random_slot(&random16());
    // c2's paper (naming c1) first, then c1's (naming c2).
    let ballots = [
        wire(&s.round, &slot(), 0, std::slice::from_ref(&c1), None),
        wire(&s.round, &slot(), 0, std::slice::from_ref(&c2), None),
    ];
    let r = push(&s.server, &s.organizer.token, &entries, &ballots).await;
    for i in 0..2 {
        event_is(&r, i, Outcome::Accepted, None);
        ballot_is(&r, i, Outcome::Accepted, None);
    }
    assert_eq!(close(&s).await.ballots.len(), 2);
}

/// Issue 22, item 5: a member who knew another voter's slot overwrote
/// that ballot with a higher revision.
async fn a_slot_opens_only_with_its_key(engine: Engine) {
    let mut s = setup(&engine, true).await;
    let (secret_a, secret_b) = (random16(), random16());
    let [c1, c2] = s.cands.clone();
    assert_eq!(vote(&mut s, 0, &secret_a, &c1).await.ballots[0].outcome, Outcome::Accepted);
    assert_eq!(vote(&mut s, 1, &secret_b, &c2).await.ballots[0].outcome, Outcome::Accepted);
    let (slot_a, key_a) = keyed(&s.round, &secret_a);
    let (_, key_b) = keyed(&s.round, &secret_b);
    let b_token = s.phones[1].token.clone();
    // B knows A's slot: without a key, or with B's own key, nothing changes.
    let r = push(&s.server, &b_token, &[], &[wire(&s.round, &slot_a, 1, std::slice::from_ref(&c2), None)]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::KeyRequired));
    let r =
        push(&s.server, &b_token, &[], &[wire(&s.round, &slot_a, 5, std::slice::from_ref(&c2), Some(&key_b))]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::WrongKey));
    // A's own key opens A's slot.
    let a_token = s.phones[0].token.clone();
    let r = push(&s.server, &a_token, &[], &[wire(&s.round, &slot_a, 1, &[], Some(&key_a))]).await;
    ballot_is(&r, 0, Outcome::Accepted, None);
    // A lower or equal revision, even with the key, does not go back.
    let r =
        push(&s.server, &a_token, &[], &[wire(&s.round, &slot_a, 1, std::slice::from_ref(&c2), Some(&key_a))]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::StaleRevision));
    let closed = close(&s).await;
    let a = closed.ballots.iter().find(|b| b.slot == slot_a).expect("A's ballot");
    assert_eq!((a.rev, a.choices.clone()), (1, vec![]), "A's own revision stands: {closed:?}");
    assert_eq!(closed.ballots.len(), 2);
    // The keys were checked, never stored.
    for (table, row) in s.server.storage.dump().await {
        for key in [&key_a, &key_b] {
            assert!(!row.contains(key.as_str()), "{table} stores a ballot key: {row}");
        }
    }
}

/// Issue 22, item 5: a second roll entry came with a revision, so the
/// public roll showed who revised (and, after the close, which ballot).
async fn a_revision_adds_no_roll_entry(engine: Engine) {
    let mut s = setup(&engine, true).await;
    let secret = random16();
    let [c1, c2] = s.cands.clone();
    vote(&mut s, 0, &secret, &c1).await;
    let (slot, key) = keyed(&s.round, &secret);
    let voter = s.voters[0].clone();
    let again = s.book.draft(&Writer::phone(&voter), voted(&s.round, Voter::Member(voter.clone())));
    let token = s.phones[0].token.clone();
    let r = push(&s.server, &token, &[again], &[wire(&s.round, &slot, 1, std::slice::from_ref(&c2), Some(&key))]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::AlreadyVoted));
    // The revision itself stands on its key: it replaces the ballot.
    ballot_is(&r, 0, Outcome::Accepted, None);
    assert_eq!(roll(&s).await, vec![Voter::Member(voter)], "one roll entry per voter");
    let closed = close(&s).await;
    assert_eq!(closed.ballots.len(), 1);
    assert_eq!((closed.ballots[0].rev, closed.ballots[0].choices.clone()), (1, vec![c2]));
}

/// A phone that connects again pushes its history, where its roll entry
/// has an id derived from the write (same device, clock and voter): that
/// is the entry the server has, not a second one, and the phone is not
/// told it was refused.
async fn a_roll_entry_sent_again_under_another_id_is_a_duplicate(engine: Engine) {
    let mut s = setup(&engine, false).await;
    let c1 = s.cands[0].clone();
    let voter = s.voters[0].clone();
    let first = s.book.record(&Writer::phone(&voter), voted(&s.round, Voter::Member(voter.clone())));
    let slot = zhibu_core::ballot::random_slot(&random16());
    let ballot = wire(&s.round, &slot, 0, std::slice::from_ref(&c1), None);
    let token = s.phones[0].token.clone();
    push(&s.server, &token, std::slice::from_ref(&first), std::slice::from_ref(&ballot)).await;
    let unfolded = Event { id: zhibu_core::ids::EventId::generate(first.clock, random16()), at: 0, ..first.clone() };
    let r = push(&s.server, &token, &[unfolded], &[ballot]).await;
    event_is(&r, 0, Outcome::Duplicate, None);
    ballot_is(&r, 0, Outcome::Duplicate, None);
    // Another write (a new clock) is a second roll entry: refused.
    let again =
        s.book.draft(&Writer { device: first.device.clone(), actor: Some(voter.clone()) }, first.payload.clone());
    let r = push(&s.server, &token, &[again], &[]).await;
    event_is(&r, 0, Outcome::Rejected, Some(Reason::AlreadyVoted));
    assert_eq!(roll(&s).await, vec![Voter::Member(voter)]);
}

/// Revisions stop at the close, whether the server's box was closed or
/// only the round's stage moved on.
async fn no_revision_after_the_close(engine: Engine) {
    let mut s = setup(&engine, true).await;
    let (secret_a, secret_b) = (random16(), random16());
    let [c1, c2] = s.cands.clone();
    vote(&mut s, 0, &secret_a, &c1).await;
    vote(&mut s, 1, &secret_b, &c1).await;
    let (slot_a, key_a) = keyed(&s.round, &secret_a);
    let (slot_b, key_b) = keyed(&s.round, &secret_b);
    // The stage moves on first (an organizer's device closed offline).
    let stage = s.book.advance(&s.laptop, &s.round, Stage::Closed);
    s.server.push_ok(&s.organizer.token, &[stage]).await;
    let token = s.phones[0].token.clone();
    let r = push(&s.server, &token, &[], &[wire(&s.round, &slot_a, 1, std::slice::from_ref(&c2), Some(&key_a))]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::WrongStage));
    // Then the server's box closes too.
    let closed = close(&s).await;
    let token = s.phones[1].token.clone();
    let r = push(&s.server, &token, &[], &[wire(&s.round, &slot_b, 1, std::slice::from_ref(&c2), Some(&key_b))]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::VotingClosed));
    assert!(closed.ballots.iter().all(|b| b.rev == 0 && b.choices == vec![c1.clone()]), "{closed:?}");
}

/// An app from before keys (protocol 1) revises without one: it is told
/// why, in words that say what to do, rather than losing the revision
/// silently or overwriting.
async fn a_revision_without_a_key_is_refused_clearly(engine: Engine) {
    let mut s = setup(&engine, true).await;
    let secret = random16();
    let [c1, c2] = s.cands.clone();
    vote(&mut s, 0, &secret, &c1).await;
    let (slot, _) = keyed(&s.round, &secret);
    let token = s.phones[0].token.clone();
    let r = push(&s.server, &token, &[], &[wire(&s.round, &slot, 1, std::slice::from_ref(&c2), None)]).await;
    ballot_is(&r, 0, Outcome::Rejected, Some(Reason::KeyRequired));
    let closed = close(&s).await;
    assert_eq!(closed.ballots[0].choices, vec![c1]);
}
