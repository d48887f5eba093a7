//! 民主评议党员 through the sync server (issue 18), on both engines: rating
//! ballots from members' phones and by code at the kiosk, judged as the
//! app judges them (the events come from the core's commands; what a
//! command refuses is hand-made and must be refused for the same reason);
//! 自评 and 互评 from phones while they are open, and only one's own; the
//! box shown to record keepers only, once closed; and the secrecy scan
//! extended to an appraisal's box and roll.

#[macro_use]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::{Value, json};
use zhibu_core::appraisal::{Rating, SelfAssessment};
use zhibu_core::commands::appraisal as acts;
use zhibu_core::commands::ballots::{self, Marks, Phone};
use zhibu_core::commands::rounds::{advance_round, issue_codes, save_round};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{Mode, RoundProblem, Rules, Stage, Voter};
use zhibu_core::sync::{BallotPush, BoxResponse, Outcome, PushResponse, Reason, Role, Session};

use Rating::{Basic, Competent, Excellent};

both_engines!(
    named_rating_ballots_one_per_rater_from_their_own_phone,
    code_rating_ballots_at_the_kiosk,
    the_box_is_the_record_keepers_once_closed,
    self_assessments_and_comments_while_open_and_only_ones_own,
    an_appraisals_box_and_roll_keep_the_ballot_secret,
);

type Marked = BTreeMap<MemberId, Rating>;
/// A command's events and ballot, or why the app refuses it.
type Made = Result<(Vec<Event>, BallotPush), RoundProblem>;
/// A command's events, or why the app refuses it.
type Wrote = Result<Vec<Event>, RoundProblem>;

/// A branch holding an appraisal at 自评互评: 正式党员 甲, 乙, 丙 are
/// appraised (the cap on 优秀 is one); 预备党员 丁 rates but is not rated.
/// 甲, 乙 and 丁 have phones.
struct Setup {
    server: Server,
    organizer: Session,
    laptop: Writer,
    book: Book,
    round: RoundId,
    full: [MemberId; 3],
    probationary: MemberId,
    /// The phones of 甲, 乙 and 丁, in that order.
    phones: Vec<(Session, Writer)>,
    /// The organizer's token, each invitation code and each phone's token.
    secrets: Vec<String>,
}

async fn setup(engine: &Engine, mode: Mode) -> Setup {
    let server = Server::start_default(engine).await;
    let organizer = server.create_branch("评议支部").await;
    let (laptop, mut book) = (Writer::laptop(), Book::new());
    let (mut events, mut add) = (Vec::new(), |name, status| book.add_member_as(&laptop, name, status));
    let [a, b, c, p] = [add("甲", ""), add("乙", ""), add("丙", ""), add("丁", "预备党员")].map(|(m, e)| {
        events.push(e);
        m
    });
    let rules = Rules { mode, ..Rules::appraisal("2025年度民主评议党员", 2025) };
    let (saved, round) = book.run(&laptop, |s, act| save_round(s, act, None, rules)).expect("valid rules");
    events.extend(saved);
    events.extend(book.run(&laptop, |s, act| advance_round(s, act, &round, Stage::Assessment)).expect("自评互评").0);
    server.push_ok(&organizer.token, &events).await;
    let mut secrets = vec![organizer.token.clone()];
    let mut phones = Vec::new();
    for m in [&a, &b, &p] {
        let invitation = server.invite(&organizer, m, Role::Member).await;
        let session = server.accept(&invitation.code).await;
        secrets.extend([invitation.code, session.token.clone()]);
        phones.push((session, Writer::phone(m)));
    }
    Setup { server, organizer, laptop, book, round, full: [a, b, c], probationary: p, phones, secrets }
}

/// `voter`'s named ballot as `vote_named` makes it on `phone` (its own
/// member's phone), put in `book`'s box; not pushed.
fn named(book: &mut Book, phone: &Writer, (round, voter): (&RoundId, &MemberId), marks: impl Into<Marks>) -> Made {
    let own = Phone { organizer: false, me: phone.actor.as_ref(), secret: None };
    let marks = marks.into();
    let (events, cast) = book.run(phone, |s, act| ballots::vote_named(s, act, &own, (round, voter), marks))?;
    Ok((events, book.cast(&cast)))
}

