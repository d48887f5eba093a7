//! Two server processes over one PostgreSQL database, as a deployment
//! behind a load balancer runs them: devices push to one instance and pull
//! from the other, and must all end with the same events in the same
//! order; a member's vote raced to both instances at once counts once.
//!
//! Needs `ZHIBU_TEST_PG_URL` (each test makes a fresh database there and
//! drops it afterwards). Without it the tests fail, unless
//! `ZHIBU_SKIP_POSTGRES=1` skips them on purpose. Rate limits are off
//! (`--rate-per-* 0`).

mod process;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use zhibu_core::document::SCHEMA;
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId, RoundId};
use zhibu_core::meetings::{MeetingKind, MeetingValue};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::rounds::{Electorate, RoundValue, Rules, Stage, StageChange, Voter};
use zhibu_core::sync::{BallotPush, BoxResponse, Invitation, Outcome, PullResponse, PushResponse, Reason, Session};

use process::{
    FreshDb, Puller, Server, get, note, pg_admin_url, phone_payload, post, pull_all, random_bytes, record_events,
    roster_events,
};

/// Events each device pushes in the convergence test.
const EVENTS: usize = 200;
/// Events per push.
const BATCH: usize = 20;

/// One test at a time: each starts two servers on two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_on_two_instances_converge() {
    let Some(admin) = pg_admin_url("devices_on_two_instances_converge") else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    let instances = two_instances(&admin, "zhibu_t_converge").await;
    let (http, [a, b]) = (&instances.http, &instances.bases);

    // Organizer on A; two members' phones invited on A, joined on B.
    let organizer = create_branch(http, a, "converge").await;
    push_ok(http, a, &organizer.token, &roster_events("roster", &["m0", "m1", "m2"]), &[]).await;
    let mut phones = Vec::new();
    for member in ["m1", "m2"] {
        phones.push(join(http, a, b, &organizer.token, member).await);
    }

    // Each device pushes to one instance and, after every push, pulls what
    // is new from the other.
    let mut devices = vec![(organizer.clone(), a.clone(), b.clone())];
    devices.extend(phones.into_iter().map(|phone| (phone, b.clone(), a.clone())));
    let tasks: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(n, (session, push_to, pull_from))| {
            let http = http.clone();
            let events = device_events(n, &session);
            tokio::spawn(async move {
                let mut puller = Puller { partial: session.member.is_some(), ..Puller::default() };
                for batch in events.chunks(BATCH) {
                    let answer = push_ok(&http, &push_to, &session.token, batch, &[]).await;
                    assert!(answer.events.iter().all(|r| r.outcome == Outcome::Accepted), "{answer:?}");
                    puller.pull(&http, &pull_from, &session.token).await;
                }
                let pushed: Vec<String> = events.iter().map(|e| e["i"].as_str().expect("an id").to_owned()).collect();
                (pushed, puller, session.token, pull_from)
            })
        })
        .collect();
    let mut everything: HashSet<String> = HashSet::new();
    let mut seen_by_device = Vec::new();
    let mut finished = Vec::new();
    for task in tasks {
        finished.push(task.await.expect("a device task panicked"));
    }
    // What the phones pushed (their own check-ins and leave): each phone
    // sees its own only.
    let mut by_phones: HashSet<String> = HashSet::new();
    for (pushed, mut puller, token, pull_from) in finished {
        // Each device pulls once more, now that every device is done.
        puller.pull(http, &pull_from, &token).await;
        let seen: HashSet<&String> = puller.ids.iter().collect();
        assert!(pushed.iter().all(|id| seen.contains(id)), "a device's own events are on the other instance");
        let own: HashSet<String> = pushed.iter().cloned().collect();
        if puller.partial {
            by_phones.extend(own.iter().cloned());
        }
        everything.extend(pushed);
        seen_by_device.push((puller.ids, pull_from, puller.partial.then_some(own)));
    }

    // Both instances hold the same events in the same order, and every
    // device's page-by-page pull (made while the others pushed) saw exactly
    // that sequence (a phone: what it may see of it, its own check-ins and
    // leave and the organizer's meetings): no cursor skipped an event
    // committed meanwhile.
    let on_a = pull_all(http, a, &organizer.token).await;
    let on_b = pull_all(http, b, &organizer.token).await;
    assert!(on_a == on_b, "both instances serve the same events in the same order");
    for (seen, pull_from, own) in &seen_by_device {
        let visible: Vec<&String> = on_a
            .iter()
            .filter(|id| own.as_ref().is_none_or(|own| own.contains(*id) || !by_phones.contains(*id)))
            .collect();
        let differs = seen.iter().zip(&visible).position(|(x, y)| x != *y);
        assert!(
            seen.len() == visible.len() && differs.is_none(),
            "a device's pulls from {pull_from} saw {} events, not the {} it may see, first different at {differs:?}",
            seen.len(),
            visible.len()
        );
    }
    let roster = 3;
    assert_eq!(on_a.len(), roster + 3 * EVENTS);
    let stored: HashSet<&String> = on_a.iter().collect();
    assert_eq!(stored.len(), on_a.len(), "no event stored twice");
    assert!(everything.iter().all(|id| stored.contains(id)), "no event lost");
    note(&format!(
        "two instances: {} events from 3 devices, the same sequence on both and in every device's pulls, {:.1} s",
        on_a.len(),
        started.elapsed().as_secs_f64()
    ));
    instances.db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_raced_to_two_instances_counts_once() {
    let Some(admin) = pg_admin_url("a_vote_raced_to_two_instances_counts_once") else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let instances = two_instances(&admin, "zhibu_t_ballot").await;
    let (http, [a, b]) = (&instances.http, &instances.bases);
    let voters = ["v1", "v2", "v3", "v4"];
    let candidates = ["c1", "c2"];
    let rounds: Vec<RoundId> = (1..=3).map(|n| RoundId(format!("round-{n}"))).collect();

    let organizer = create_branch(http, a, "ballot").await;
    let mut setup = roster_events("roster", &[&voters[..], &candidates[..]].concat());
    setup.extend(voting_rounds(&rounds, &voters, &candidates));
    push_ok(http, a, &organizer.token, &setup, &[]).await;
    let mut phones = HashMap::new();
    for voter in voters {
        phones.insert(voter, join(http, a, b, &organizer.token, voter).await);
    }

    // Every (round, voter): one vote to A and another (its own event id and
    // slot) to B, all 24 pushes at once.
    let mut races = Vec::new();
    for round in &rounds {
        for voter in voters {
            let token = phones[voter].token.clone();
            let pushes = [(a, "c1"), (b, "c2")].map(|(base, choice)| {
                let (event, ballot) = vote(round, voter, choice);
                let (http, base, token) = (http.clone(), base.to_string(), token.clone());
                let id = event["i"].as_str().expect("an id").to_owned();
                let slot = ballot.slot.clone();
                let task = tokio::spawn(async move { push_ok(&http, &base, &token, &[event], &[ballot]).await });
                (id, slot, task)
            });
            races.push((round.clone(), voter, pushes));
        }
    }
    let mut winners = HashMap::new();
    for (round, voter, pushes) in races {
        let mut answers = Vec::new();
        for (id, slot, task) in pushes {
            let answer = task.await.expect("a push task panicked");
            let (event, ballot) = (&answer.events[0], &answer.ballots[0]);
            assert_eq!((&event.id, &ballot.slot), (&id, &slot));
            // A push re-sent after an error finds its vote stored: duplicate.
            let counted = matches!(event.outcome, Outcome::Accepted | Outcome::Duplicate);
            assert_eq!(counted, ballot.outcome != Outcome::Rejected, "a vote and its ballot stand or fall together");
            answers.push((counted, id, slot, event.reason));
        }
        let counted: Vec<_> = answers.iter().filter(|(counted, ..)| *counted).collect();
        assert_eq!(counted.len(), 1, "{round}/{voter}: exactly one of the two votes counts: {answers:?}");
        let loser = answers.iter().find(|(counted, ..)| !counted).expect("the other vote");
        assert!(
            loser.3 == Some(Reason::AlreadyVoted),
            "{round}/{voter}: the second vote is refused as a second vote: {loser:?}"
        );
        winners.insert((round, voter), (counted[0].1.clone(), counted[0].2.clone()));
    }

    // The roll holds one vote per voter, and each box one ballot per voter:
    // closed on B, read on A.
    let stored = pull_events(http, a, &organizer.token).await;
    for round in &rounds {
        for voter in voters {
            let votes: Vec<&str> = stored
                .iter()
                .filter(|e| {
                    matches!(&e.payload, Payload::Voted { round: r, voter: Voter::Member(m) } if r == round && m.0 == voter)
                })
                .map(|e| e.id.as_str())
                .collect();
            assert_eq!(
                votes,
                vec![winners[&(round.clone(), voter)].0.as_str()],
                "{round}/{voter}: one vote on the roll"
            );
        }
        let closed: BoxResponse =
            post(http, b, &format!("/api/rounds/{round}/box"), Some(&organizer.token), &json!({})).await;
        let mut slots: Vec<&str> = closed.ballots.iter().map(|ballot| ballot.slot.as_str()).collect();
        slots.sort();
        let mut expected: Vec<&str> = voters.iter().map(|v| winners[&(round.clone(), *v)].1.as_str()).collect();
        expected.sort();
        assert_eq!(slots, expected, "{round}: the box holds the winning ballots only");
        let read: BoxResponse = get(http, a, &format!("/api/rounds/{round}/box"), &organizer.token).await;
        assert_eq!(read, closed, "{round}: the other instance serves the same closed box");
    }
    note(&format!("two instances: {} raced votes, each counted once; boxes agree", rounds.len() * voters.len()));
    instances.db.drop().await;
}

