//! Crash test: the real `zhibu-server` binary is SIGKILLed again and again
//! while four devices push, and restarted on the same port and database.
//! A device re-sends a batch until it gets an answer (a push is idempotent
//! by event id), so afterwards every event must be stored exactly once, in
//! one unbroken sequence 1..n, and every event must have been answered
//! accepted or duplicate at least once.
//!
//! SQLite always; PostgreSQL at `ZHIBU_TEST_PG_URL` (the test makes a
//! fresh database there and drops it afterwards). Without it that case
//! fails, unless `ZHIBU_SKIP_POSTGRES=1` skips it on purpose.
//!
//! Rate limits are off (`--rate-per-* 0`): this is about durability, and a
//! 429 would only be one more error to retry.

mod process;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::document::SCHEMA;
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::meetings::{MeetingKind, MeetingValue};
use zhibu_core::sync::{Invitation, Outcome, PullResponse, PushResponse, Session};

use process::{
    FreshDb, Server, create_branch, get, note, pg_admin_url, phone_payload, post, pull_all, random_bytes,
    record_events, roster_events, try_push,
};

/// Devices pushing at once: two organizer sessions, two members' phones.
const DEVICES: usize = 4;
/// Events each device pushes.
const EVENTS: usize = 500;
/// Events per push.
const BATCH: usize = 20;
/// Kills every run sees: each device holds its last batch back until then.
const MIN_KILLS: usize = 5;
/// A device's pause between pushes (ms), so that the run spans many kills.
const PACE_MS: (u64, u64) = (100, 300);
/// The killer's wait between a restart and the next kill (ms).
const KILL_EVERY_MS: (u64, u64) = (150, 600);
/// How far into a push the kill lands (ms).
const INTO_PUSH_MS: (u64, u64) = (0, 10);
/// The whole run, generously for a loaded two-core machine.
const DEADLINE: Duration = Duration::from_secs(100);

/// One test at a time: both start servers and four devices on two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_event_once_through_kills() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    crash_run("sqlite", vec!["--data-dir".into(), data.display().to_string()], dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_event_once_through_kills() {
    let Some(admin) = pg_admin_url("postgres_keeps_every_event_once_through_kills") else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = FreshDb::create(&admin, "zhibu_t_crash").await;
    crash_run("postgres", vec!["--database-url".into(), db.url.clone()], dir.path()).await;
    db.drop().await;
}