impl Setup {
    /// The organizer's laptop moves the appraisal on.
    async fn advance(&mut self, to: Stage) {
        let (events, ()) =
            self.book.run(&self.laptop, |s, act| advance_round(s, act, &self.round, to)).expect("the next stage");
        self.server.push_ok(&self.organizer.token, &events).await;
    }

    /// Phone `i`'s own named ballot (not pushed).
    fn rate(&mut self, i: usize, marks: impl Into<Marks>) -> Made {
        let phone = &self.phones[i].1;
        named(&mut self.book, phone, (&self.round, phone.actor.as_ref().unwrap()), marks)
    }

    /// Phone `i` pushes.
    async fn push(&self, i: usize, events: &[Event], ballots: &[BallotPush]) -> PushResponse {
        self.server.push(&self.phones[i].0.token, events, ballots).await
    }

    /// Phone `i` rates and its roll entry and ballot are taken.
    async fn cast_ok(&mut self, i: usize, marks: &Marked) -> BallotPush {
        let (vote, ballot) = self.rate(i, marks).expect("a valid ballot");
        all_answered(&self.push(i, &vote, std::slice::from_ref(&ballot)).await, Outcome::Accepted);
        ballot
    }

    /// The organizer closes the box on the server.
    async fn close(&self) -> BoxResponse {
        let path = format!("/api/rounds/{}/box", self.round);
        let reply = self.server.post(&path, Some(&self.organizer.token), &json!({})).await;
        reply.expect(200);
        reply.body()
    }
}

/// A ballot rating as `marks` says, in a fresh slot.
fn rated(round: &RoundId, marks: &Marked) -> BallotPush {
    BallotPush { ratings: marks.clone(), ..ballot(round, &[]) }
}

/// The ratings of a box's ballots, sorted.
fn ratings_of(ballots: impl IntoIterator<Item = Marked>) -> Vec<Marked> {
    let mut all: Vec<_> = ballots.into_iter().collect();
    all.sort();
    all
}

