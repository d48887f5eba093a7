//! Two server processes over one PostgreSQL database, as a deployment
//! behind a load balancer runs them: devices push to one instance and pull
//! from the other, and must all end with the same events in the same
//! order; a member's vote raced to both instances at once counts once.
//!
//! Needs `ZHIBU_TEST_PG_URL` (each test makes a fresh database there and
//! drops it afterwards). Without it the tests are skipped with a note, or
//! fail under CI (`CI` set). Rate limits are off (`--rate-per-* 0`).

use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use zhibu_core::checkin::{CheckIn, LeaveRequest, Proof};
use zhibu_core::document::SCHEMA;
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId, RoundId};
use zhibu_core::meetings::{MeetingKind, MeetingValue};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role as Post, Status};
use zhibu_core::rounds::{Electorate, RoundValue, Rules, Stage, StageChange, Voter};
use zhibu_core::sync::{BallotPush, BoxResponse, Invitation, Outcome, PullResponse, PushResponse, Session};

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
    push_ok(http, a, &organizer.token, &roster_events(&["m0", "m1", "m2"]), &[]).await;
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
                let mut puller = Puller::default();
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
    for task in tasks {
        let (pushed, mut puller, token, pull_from) = task.await.expect("a device task panicked");
        // Each device pulls once more after every device is done.
        puller.pull(http, &pull_from, &token).await;
        let seen: HashSet<&String> = puller.ids.iter().collect();
        assert!(pushed.iter().all(|id| seen.contains(id)), "a device's own events are on the other instance");
        everything.extend(pushed);
        seen_by_device.push((puller.ids, pull_from));
    }

    // Both instances hold the same events in the same order, and every
    // device's page-by-page pull (made while the others pushed) saw exactly
    // that sequence: no cursor skipped an event committed meanwhile.
    let on_a = pull_all(http, a, &organizer.token).await;
    let on_b = pull_all(http, b, &organizer.token).await;
    assert!(on_a == on_b, "both instances serve the same events in the same order");
    for (seen, pull_from) in &seen_by_device {
        let differs = seen.iter().zip(&on_a).position(|(x, y)| x != y);
        assert!(
            seen.len() == on_a.len() && differs.is_none(),
            "a device's pulls from {pull_from} saw {} events, not the {} stored, first different at {differs:?}",
            seen.len(),
            on_a.len()
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
    let mut setup = roster_events(&[&voters[..], &candidates[..]].concat());
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
            answers.push((counted, id, slot, event.reason.clone()));
        }
        let counted: Vec<_> = answers.iter().filter(|(counted, ..)| *counted).collect();
        assert_eq!(counted.len(), 1, "{round}/{voter}: exactly one of the two votes counts: {answers:?}");
        let loser = answers.iter().find(|(counted, ..)| !counted).expect("the other vote");
        assert!(
            loser.3.as_deref().is_some_and(|r| r.contains("already voted")),
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
    let mut a = Server::new(args.clone(), logs.path().join("a.log"));
    let mut b = Server::new(args, logs.path().join("b.log"));
    tokio::join!(a.start(&http), b.start(&http));
    Instances { http, db, bases: [a.base(), b.base()], _servers: [a, b], _logs: logs }
}

async fn create_branch(http: &reqwest::Client, base: &str, name: &str) -> Session {
    let body =
        json!({"name": format!("{name}支部"), "login": format!("{name}-organizer"), "password": "a long password"});
    post(http, base, "/api/branches", None, &body).await
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

/// A device's page-by-page pull from where it left off.
#[derive(Default)]
struct Puller {
    since: u64,
    ids: Vec<String>,
}

impl Puller {
    async fn pull(&mut self, http: &reqwest::Client, base: &str, token: &str) {
        loop {
            let page: PullResponse = get(http, base, &format!("/api/sync/pull?since={}", self.since), token).await;
            let since = self.since;
            assert_eq!(page.next - since, page.events.len() as u64, "a page after {since} skips sequence numbers");
            self.ids.extend(page.events.into_iter().map(|e| e.id.0));
            self.since = page.next;
            if !page.more {
                return;
            }
        }
    }
}

async fn pull_all(http: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let mut puller = Puller::default();
    puller.pull(http, base, token).await;
    puller.ids
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

/// Events of one organizer's writer.
fn organizer_events(device: &str, payloads: impl IntoIterator<Item = Payload>) -> Vec<Value> {
    let mut records = Records::default();
    payloads
        .into_iter()
        .enumerate()
        .map(|(i, payload)| {
            let stamp = EventStamp {
                device: DeviceId(device.into()),
                actor: None,
                unix_ms: 1_772_000_000_000 + i as i64,
                random: random_bytes(),
            };
            serde_json::to_value(records.record(stamp, payload)).expect("an event serializes")
        })
        .collect()
}

/// The roster: invitations and rounds name these members.
fn roster_events(members: &[&str]) -> Vec<Value> {
    organizer_events(
        "roster",
        members.iter().map(|id| Payload::MemberAdded {
            member: MemberId((*id).into()),
            fields: MemberFields {
                name: format!("党员{id}"),
                group: "第一党小组".into(),
                status: Status::Full,
                role: Post::Member,
                joined: None,
                phone: None,
                exempt: false,
            },
        }),
    )
}

/// Rounds already at 投票, with the voters and candidates frozen.
fn voting_rounds(rounds: &[RoundId], voters: &[&str], candidates: &[&str]) -> Vec<Value> {
    let ids = |list: &[&str]| list.iter().map(|m| MemberId((*m).into())).collect::<Vec<_>>();
    organizer_events(
        "rounds",
        rounds.iter().map(|round| {
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
            Payload::RoundSaved {
                round: round.clone(),
                changes: vec![RoundValue::Rules(rules), RoundValue::Stage(stage)],
            }
        }),
    )
}

/// A phone's vote: the roll entry and its ballot (a fresh slot).
fn vote(round: &RoundId, voter: &str, choice: &str) -> (Value, BallotPush) {
    let me = MemberId(voter.into());
    let stamp = EventStamp {
        device: DeviceId(format!("phone-{voter}")),
        actor: Some(me.clone()),
        unix_ms: 1_773_000_000_000,
        random: random_bytes(),
    };
    let event = Records::default().record(stamp, Payload::Voted { round: round.clone(), voter: Voter::Member(me) });
    let slot: String = random_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let ballot = BallotPush { round: round.clone(), slot, rev: 0, choices: vec![MemberId(choice.into())] };
    (serde_json::to_value(event).expect("an event serializes"), ballot)
}

/// The organizer plans meetings; phones check in and ask for leave.
fn device_events(n: usize, session: &Session) -> Vec<Value> {
    let mut records = Records::default();
    let actor = session.member.clone();
    (0..EVENTS)
        .map(|i| {
            let meeting = MeetingId(format!("meeting-{}", i / 2));
            let payload = match &actor {
                None => Payload::MeetingSaved {
                    meeting: MeetingId(format!("meeting-{i}")),
                    changes: vec![
                        MeetingValue::Kind(MeetingKind::General),
                        MeetingValue::Topic(format!("第{i}次支部党员大会")),
                    ],
                },
                Some(me) if i % 2 == 0 => Payload::CheckedIn {
                    meeting,
                    member: me.clone(),
                    check: CheckIn {
                        at: 1_773_000_000,
                        device: format!("phone-{n}"),
                        proof: Proof::Code("123456".into()),
                    },
                },
                Some(me) => Payload::LeaveRequested {
                    meeting,
                    member: me.clone(),
                    request: LeaveRequest { reason: "出差".into(), withdrawn: false },
                },
            };
            let stamp = EventStamp {
                device: DeviceId(format!("device-{n}")),
                actor: actor.clone(),
                unix_ms: 1_773_000_000_000 + i as i64,
                random: random_bytes(),
            };
            serde_json::to_value(records.record(stamp, payload)).expect("an event serializes")
        })
        .collect()
}

async fn post<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> T {
    let mut request = http.post(format!("{base}{path}")).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request, path).await
}

async fn get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, base: &str, path: &str, token: &str) -> T {
    answer(http.get(format!("{base}{path}")).bearer_auth(token), path).await
}

async fn answer<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder, path: &str) -> T {
    let response = request.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(status.is_success(), "{path}: {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

/// A server process on a free loopback port.
struct Server {
    bind: SocketAddr,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
}

impl Server {
    fn new(args: Vec<String>, log: PathBuf) -> Server {
        let bind = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port");
        Server { bind, args, log, child: None }
    }

    fn base(&self) -> String {
        format!("http://{}", self.bind)
    }

    fn spawn(&mut self) {
        let log = OpenOptions::new().create(true).append(true).open(&self.log).expect("the server's log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_zhibu-server"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("ZHIBU_") {
                command.env_remove(key);
            }
        }
        let child = command
            .args(["--bind", &self.bind.to_string()])
            .args(["--rate-per-token", "0", "--rate-per-address", "0", "--rate-login", "0"])
            .args(&self.args)
            .env("RUST_LOG", "info")
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log)
            .spawn()
            .expect("zhibu-server starts");
        self.child = Some(child);
    }

    /// Starts the server and waits until `/api/health` answers.
    async fn start(&mut self, http: &reqwest::Client) {
        let started = Instant::now();
        self.spawn();
        loop {
            let health = http.get(format!("{}/api/health", self.base())).timeout(Duration::from_secs(2)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            let exited = self.child.as_mut().is_some_and(|c| c.try_wait().expect("the server's status").is_some());
            if exited || started.elapsed() > Duration::from_secs(60) {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                panic!("the server at {} did not come up; its log:\n{log}", self.bind);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The PostgreSQL server for the tests, from `ZHIBU_TEST_PG_URL`. Without
/// it: a note and `None` (skip), or a failure under CI.
fn pg_admin_url(test: &str) -> Option<String> {
    match std::env::var("ZHIBU_TEST_PG_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{test}: ZHIBU_TEST_PG_URL is not set; under CI the PostgreSQL tests must run")
        }
        _ => {
            note(&format!("{test}: skipped (no PostgreSQL): set ZHIBU_TEST_PG_URL=postgres://user@host:port/db"));
            None
        }
    }
}

/// A database made for one test on the server at the admin URL, named
/// `zhibu_t_…` so that `cargo xtask test` drops any that a failed run left.
struct FreshDb {
    admin: String,
    name: String,
    url: String,
}

impl FreshDb {
    async fn create(admin: &str, prefix: &str) -> FreshDb {
        let suffix: String = random_bytes()[..6].iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("{prefix}_{suffix}");
        admin_client(admin).await.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("CREATE DATABASE");
        FreshDb { admin: admin.to_owned(), url: with_database(admin, &name), name }
    }

    /// Drops the database (the servers' connections with it).
    async fn drop(self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        admin_client(&self.admin).await.batch_execute(&sql).await.expect("DROP DATABASE");
    }
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to ZHIBU_TEST_PG_URL: {e}"));
    tokio::spawn(connection);
    client
}

/// `url` naming database `name` instead (URL or key=value form).
fn with_database(url: &str, name: &str) -> String {
    let Some(scheme) = url.find("://") else { return format!("{url} dbname={name}") };
    let (head, query) = url.split_once('?').map_or((url, None), |(h, q)| (h, Some(q)));
    let authority_end = head[scheme + 3..].find('/').map_or(head.len(), |i| scheme + 3 + i);
    let mut out = format!("{}/{name}", &head[..authority_end]);
    if let Some(query) = query {
        out = format!("{out}?{query}");
    }
    out
}

/// 16 random bytes from the operating system.
fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A line on stderr even when the test passes (the harness captures
/// `println!` and `eprintln!`, not writes to the stream itself).
fn note(line: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
}