/// One run: set up a branch, push from every device while killing the
/// server, then check what is stored.
async fn crash_run(engine: &str, db_args: Vec<String>, dir: &Path) {
    let started = Instant::now();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build().expect("an HTTP client");
    let mut server =
        Server::new(env!("CARGO_BIN_EXE_zhibu-server"), db_args, dir.join("server.log")).env("RUST_LOG", "info");
    server.start_respawning(&http).await;
    let base = server.base();

    // The branch, a second organizer session, and two members' phones.
    let organizer = create_branch(&http, &base, "崩溃测试支部", "crash-organizer").await;
    // The login the server made of the one asked for.
    let login = organizer.login.clone().expect("an organizer session names its login");
    let laptop: Session =
        post(&http, &base, "/api/login", None, &json!({"login": login, "password": "a long password"})).await;
    let roster = roster_events("crash-roster", &(0..7).map(|i| format!("m{i}")).collect::<Vec<_>>());
    let setup: PushResponse =
        post(&http, &base, "/api/sync/push", Some(&organizer.token), &json!({"schema": SCHEMA, "events": roster}))
            .await;
    assert!(setup.events.iter().all(|r| r.outcome == Outcome::Accepted), "the roster is stored: {setup:?}");
    let mut sessions = vec![organizer.clone(), laptop];
    for member in ["m1", "m2"] {
        let invitation: Invitation =
            post(&http, &base, "/api/invitations", Some(&organizer.token), &json!({"member": member})).await;
        let phone: Session = post(
            &http,
            &base,
            "/api/invitations/accept",
            None,
            &json!({"code": invitation.code, "label": format!("{member}的手机")}),
        )
        .await;
        sessions.push(phone);
    }
    assert_eq!(sessions.len(), DEVICES);

    let shared = Arc::new(Shared::default());
    let devices: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(n, session)| {
            let events = device_events(n, &session);
            let (http, base, shared) = (http.clone(), base.clone(), Arc::clone(&shared));
            tokio::spawn(async move { push_all(&http, &base, &session.token, &events, &shared).await })
        })
        .collect();

    // The killer: a while after each (re)start, as soon as a push is in
    // flight (or a while later), SIGKILL; restart on the same port and data.
    let (mut kills, mut mid_push) = (0, 0);
    while shared.finished.load(Ordering::SeqCst) < DEVICES {
        assert!(started.elapsed() < DEADLINE, "{engine}: the run took longer than {DEADLINE:?}");
        tokio::time::sleep(Duration::from_millis(between(KILL_EVERY_MS))).await;
        let waiting = Instant::now();
        while shared.in_flight.load(Ordering::SeqCst) == 0
            && shared.finished.load(Ordering::SeqCst) < DEVICES
            && waiting.elapsed() < Duration::from_secs(1)
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if shared.finished.load(Ordering::SeqCst) == DEVICES {
            break;
        }
        // Somewhere inside the push: reading, checking, committing, answering.
        tokio::time::sleep(Duration::from_millis(between(INTO_PUSH_MS))).await;
        mid_push += usize::from(shared.in_flight.load(Ordering::SeqCst) > 0);
        server.kill();
        kills += 1;
        shared.kills.store(kills, Ordering::SeqCst);
        server.start_respawning(&http).await;
    }
    let mut answers: HashMap<String, Vec<Outcome>> = HashMap::new();
    let mut pushed = Vec::new();
    for r in setup.events {
        answers.entry(r.id.clone()).or_default().push(r.outcome);
        pushed.push(r.id);
    }
    let mut retries = 0;
    for device in devices {
        let report = device.await.expect("a device task panicked");
        retries += report.retries;
        pushed.extend(report.ids);
        for (id, outcome) in report.answers {
            answers.entry(id).or_default().push(outcome);
        }
    }
    assert!(kills >= MIN_KILLS, "{engine}: only {kills} kills");

    // One more kill right after the last answer: what was answered stays.
    server.kill();
    server.start_respawning(&http).await;

    let stored = pull_all(&http, &base, &organizer.token).await;
    let mut seen = HashSet::new();
    let doubled: Vec<_> = stored.iter().filter(|id| !seen.insert(id.as_str())).collect();
    assert!(doubled.is_empty(), "{engine}: events stored twice: {doubled:?}");
    let pushed_set: HashSet<&str> = pushed.iter().map(String::as_str).collect();
    let lost: Vec<_> = pushed.iter().filter(|id| !seen.contains(id.as_str())).collect();
    assert!(lost.is_empty(), "{engine}: {} events lost, e.g. {:?}", lost.len(), &lost[..lost.len().min(5)]);
    let strangers: Vec<_> = stored.iter().filter(|id| !pushed_set.contains(id.as_str())).collect();
    assert!(strangers.is_empty(), "{engine}: events nobody pushed: {strangers:?}");
    assert_eq!(stored.len(), pushed.len());
    check_sequence(&http, &base, &organizer.token, &stored).await;

    let (mut accepted, mut duplicate) = (0, 0);
    for id in &pushed {
        let outcomes = answers.get(id).map(Vec::as_slice).unwrap_or_default();
        assert!(
            outcomes.iter().any(|o| matches!(o, Outcome::Accepted | Outcome::Duplicate)),
            "{engine}: event {id} was never answered accepted or duplicate: {outcomes:?}"
        );
        let accepts = outcomes.iter().filter(|o| **o == Outcome::Accepted).count();
        assert!(accepts <= 1, "{engine}: event {id} was answered accepted {accepts} times");
        accepted += accepts;
        duplicate += outcomes.iter().filter(|o| **o == Outcome::Duplicate).count();
    }
    note(&format!(
        "{engine}: {kills} kills ({mid_push} with a push in flight), {} events stored once each in seq 1..{}, \
         answers: {accepted} accepted + {duplicate} duplicate \
         (stored by a push whose answer the kill cut off, then re-sent), {retries} pushes retried, {:.1} s",
        stored.len(),
        stored.len(),
        started.elapsed().as_secs_f64()
    ));
}