async fn named_rating_ballots_one_per_rater_from_their_own_phone(engine: Engine) {
    let mut s = setup(&engine, Mode::Named).await;
    s.advance(Stage::Voting).await;
    let ([a, b, c], p, round) = (s.full.clone(), s.probationary.clone(), s.round.clone());

    // 甲's phone rates everyone, 优秀 once: taken; re-sent after a lost answer: duplicates.
    let marks_a = BTreeMap::from([(a.clone(), Competent), (b.clone(), Excellent), (c.clone(), Basic)]);
    let (vote, ballot_a) = s.rate(0, &marks_a).unwrap();
    all_answered(&s.push(0, &vote, std::slice::from_ref(&ballot_a)).await, Outcome::Accepted);
    all_answered(&s.push(0, &vote, std::slice::from_ref(&ballot_a)).await, Outcome::Duplicate);

    // A second first ballot from the same phone: the app refuses it, and
    // so does the server; its ballot goes with it.
    assert_eq!(s.rate(0, &marks_a).err(), Some(RoundProblem::AlreadyVoted));
    let again = s.book.draft(&s.phones[0].1, voted(&round, Voter::Member(a.clone())));
    let r = s.push(0, &[again], &[rated(&round, &BTreeMap::from([(c.clone(), Excellent)]))]).await;
    rejected_because(&r, 0, Reason::AlreadyVoted);
    assert_eq!(ballot_outcomes(&r), [Outcome::Rejected], "{r:?}");

    // 丁's phone casts for 乙: 乙's ballot as 乙's phone makes it (not 丁's
    // own device), or one signed by 丁 naming 乙 (不得代签). The app makes neither.
    let marks_b = BTreeMap::from([(a.clone(), Excellent)]);
    let proxy = named(&mut s.book, &s.phones[2].1, (&round, &b), &marks_b);
    assert_eq!(proxy.err(), Some(RoundProblem::OwnDeviceOnly));
    let (vote_b, ballot_b) = named(&mut s.book.replica(), &s.phones[1].1, (&round, &b), &marks_b).unwrap();
    let r = s.push(2, &vote_b, &[ballot_b]).await;
    rejected_because(&r, 0, Reason::OwnDeviceOnly);
    assert_eq!(ballot_outcomes(&r), [Outcome::Rejected], "{r:?}");
    let signed = s.book.draft(&s.phones[2].1, voted(&round, Voter::Member(b.clone())));
    rejected_because(&s.push(2, &[signed], &[rated(&round, &marks_b)]).await, 0, Reason::NotOwn);

    // Over the cap, a rating for someone not appraised (丁), choices (or
    // choices and ratings) for an appraisal: the app's problem and the
    // server's reason, for the roll entry and its ballot alike.
    let two_excellent = BTreeMap::from([(a.clone(), Excellent), (b.clone(), Excellent)]);
    let cases = [
        (rated(&round, &two_excellent), RoundProblem::OverCap { cap: 1 }, Reason::OverCap),
        (rated(&round, &BTreeMap::from([(p.clone(), Competent)])), RoundProblem::NotAppraised, Reason::NotAppraised),
        (ballot(&round, std::slice::from_ref(&b)), RoundProblem::WrongBallot, Reason::WrongBallot),
        (
            BallotPush { choices: vec![b.clone()], ..rated(&round, &marks_b) },
            RoundProblem::WrongBallot,
            Reason::WrongBallot,
        ),
    ];
    for (bad, problem, reason) in cases {
        let app = Marks::of(&bad.choices, &bad.ratings).and_then(|marks| s.rate(2, marks).map(|_| ()));
        assert_eq!(app, Err(problem), "the app refuses {bad:?}");
        let vote = s.book.draft(&s.phones[2].1, voted(&round, Voter::Member(p.clone())));
        let r = s.push(2, &[vote], &[bad]).await;
        rejected_because(&r, 0, reason);
        ballot_rejected_because(&r, 0, reason);
    }
    // 丁's own ballot is still taken: the refusals recorded nothing.
    let marks_p = BTreeMap::from([(a.clone(), Excellent), (c.clone(), Competent)]);
    s.cast_ok(2, &marks_p).await;

    // Ratings for a 评选 round: the wrong ballot, for the app and the server.
    let selection =
        round_to_voting(&mut s.book, &s.laptop, rules("优秀党员评选", Mode::Named, 1, 1), &[(a.clone(), c.clone())]);
    s.server.push_ok(&s.organizer.token, &selection.events).await;
    let sel = &selection.round;
    assert_eq!(named(&mut s.book, &s.phones[1].1, (sel, &b), &marks_b).err(), Some(RoundProblem::WrongBallot));
    let vote = s.book.draft(&s.phones[1].1, voted(sel, Voter::Member(b.clone())));
    let r = s.push(1, &[vote], &[rated(sel, &BTreeMap::from([(c.clone(), Excellent)]))]).await;
    rejected_because(&r, 0, Reason::WrongBallot);
    ballot_rejected_because(&r, 0, Reason::WrongBallot);

    // One ballot per rater: the box holds 甲's and 丁's, as cast.
    let closed = s.close().await;
    assert_eq!(ratings_of(closed.ballots.into_iter().map(|x| x.ratings)), ratings_of([marks_a, marks_p]));
}