/// A fresh database and two servers on it, started at once (both migrate).
struct Instances {
    http: reqwest::Client,
    db: FreshDb,
    /// A's and B's base URLs.
    bases: [String; 2],
    /// Killed when the test ends, passed or not.
    _servers: [Server; 2],
    /// The servers' logs.
    _logs: tempfile::TempDir,
}

async fn two_instances(admin: &str, prefix: &str) -> Instances {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("an HTTP client");
    let db = FreshDb::create(admin, prefix).await;
    let logs = tempfile::tempdir().expect("a temporary directory");
    let args = vec!["--database-url".to_owned(), db.url.clone()];
    let server = |args, log| Server::new(env!("CARGO_BIN_EXE_zhibu-server"), args, log).env("RUST_LOG", "info");
    let mut a = server(args.clone(), logs.path().join("a.log"));
    let mut b = server(args, logs.path().join("b.log"));
    tokio::join!(a.start(&http), b.start(&http));
    Instances { http, db, bases: [a.base(), b.base()], _servers: [a, b], _logs: logs }
}

async fn create_branch(http: &reqwest::Client, base: &str, name: &str) -> Session {
    process::create_branch(http, base, &format!("{name}支部"), &format!("{name}-organizer")).await
}

/// A member's phone: invited on `invite_on`, joined on `join_on`.
async fn join(http: &reqwest::Client, invite_on: &str, join_on: &str, organizer: &str, member: &str) -> Session {
    let invitation: Invitation =
        post(http, invite_on, "/api/invitations", Some(organizer), &json!({"member": member})).await;
    let body = json!({"code": invitation.code, "label": format!("{member}的手机")});
    let phone: Session = post(http, join_on, "/api/invitations/accept", None, &body).await;
    assert_eq!(phone.member, Some(MemberId(member.into())));
    phone
}

