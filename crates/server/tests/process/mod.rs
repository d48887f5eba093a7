//! What the tests of the real `zhibu-server` process (`crash.rs`,
//! `instances.rs`) share with the ingest bench (`examples/bench.rs`, which
//! includes this file by path): the server binary on a loopback port, JSON
//! calls to it, a fresh PostgreSQL database per test, and builders for the
//! events devices push. (`common/mod.rs` is the in-process harness of
//! `api.rs`.)
//!
//! The `try_` functions answer `Err` with what went wrong, for the bench;
//! the others panic with the same words, for the tests.

// Each of the three uses a part of this module; the rest is dead code to it.
#![allow(dead_code)]

use std::fs::OpenOptions;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;
use zhibu_core::checkin::{CheckIn, LeaveRequest, Proof};
use zhibu_core::event::Payload;
use zhibu_core::ids::{DeviceId, MeetingId, MemberId};
use zhibu_core::records::{EventStamp, Records};
use zhibu_core::roster::{MemberFields, Role as Post, Status};
use zhibu_core::sync::{PullResponse, PushResponse, Session};

// ---------------------------------------------------------------------------
// JSON calls
// ---------------------------------------------------------------------------

/// POSTs `body` to `path` (with `token` as the bearer, if any) and reads
/// the JSON answer; panics on any failure.
pub async fn post<T: DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> T {
    try_post(http, base, path, token, body).await.unwrap_or_else(|e| panic!("{e}"))
}

/// GETs `path` with `token` as the bearer and reads the JSON answer;
/// panics on any failure.
pub async fn get<T: DeserializeOwned>(http: &reqwest::Client, base: &str, path: &str, token: &str) -> T {
    try_get(http, base, path, token).await.unwrap_or_else(|e| panic!("{e}"))
}

/// [`post`], with a failure as an `Err` that starts with `path`.
pub async fn try_post<T: DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<T, String> {
    let mut request = http.post(format!("{base}{path}")).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request).await.map_err(|e| format!("{path}: {e}"))
}

/// [`get`], with a failure as an `Err` that starts with `path`.
pub async fn try_get<T: DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
) -> Result<T, String> {
    answer(http.get(format!("{base}{path}")).bearer_auth(token)).await.map_err(|e| format!("{path}: {e}"))
}

/// One push of `body` (`{"schema", "events"}`) to `/api/sync/push`.
pub async fn try_push(http: &reqwest::Client, base: &str, token: &str, body: &Value) -> Result<PushResponse, String> {
    answer(http.post(format!("{base}/api/sync/push")).bearer_auth(token).json(body)).await
}

/// Sends `request` and reads its JSON answer; any failure (refused, cut,
/// not a 2xx, an unreadable body) is an `Err`.
pub async fn answer<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> Result<T, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
}

/// Creates the branch `name` (sign-up is open on loopback) with an
/// organizer asking for `login`; the organizer's session.
pub async fn create_branch(http: &reqwest::Client, base: &str, name: &str, login: &str) -> Session {
    let body = serde_json::json!({"name": name, "login": login, "password": "a long password"});
    post(http, base, "/api/branches", None, &body).await
}

/// A device's page-by-page pull from where it left off.
#[derive(Default)]
pub struct Puller {
    pub since: u64,
    pub ids: Vec<String>,
    /// A member's phone: its pages leave out other members' own records
    /// (`zhibu_core::visibility`), so they may skip sequence numbers.
    pub partial: bool,
}

impl Puller {
    /// Pulls every page after `since`; a record keeper's page must not
    /// skip sequence numbers.
    pub async fn pull(&mut self, http: &reqwest::Client, base: &str, token: &str) {
        loop {
            let page: PullResponse = get(http, base, &format!("/api/sync/pull?since={}", self.since), token).await;
            let since = self.since;
            let (span, got) = (page.next - since, page.events.len() as u64);
            if self.partial {
                assert!(got <= span, "a page after {since} holds more events than sequence numbers");
            } else {
                assert_eq!(span, got, "a page after {since} skips sequence numbers");
            }
            self.ids.extend(page.events.into_iter().map(|e| e.id.0));
            self.since = page.next;
            if !page.more {
                return;
            }
        }
    }
}