/// What the devices and the killer share.
#[derive(Default)]
struct Shared {
    /// Pushes sent and not yet answered or failed.
    in_flight: AtomicUsize,
    /// Devices done.
    finished: AtomicUsize,
    /// Kills so far.
    kills: AtomicUsize,
}

/// What a device saw.
struct Report {
    ids: Vec<String>,
    answers: Vec<(String, Outcome)>,
    retries: usize,
}

/// Pushes `events` in batches, each until it is answered.
async fn push_all(http: &reqwest::Client, base: &str, token: &str, events: &[Value], shared: &Shared) -> Report {
    let mut report = Report { ids: Vec::new(), answers: Vec::new(), retries: 0 };
    let batches: Vec<&[Value]> = events.chunks(BATCH).collect();
    for (n, batch) in batches.iter().enumerate() {
        if n + 1 == batches.len() {
            while shared.kills.load(Ordering::SeqCst) < MIN_KILLS {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let ids: Vec<String> = batch.iter().map(|e| e["i"].as_str().expect("an id").to_owned()).collect();
        let body = json!({"schema": SCHEMA, "events": batch});
        loop {
            shared.in_flight.fetch_add(1, Ordering::SeqCst);
            let answer = try_push(http, base, token, &body).await;
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            match answer {
                Ok(answer) => {
                    let answered: Vec<&str> = answer.events.iter().map(|r| r.id.as_str()).collect();
                    assert_eq!(answered, ids, "one answer per event, in order");
                    for r in answer.events {
                        assert_ne!(r.outcome, Outcome::Rejected, "event {} rejected: {:?}", r.id, r.reason);
                        report.answers.push((r.id, r.outcome));
                    }
                    break;
                }
                Err(_) => {
                    report.retries += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        report.ids.extend(ids);
        tokio::time::sleep(Duration::from_millis(between(PACE_MS))).await;
    }
    shared.finished.fetch_add(1, Ordering::SeqCst);
    report
}

/// The device's events, made as the app makes them (`Records::record`):
/// organizer sessions plan meetings and mark attendance, phones check in
/// and ask for leave.
fn device_events(n: usize, session: &Session) -> Vec<Value> {
    let actor = session.member.as_ref();
    let payloads = (0..EVENTS).map(|i| {
        let meeting = MeetingId(format!("meeting-{}", i / 2));
        match actor {
            None if i % 2 == 0 => Payload::MeetingSaved {
                meeting: MeetingId(format!("meeting-{n}-{i}")),
                changes: vec![
                    MeetingValue::Kind(MeetingKind::General),
                    MeetingValue::Topic(format!("第{i}次支部党员大会")),
                    MeetingValue::Start(1_773_000_000 + i as i64 * 86_400),
                    MeetingValue::Minutes(90),
                ],
            },
            None => Payload::AttendanceMarked {
                meeting,
                member: MemberId(format!("m{}", i % 7)),
                mark: Attendance { status: AttendanceStatus::Present, at: None, by_self: false },
            },
            Some(me) => phone_payload(i, meeting, me, format!("phone-{n}"), 1_773_000_000 + i as i64),
        }
    });
    record_events(&DeviceId(format!("crash-device-{n}")), actor, 1_773_000_000_000, payloads)
}

/// The k-th stored event has sequence number k: one event per page, so
/// each page's cursor is that event's number.
async fn check_sequence(http: &reqwest::Client, base: &str, token: &str, stored: &[String]) {
    for (k, id) in stored.iter().enumerate() {
        let page: PullResponse = get(http, base, &format!("/api/sync/pull?since={k}&limit=1"), token).await;
        let got: Vec<&str> = page.events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!((got, page.next), (vec![id.as_str()], k as u64 + 1), "the event after sequence {k}");
    }
    let end: PullResponse = get(http, base, &format!("/api/sync/pull?since={}", stored.len()), token).await;
    assert!(end.events.is_empty() && !end.more, "nothing after sequence {}", stored.len());
}

/// A random number in `low..=high`.
fn between((low, high): (u64, u64)) -> u64 {
    let b = random_bytes();
    low + u64::from_le_bytes(b[..8].try_into().expect("8 bytes")) % (high - low + 1)
}
