//! Crash test: the real `zhibu-server` binary is SIGKILLed again and again
//! while four devices push, and restarted on the same port and database.
//! A device re-sends a batch until it gets an answer (a push is idempotent
//! by event id), so afterwards every event must be stored exactly once, in
//! one unbroken sequence 1..n, and every event must have been answered
//! accepted or duplicate at least once.
//!
//! SQLite always; PostgreSQL when `ZHIBU_TEST_PG_URL` names a server (the
//! test makes a fresh database there and drops it afterwards). Without it
//! that case is skipped with a note, or fails under CI (`CI` set).
//!
//! Rate limits are off (`--rate-per-* 0`): this is about durability, and a
//! 429 would only be one more error to retry.

use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::checkin::{CheckIn, LeaveRequest, Proof};
use zhibu_core::document::SCHEMA;
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::meetings::{MeetingKind, MeetingValue};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role as Post, Status};
use zhibu_core::sync::{Invitation, Outcome, PullResponse, PushResponse, Session};

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
    let mut server = Server::new(db_args, dir.join("server.log"));
    server.start(&http).await;
    let base = server.base();

    // The branch, a second organizer session, and two members' phones.
    let organizer: Session = post(
        &http,
        &base,
        "/api/branches",
        None,
        &json!({"name": "崩溃测试支部", "login": "crash-organizer", "password": "a long password"}),
    )
    .await;
    let laptop: Session =
        post(&http, &base, "/api/login", None, &json!({"login": "crash-organizer", "password": "a long password"}))
            .await;
    let roster = roster_events(7);
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
        server.start(&http).await;
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
    server.start(&http).await;

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

/// One push; any failure (refused, cut, a 5xx, an unreadable body) is an `Err`.
async fn try_push(http: &reqwest::Client, base: &str, token: &str, body: &Value) -> Result<PushResponse, String> {
    let response = http
        .post(format!("{base}/api/sync/push"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
}

/// The device's events, made as the app makes them (`Records::record`):
/// organizer sessions plan meetings and mark attendance, phones check in
/// and ask for leave.
fn device_events(n: usize, session: &Session) -> Vec<Value> {
    let mut records = Records::default();
    let device = DeviceId(format!("crash-device-{n}"));
    let actor = session.member.clone();
    (0..EVENTS)
        .map(|i| {
            let meeting = MeetingId(format!("meeting-{}", i / 2));
            let payload = match (&actor, i % 2) {
                (None, 0) => Payload::MeetingSaved {
                    meeting: MeetingId(format!("meeting-{n}-{i}")),
                    changes: vec![
                        MeetingValue::Kind(MeetingKind::General),
                        MeetingValue::Topic(format!("第{i}次支部党员大会")),
                        MeetingValue::Start(1_773_000_000 + i as i64 * 86_400),
                        MeetingValue::Minutes(90),
                    ],
                },
                (None, _) => Payload::AttendanceMarked {
                    meeting,
                    member: MemberId(format!("m{}", i % 7)),
                    mark: Attendance { status: AttendanceStatus::Present, at: None, by_self: false },
                },
                (Some(me), 0) => Payload::CheckedIn {
                    meeting,
                    member: me.clone(),
                    check: CheckIn {
                        at: 1_773_000_000 + i as i64,
                        device: format!("phone-{n}"),
                        proof: Proof::Code("123456".into()),
                    },
                },
                (Some(me), _) => Payload::LeaveRequested {
                    meeting,
                    member: me.clone(),
                    request: LeaveRequest { reason: "出差".into(), withdrawn: false },
                },
            };
            let stamp = EventStamp {
                device: device.clone(),
                actor: actor.clone(),
                unix_ms: 1_773_000_000_000 + i as i64,
                random: random_bytes(),
            };
            serde_json::to_value(records.record(stamp, payload)).expect("an event serializes")
        })
        .collect()
}

/// The organizer's roster: members `m0`.. (invitations name them).
fn roster_events(n: usize) -> Vec<Value> {
    let mut records = Records::default();
    (0..n)
        .map(|i| {
            let fields = MemberFields {
                name: format!("党员{i}"),
                group: "第一党小组".into(),
                status: Status::Full,
                role: Post::Member,
                joined: None,
                phone: None,
                exempt: false,
            };
            let stamp = EventStamp {
                device: DeviceId("crash-roster".into()),
                actor: None,
                unix_ms: 1_772_000_000_000 + i as i64,
                random: random_bytes(),
            };
            let event = records.record(stamp, Payload::MemberAdded { member: MemberId(format!("m{i}")), fields });
            serde_json::to_value(event).expect("an event serializes")
        })
        .collect()
}

/// Every stored event id, in the server's order.
async fn pull_all(http: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut since = 0;
    loop {
        let page: PullResponse = get(http, base, &format!("/api/sync/pull?since={since}"), token).await;
        assert_eq!(page.next - since, page.events.len() as u64, "a page after {since} skips sequence numbers");
        ids.extend(page.events.into_iter().map(|e| e.id.0));
        since = page.next;
        if !page.more {
            return ids;
        }
    }
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

/// The server binary on a fixed loopback port, started again after a kill.
struct Server {
    bind: SocketAddr,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
}

impl Server {
    fn new(args: Vec<String>, log: PathBuf) -> Server {
        Server { bind: free_port(), args, log, child: None }
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
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not answer /api/health within 60 s; its log:\n{}",
                self.log_tail()
            );
            let health = http.get(format!("{}/api/health", self.base())).timeout(Duration::from_secs(2)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            // It exited (say the port was not free yet): start it again.
            if let Some(child) = &mut self.child
                && child.try_wait().expect("the server's status").is_some()
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
                self.spawn();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), and reap it.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback port nobody listens on (the kernel's pick).
fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port")
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
        let name = format!("{prefix}_{}", random_bytes()[..6].iter().map(|b| format!("{b:02x}")).collect::<String>());
        admin_client(admin).await.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("CREATE DATABASE");
        FreshDb { admin: admin.to_owned(), url: with_database(admin, &name), name }
    }

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

/// A random number in `low..=high`.
fn between((low, high): (u64, u64)) -> u64 {
    let b = random_bytes();
    low + u64::from_le_bytes(b[..8].try_into().expect("8 bytes")) % (high - low + 1)
}

/// A line on stderr even when the test passes (the harness captures
/// `println!` and `eprintln!`, not writes to the stream itself).
fn note(line: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
}