/// Every stored event id, in the server's order.
pub async fn pull_all(http: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let mut puller = Puller::default();
    puller.pull(http, base, token).await;
    puller.ids
}

// ---------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------

/// The server binary on a loopback port of its own (the same one after a
/// restart) with the rate limits off (`--rate-per-* 0`); killed when dropped.
pub struct Server {
    binary: PathBuf,
    bind: SocketAddr,
    args: Vec<String>,
    env: Vec<(String, String)>,
    log: PathBuf,
    child: Option<Child>,
}

impl Server {
    /// `binary` with `args` (its database) added, writing to the file `log`
    /// (appended to); not started yet. Variables `ZHIBU_*` are not passed on.
    pub fn new(binary: impl Into<PathBuf>, args: Vec<String>, log: PathBuf) -> Server {
        Server { binary: binary.into(), bind: free_port(), args, env: Vec::new(), log, child: None }
    }

    /// With `key=value` in the server's environment.
    pub fn env(mut self, key: &str, value: &str) -> Server {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.bind)
    }

    /// The process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Starts the server and waits until `/api/health` answers; panics if
    /// it exits first or does not answer within 60 s.
    pub async fn start(&mut self, http: &reqwest::Client) {
        self.come_up(http, false).await.unwrap_or_else(|e| panic!("{e}"));
    }

    /// [`Server::start`], with a failure as an `Err`.
    pub async fn try_start(&mut self, http: &reqwest::Client) -> Result<(), String> {
        self.come_up(http, false).await
    }

    /// [`Server::start`], but a server that exits (say its port is not free
    /// yet after a kill) is started again, until the 60 s are up.
    pub async fn start_respawning(&mut self, http: &reqwest::Client) {
        self.come_up(http, true).await.unwrap_or_else(|e| panic!("{e}"));
    }

    async fn come_up(&mut self, http: &reqwest::Client, respawn: bool) -> Result<(), String> {
        let started = Instant::now();
        self.spawn()?;
        loop {
            let health = http.get(format!("{}/api/health", self.base())).timeout(Duration::from_secs(2)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            let exited = match &mut self.child {
                Some(child) => child.try_wait().map_err(|e| format!("the server's status: {e}"))?.is_some(),
                None => false,
            };
            if started.elapsed() > Duration::from_secs(60) || (exited && !respawn) {
                let why = if exited { "exited" } else { "did not answer /api/health within 60 s" };
                return Err(format!("the server at {} {why}; its log:\n{}", self.bind, self.log_tail()));
            }
            if exited {
                tokio::time::sleep(Duration::from_millis(100)).await;
                self.spawn()?;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn spawn(&mut self) -> Result<(), String> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| format!("the server's log file {}: {e}", self.log.display()))?;
        let mut command = Command::new(&self.binary);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("ZHIBU_") {
                command.env_remove(key);
            }
        }
        let child = command
            .args(["--bind", &self.bind.to_string()])
            .args(["--rate-per-token", "0", "--rate-per-address", "0", "--rate-login", "0"])
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| format!("the server's log file: {e}"))?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", self.binary.display()))?;
        self.child = Some(child);
        Ok(())
    }

    /// SIGKILL (what `Child::kill` sends on Unix), and reap it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The last 30 lines of its log.
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
pub fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port")
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

#[path = "../postgres_env/mod.rs"]
mod postgres_env;

/// The PostgreSQL server for the tests, from `ZHIBU_TEST_PG_URL`; `None`
/// only when skipped on purpose, a failure when missing (`postgres_env`).
pub fn pg_admin_url(test: &str) -> Option<String> {
    postgres_env::pg_url(test)
}