async fn code_rating_ballots_at_the_kiosk(engine: Engine) {
    let mut s = setup(&engine, Mode::Codes).await;
    let ([a, b, c], round) = (s.full.clone(), s.round.clone());
    let (events, codes) =
        s.book.run(&s.laptop, |st, act| issue_codes(st, act, &round, 4, false)).expect("a code per rater");
    s.server.push_ok(&s.organizer.token, &events).await;
    s.advance(Stage::Voting).await;

    // The kiosk runs on the organizer's login: a code's roll entry and its ballot in one push.
    let kiosk = Writer::laptop();
    let by_code = |book: &mut Book, code: &str, marks: &Marked| {
        book.run(&kiosk, |st, act| ballots::vote_code(st, act, &round, code, marks))
            .map(|(e, cast)| (e, book.cast(&cast)))
    };
    let marks = BTreeMap::from([(a.clone(), Excellent), (b.clone(), Competent), (c.clone(), Competent)]);
    let (vote, ballot) = by_code(&mut s.book, &codes[0], &marks).unwrap();
    all_answered(&s.server.push(&s.organizer.token, &vote, &[ballot]).await, Outcome::Accepted);

    // The code again: the kiosk refuses it; pushed anyway, the roll entry is
    // refused and its ballot finds no room (one ballot per roll entry).
    assert_eq!(by_code(&mut s.book, &codes[0], &marks).err(), Some(RoundProblem::UsedCode));
    let reuse = s.book.draft(&kiosk, voted(&round, Voter::Code(zhibu_core::ballot::code_hash(&round, &codes[0]))));
    let r = s.server.push(&s.organizer.token, &[reuse], &[rated(&round, &BTreeMap::from([(c.clone(), Basic)]))]).await;
    rejected_because(&r, 0, Reason::UsedCode);
    ballot_rejected_because(&r, 0, Reason::BoxFull);

    // Another code, a blank ballot (弃权): taken.
    let (vote, blank) = by_code(&mut s.book, &codes[1], &BTreeMap::new()).unwrap();
    all_answered(&s.server.push(&s.organizer.token, &vote, &[blank]).await, Outcome::Accepted);
    let closed = s.close().await;
    assert_eq!(ratings_of(closed.ballots.into_iter().map(|x| x.ratings)), ratings_of([BTreeMap::new(), marks]));
}

async fn the_box_is_the_record_keepers_once_closed(engine: Engine) {
    let mut s = setup(&engine, Mode::Named).await;
    let [a, b, c] = s.full.clone();
    let committee = s.server.join(&s.organizer, &c, Role::Committee).await;
    s.advance(Stage::Voting).await;
    let marks_a = BTreeMap::from([(b.clone(), Excellent), (c.clone(), Competent)]);
    let marks_p = BTreeMap::from([(a.clone(), Competent), (b.clone(), Basic), (c.clone(), Excellent)]);
    s.cast_ok(0, &marks_a).await;
    s.cast_ok(2, &marks_p).await;

    // Before the close: not to the organizer (voting is open), nor to a member.
    let path = format!("/api/rounds/{}/box", s.round);
    s.server.get(&path, Some(&s.organizer.token)).await.expect_error(409, "conflict");
    s.server.get(&path, Some(&s.phones[0].0.token)).await.expect_error(403, "forbidden");
    s.server.post(&path, Some(&s.phones[0].0.token), &json!({})).await.expect_error(403, "forbidden");

    // The organizer closes it and gets every ballot with its ratings.
    let closed = s.close().await;
    assert!(closed.closed && closed.ballots.iter().all(|x| x.choices.is_empty()), "{closed:?}");
    assert_eq!(ratings_of(closed.ballots.iter().map(|x| x.ratings.clone())), ratings_of([marks_a, marks_p]));
    // Record keepers read it; a member's phone, even a rater's, does not.
    for token in [&s.organizer.token, &committee.token] {
        assert_eq!(s.server.get(&path, Some(token)).await.body::<BoxResponse>(), closed);
    }
    for (phone, _) in &s.phones {
        s.server.get(&path, Some(&phone.token)).await.expect_error(403, "forbidden");
    }
    // And no more ballots: 乙's comes too late.
    let (vote, ballot) = s.rate(1, &BTreeMap::from([(a.clone(), Competent)])).unwrap();
    let r = s.push(1, &vote, &[ballot]).await;
    rejected_because(&r, 0, Reason::VotingClosed);
    ballot_rejected_because(&r, 0, Reason::VotingClosed);
}

const WRITTEN: &str = "对照党章党规，查找自身差距";

fn self_assessed(book: &mut Book, phone: &Writer, round: &RoundId, member: &MemberId) -> Wrote {
    book.run(phone, |s, _| acts::self_assess(s, round, member, WRITTEN)).map(|(events, ())| events)
}