/// Pushes until answered (re-sending is safe: a push is idempotent).
async fn push_ok(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    events: &[Value],
    ballots: &[BallotPush],
) -> PushResponse {
    let body = json!({"schema": SCHEMA, "events": events, "ballots": ballots});
    let started = Instant::now();
    loop {
        let sent = http.post(format!("{base}/api/sync/push")).bearer_auth(token).json(&body).send().await;
        let failure = match sent {
            Ok(response) if response.status().is_success() => {
                return response.json().await.expect("a push response");
            }
            Ok(response) => format!("{}: {}", response.status(), response.text().await.unwrap_or_default()),
            Err(e) => e.to_string(),
        };
        assert!(started.elapsed() < Duration::from_secs(60), "a push to {base} kept failing: {failure}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn pull_events(http: &reqwest::Client, base: &str, token: &str) -> Vec<zhibu_core::event::Event> {
    let mut events = Vec::new();
    let mut since = 0;
    loop {
        let page: PullResponse = get(http, base, &format!("/api/sync/pull?since={since}"), token).await;
        events.extend(page.events);
        since = page.next;
        if !page.more {
            return events;
        }
    }
}

/// Rounds already at 投票, with the voters and candidates frozen.
fn voting_rounds(rounds: &[RoundId], voters: &[&str], candidates: &[&str]) -> Vec<Value> {
    let ids = |list: &[&str]| list.iter().map(|m| MemberId((*m).into())).collect::<Vec<_>>();
    let saved = rounds.iter().map(|round| {
        let mut rules = Rules::new("身边最美党员", 2026, 1);
        rules.voters = Electorate::List(ids(voters));
        rules.candidates = Some(ids(candidates));
        let stage = StageChange {
            stage: Stage::Voting,
            at: 1_772_000_000,
            entitled: Some(ids(voters)),
            candidates: Some(ids(candidates)),
            publicity_at: None,
            sealed: None,
        };
        Payload::RoundSaved { round: round.clone(), changes: vec![RoundValue::Rules(rules), RoundValue::Stage(stage)] }
    });
    record_events(&DeviceId("rounds".into()), None, 1_772_000_000_000, saved)
}

/// A phone's vote: the roll entry and its ballot (a fresh slot). Each is
/// its own write (a device of its own): the same device and clock would be
/// the same roll entry again, which the server answers as a duplicate.
fn vote(round: &RoundId, voter: &str, choice: &str) -> (Value, BallotPush) {
    let me = MemberId(voter.into());
    let device: String = random_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let stamp = EventStamp {
        device: DeviceId(format!("phone-{voter}-{device}")),
        actor: Some(me.clone()),
        unix_ms: 1_773_000_000_000,
        random: random_bytes(),
    };
    let event = Records::default().record(stamp, Payload::Voted { round: round.clone(), voter: Voter::Member(me) });
    let slot: String = random_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let ballot = BallotPush {
        ratings: Default::default(),
        round: round.clone(),
        slot,
        rev: 0,
        choices: vec![MemberId(choice.into())],
        key: None,
    };
    (serde_json::to_value(event).expect("an event serializes"), ballot)
}

/// The organizer plans meetings; phones check in and ask for leave.
fn device_events(n: usize, session: &Session) -> Vec<Value> {
    let actor = session.member.as_ref();
    let payloads = (0..EVENTS).map(|i| match actor {
        None => Payload::MeetingSaved {
            meeting: MeetingId(format!("meeting-{i}")),
            changes: vec![
                MeetingValue::Kind(MeetingKind::General),
                MeetingValue::Topic(format!("第{i}次支部党员大会")),
            ],
        },
        Some(me) => phone_payload(i, MeetingId(format!("meeting-{}", i / 2)), me, format!("phone-{n}"), 1_773_000_000),
    });
    record_events(&DeviceId(format!("device-{n}")), actor, 1_773_000_000_000, payloads)
}