/// A database made for one test on the server at the admin URL, named
/// `zhibu_t_…` so that `cargo xtask test` drops any that a failed run left.
pub struct FreshDb {
    admin: String,
    name: String,
    pub url: String,
}

impl FreshDb {
    pub async fn create(admin: &str, prefix: &str) -> FreshDb {
        let suffix: String = random_bytes()[..6].iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("{prefix}_{suffix}");
        admin_client(admin).await.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("CREATE DATABASE");
        FreshDb { admin: admin.to_owned(), url: with_database(admin, &name), name }
    }

    /// Drops the database (the servers' connections with it).
    pub async fn drop(self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        admin_client(&self.admin).await.batch_execute(&sql).await.expect("DROP DATABASE");
    }
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    pg_connect(url).await.unwrap_or_else(|e| panic!("cannot connect to ZHIBU_TEST_PG_URL: {e}"))
}

/// A connection to `url`, driven on a task of its own.
pub async fn pg_connect(url: &str) -> Result<tokio_postgres::Client, String> {
    let (client, connection) =
        tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(|e| format!("PostgreSQL at {url}: {e}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// `url` naming database `name` instead (URL or key=value form).
pub fn with_database(url: &str, name: &str) -> String {
    let Some(scheme) = url.find("://") else { return format!("{url} dbname={name}") };
    let (head, query) = url.split_once('?').map_or((url, None), |(h, q)| (h, Some(q)));
    let authority_end = head[scheme + 3..].find('/').map_or(head.len(), |i| scheme + 3 + i);
    let mut out = format!("{}/{name}", &head[..authority_end]);
    if let Some(query) = query {
        out = format!("{out}?{query}");
    }
    out
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/// `payloads` as `device` records them (`Records::record`) acting as
/// `actor`, the n-th at `unix_ms + n`.
pub fn record_events(
    device: &DeviceId,
    actor: Option<&MemberId>,
    unix_ms: i64,
    payloads: impl IntoIterator<Item = Payload>,
) -> Vec<Value> {
    let mut records = Records::default();
    payloads
        .into_iter()
        .enumerate()
        .map(|(n, payload)| {
            let stamp = EventStamp {
                device: device.clone(),
                actor: actor.cloned(),
                unix_ms: unix_ms + n as i64,
                random: random_bytes(),
            };
            serde_json::to_value(records.record(stamp, payload)).expect("an event serializes")
        })
        .collect()
}

/// The roster, recorded by the organizer's `device`: invitations (and
/// rounds) name these members.
pub fn roster_events(device: &str, members: &[impl AsRef<str>]) -> Vec<Value> {
    let added = members.iter().map(|id| member_added(MemberId(id.as_ref().into())));
    record_events(&DeviceId(device.into()), None, 1_772_000_000_000, added)
}

/// A full member of the first group, named after the id.
pub fn member_added(member: MemberId) -> Payload {
    let fields = MemberFields {
        name: format!("党员{member}"),
        group: "第一党小组".into(),
        status: Status::Full,
        role: Post::Member,
        joined: None,
        phone: None,
        exempt: false,
    };
    Payload::MemberAdded { member, fields }
}

/// What a member's phone writes: a check-in (even `n`) from `device` at
/// `at`, or a request for leave (odd `n`).
pub fn phone_payload(n: usize, meeting: MeetingId, member: &MemberId, device: String, at: i64) -> Payload {
    if n.is_multiple_of(2) {
        let check = CheckIn { at, device, proof: Proof::Code("123456".into()) };
        Payload::CheckedIn { meeting, member: member.clone(), check }
    } else {
        let request = LeaveRequest { reason: "出差".into(), withdrawn: false };
        Payload::LeaveRequested { meeting, member: member.clone(), request }
    }
}

/// 16 random bytes from the operating system.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A line on stderr even when the test passes (the harness captures
/// `println!` and `eprintln!`, not writes to the stream itself).
pub fn note(line: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
}