fn commented(book: &mut Book, phone: &Writer, round: &RoundId, about: &MemberId) -> Wrote {
    book.run(phone, |s, act| acts::comment(s, act, round, about, "工作认真负责")).map(|(events, ())| events)
}

async fn self_assessments_and_comments_while_open_and_only_ones_own(engine: Engine) {
    let mut s = setup(&engine, Mode::Named).await;
    let ([a, b, c], p, round) = (s.full.clone(), s.probationary.clone(), s.round.clone());
    let (phone_a, phone_b, phone_p) = (s.phones[0].1.clone(), s.phones[1].1.clone(), s.phones[2].1.clone());
    let assessment = |member: &MemberId, on_paper| Payload::SelfAssessed {
        round: round.clone(),
        member: member.clone(),
        assessment: SelfAssessment { text: WRITTEN.into(), on_paper },
    };

    // 自评互评 is open: 甲 writes a 自评 and a comment about 乙.
    let mut own = self_assessed(&mut s.book, &phone_a, &round, &a).unwrap();
    own.extend(commented(&mut s.book, &phone_a, &round, &b).unwrap());
    s.server.push_ok(&s.phones[0].0.token, &own).await;

    // 甲's phone may not push 乙's 自评 or a comment 乙 signed, whether made
    // on 乙's phone or signed by 甲 in 乙's name; nor enter a 自评 "on paper".
    let mut phone_of_b = s.book.replica();
    let mut theirs = self_assessed(&mut phone_of_b, &phone_b, &round, &b).unwrap();
    theirs.extend(commented(&mut phone_of_b, &phone_b, &round, &c).unwrap());
    let signed_by_a: Vec<Event> = theirs.iter().map(|e| s.book.draft(&phone_a, e.payload.clone())).collect();
    theirs.extend(signed_by_a);
    let r = s.push(0, &theirs, &[]).await;
    (0..theirs.len()).for_each(|i| rejected_because(&r, i, Reason::NotOwn));
    let on_paper = s.book.draft(&phone_a, assessment(&a, true));
    rejected_because(&s.push(0, &[on_paper], &[]).await, 0, Reason::NotAllowed);

    // 丁 is not appraised: no 自评; nobody comments on themself. The app
    // refuses both, and so does the server.
    assert_eq!(self_assessed(&mut s.book, &phone_p, &round, &p).err(), Some(RoundProblem::NotAppraised));
    assert_eq!(commented(&mut s.book, &phone_a, &round, &a).err(), Some(RoundProblem::OwnComment));
    let not_appraised = s.book.draft(&phone_p, assessment(&p, false));
    rejected_because(&s.push(2, &[not_appraised], &[]).await, 0, Reason::NotAppraised);
    // (甲's comment on 乙, made about 甲 instead.)
    let Payload::Commented { round: r, by, comment, .. } = own[1].payload.clone() else { unreachable!() };
    let about_oneself = s.book.draft(&phone_a, Payload::Commented { round: r, about: by.clone(), by, comment });
    rejected_because(&s.push(0, &[about_oneself], &[]).await, 0, Reason::OwnComment);

    // Still open while the ballot is: 乙's 自评 is taken during voting;
    // what 乙's and 丁's phones write then arrives after the close.
    s.advance(Stage::Voting).await;
    let during = self_assessed(&mut s.book, &phone_b, &round, &b).unwrap();
    s.server.push_ok(&s.phones[1].0.token, &during).await;
    let late = commented(&mut s.book, &phone_b, &round, &a).unwrap();
    let late_p = commented(&mut s.book, &phone_p, &round, &c).unwrap();
    // Late once the server closed the box, before the close is recorded
    // (as a late vote is), and after.
    s.close().await;
    rejected_because(&s.push(1, &late, &[]).await, 0, Reason::WrongStage);
    s.advance(Stage::Closed).await;
    rejected_because(&s.push(2, &late_p, &[]).await, 0, Reason::WrongStage);
    // What was taken is on the server, signed by its authors; nothing refused is.
    let all = s.server.pull_all(&s.organizer.token).await;
    for e in own.iter().chain(&during) {
        assert_eq!(all.iter().find(|x| x.id == e.id), Some(e));
    }
    assert!(!all.iter().any(|x| theirs.iter().chain(&late).any(|t| t.id == x.id)), "nothing refused was stored");
}

async fn an_appraisals_box_and_roll_keep_the_ballot_secret(engine: Engine) {
    let mut s = setup(&engine, Mode::Named).await;
    let ([a, b, c], p) = (s.full.clone(), s.probationary.clone());
    s.advance(Stage::Voting).await;
    // 甲 rates (and is rated); 丁 rates (and is not).
    let marks_a = BTreeMap::from([(a.clone(), Competent), (b.clone(), Excellent), (c.clone(), Basic)]);
    let marks_p = BTreeMap::from([(a.clone(), Excellent), (b.clone(), Competent)]);
    let slots = [s.cast_ok(0, &marks_a).await.slot, s.cast_ok(2, &marks_p).await.slot];
    s.close().await;
    let dump = s.server.storage.dump().await;

    // The rounds' scan: no token or code in clear, slots in the box only and
    // never beside 丁 (whom the box has no reason to name), a roll of voters only.
    let problems = secrecy_problems(&dump, std::slice::from_ref(&p), &slots, &s.secrets);
    assert!(problems.is_empty(), "secrecy in the {} database:\n{}", engine.name(), problems.join("\n"));

    // The box row, every value accounted for: a slot the phone drew at
    // random, revision 0, ratings keyed by the appraised. No rater as a
    // voter, no device, no time.
    let (row, inner) = stored_box(&dump, &s.round);
    assert_eq!(row["branch"], s.organizer.branch.as_str());
    let appraised: BTreeSet<&str> = s.full.iter().map(MemberId::as_str).collect();
    let words: BTreeSet<&str> = Rating::ALL.iter().map(|r| r.key()).collect();
    assert_eq!(inner.len(), 2);
    let parts = BTreeSet::from(["slot", "rev", "choices", "ratings"]);
    for ballot in &inner {
        assert!(ballot.as_object().unwrap().keys().all(|k| parts.contains(k.as_str())), "a ballot's parts: {ballot}");
        assert!(slots.iter().any(|x| ballot["slot"] == x.as_str()), "a slot the phone drew: {ballot}");
        assert!(ballot["rev"] == 0 && ballot["choices"] == json!([]), "a first ballot, no choices: {ballot}");
        let rated = |(m, r): (&String, &Value)| appraised.contains(m.as_str()) && words.contains(r.as_str().unwrap());
        assert!(ballot["ratings"].as_object().unwrap().iter().all(rated), "ratings of the appraised: {ballot}");
    }
    let text = row.to_string();
    let devices = [&s.laptop.device, &s.phones[0].1.device, &s.phones[2].1.device];
    assert!(devices.iter().all(|d| !text.contains(d.as_str())), "a device in the box: {text}");

    // The roll: 甲 and 丁 voted, and their entries say nothing of how.
    let roll: Vec<Value> = stored_events(&dump)
        .into_iter()
        .filter(|e| e["p"]["t"] == "voted" && e["p"]["round"] == s.round.as_str())
        .collect();
    let voters: BTreeSet<&str> = roll.iter().map(|e| e["p"]["voter"]["member"].as_str().unwrap()).collect();
    assert_eq!(voters, BTreeSet::from([a.as_str(), p.as_str()]));
    for entry in &roll {
        let at = entry["w"].as_i64().unwrap();
        let entry = entry.to_string();
        assert!(!entry.contains("ratings") && words.iter().all(|w| !entry.contains(w)), "ratings on the roll: {entry}");
        assert!(slots.iter().all(|x| !entry.contains(x.as_str())), "a slot on the roll: {entry}");
        // Nor does the box keep its time.
        assert!(!text.contains(&at.to_string()) && !text.contains(&(at / 1000).to_string()), "a time in the box");
    }
}
