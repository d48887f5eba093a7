//! The sync server under load, beside its storage engine's own rate on the
//! same machine in the same run (`bench/README.md`, "Server").
//!
//! `cargo xtask bench --only server` builds this and the server in the `server` profile
//! and passes it a PostgreSQL URL (`xtask/src/postgres.rs`). By hand:
//!
//! ```sh
//! cargo build --profile server -p zhibu-server --bin zhibu-server --example bench
//! target/server/examples/bench [--seconds 15] [--branches 20] [--devices 10] [--batch 50] [--postgres URL]
//! ```
//!
//! For each engine (SQLite; PostgreSQL when a URL is given, else
//! "skipped") it starts the `server`-profile `zhibu-server` on loopback with the rate
//! limits off, makes `--branches` branches of `--devices` devices each (the
//! organizer's session and members' phones joined by invitation), and has
//! every device push batches of `--batch` new events, one push after the
//! other, for `--seconds`. Figures: events stored per second, and push
//! latency p50/p99 as the devices saw it.
//!
//! The baseline, right after, in the same database: only the SQL of the
//! server's commit (lock/read the branch row, insert the batch, bump the
//! branch) for batches of the same events' JSON, with no HTTP, token, check
//! or fold. SQLite: one connection with the server's settings, timing the
//! transactions only. PostgreSQL: one connection per branch at once, wall
//! clock.

#[path = "../tests/process/mod.rs"]
mod process;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use zhibu_core::attendance::{Attendance, AttendanceStatus};
use zhibu_core::document::SCHEMA;
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId};
use zhibu_core::meetings::{MeetingKind, MeetingValue};
use zhibu_core::sync::{Invitation, Outcome, PullResponse, PushResponse, Session};

use process::{Server, member_added, pg_connect, phone_payload, try_get, try_post, try_push, with_database};

/// The server's throughput beside its database's.
#[derive(Parser, Debug)]
struct Args {
    /// Seconds of pushing per engine.
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// Seconds of the baseline per engine.
    #[arg(long, default_value_t = 5)]
    baseline_seconds: u64,
    /// Branches.
    #[arg(long, default_value_t = 20)]
    branches: usize,
    /// Devices per branch, each a client pushing one batch after another
    /// (the first is the organizer's session, the others members' phones).
    #[arg(long, default_value_t = 10)]
    devices: usize,
    /// Events per push.
    #[arg(long, default_value_t = 50)]
    batch: usize,
    /// PostgreSQL server to measure on (a fresh database is made there).
    #[arg(long, env = "ZHIBU_TEST_PG_URL")]
    postgres: Option<String>,
    /// The server binary (default: the `server`-profile build beside this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Where the figures are written as JSON.
    #[arg(long, default_value = "target/bench/server.json")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one engine measured.
struct Figures {
    engine: &'static str,
    events_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    pushes: usize,
    events: u64,
    seconds: f64,
    failures: usize,
    /// CPU seconds the server process used over the run (Linux).
    server_cpu_s: Option<f64>,
    baseline_per_s: f64,
}

async fn run(args: Args) -> Result<(), String> {
    let server = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .parent()
            .and_then(Path::parent)
            .ok_or("no directory above this program")?
            .join("zhibu-server"),
    };
    if !server.is_file() {
        return Err(format!(
            "no server at {}: cargo build --profile server -p zhibu-server --bin zhibu-server",
            server.display()
        ));
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "server bench: {} branches × {} devices = {} clients, {} events per push, {} s per engine, \
         {cpus} CPUs shared by server, clients and database",
        args.branches,
        args.devices,
        args.branches * args.devices,
        args.batch,
        args.seconds
    );
    let mut results = Vec::new();

    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let data = dir.path().join("data");
    let sqlite =
        measure(&args, &server, "SQLite", vec!["--data-dir".into(), data.display().to_string()], dir.path()).await?;
    let sqlite = Figures { baseline_per_s: sqlite_baseline(&args, &data)?, ..sqlite };
    results.push(sqlite);

    match &args.postgres {
        None => println!("PostgreSQL: skipped: no PostgreSQL (give --postgres URL or ZHIBU_TEST_PG_URL)"),
        Some(admin) => {
            let name = format!("zhibu_t_bench_{}", std::process::id());
            let client = pg_connect(admin).await?;
            for sql in [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")] {
                client.batch_execute(&sql).await.map_err(pg_error)?;
            }
            let url = with_database(admin, &name);
            let figures =
                measure(&args, &server, "PostgreSQL", vec!["--database-url".into(), url.clone()], dir.path()).await;
            let baseline = match figures {
                Ok(_) => postgres_baseline(&args, &url).await,
                Err(_) => Ok(0.0),
            };
            client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.map_err(pg_error)?;
            results.push(Figures { baseline_per_s: baseline?, ..figures? });
        }
    }

    print_table(&results);
    write_json(&args, &results)
}

/// Starts the server, sets the branches up, pushes for `--seconds`,
/// checks every branch's count, and stops the server.
async fn measure(
    args: &Args,
    binary: &Path,
    engine: &'static str,
    db_args: Vec<String>,
    dir: &Path,
) -> Result<Figures, String> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
    let mut server = Server::new(binary, db_args, dir.join(format!("{engine}.log")));
    server.try_start(&http).await?;
    let base = server.base();
    println!("{engine}: server up at {base}; setting up {} branches", args.branches);

    let setups: Vec<_> = (0..args.branches)
        .map(|b| {
            let (http, base, devices) = (http.clone(), base.clone(), args.devices);
            tokio::spawn(async move { setup_branch(&http, &base, b, devices).await })
        })
        .collect();
    let mut branches = Vec::new();
    for setup in setups {
        branches.push(setup.await.map_err(|e| e.to_string())??);
    }

    println!("{engine}: {} clients pushing for {} s", args.branches * args.devices, args.seconds);
    let cpu_before = (server.pid().and_then(cpu_seconds), cpu_seconds(std::process::id()));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.seconds);
    let mut clients = Vec::new();
    for (b, branch) in branches.iter().enumerate() {
        for (d, session) in branch.devices.iter().enumerate() {
            let (http, base, token) = (http.clone(), base.clone(), session.token.clone());
            let mut events = Generator::new(b, d, session.member.clone());
            let batch = args.batch;
            clients.push(tokio::spawn(async move {
                let mut load = Load::default();
                while Instant::now() < deadline {
                    let body = json!({"schema": SCHEMA, "events": events.batch(batch)});
                    let sent = Instant::now();
                    match try_push(&http, &base, &token, &body).await {
                        Ok(answer) => {
                            load.latencies.push(sent.elapsed());
                            load.accepted += answer.events.iter().filter(|r| r.outcome == Outcome::Accepted).count();
                            load.other += answer.events.iter().filter(|r| r.outcome != Outcome::Accepted).count();
                        }
                        Err(e) => {
                            load.failures += 1;
                            load.first_failure.get_or_insert(e);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
                (b, load, Instant::now())
            }));
        }
    }
    let mut per_branch = vec![0usize; branches.len()];
    let (mut latencies, mut failures, mut other, mut end) = (Vec::new(), 0, 0, start);
    let mut first_failure = None;
    for client in clients {
        let (b, load, done) = client.await.map_err(|e| e.to_string())?;
        per_branch[b] += load.accepted;
        latencies.extend(load.latencies);
        failures += load.failures;
        other += load.other;
        first_failure = first_failure.or(load.first_failure);
        end = end.max(done);
    }
    let seconds = (end - start).as_secs_f64();
    let cpu = match (cpu_before, (server.pid().and_then(cpu_seconds), cpu_seconds(std::process::id()))) {
        ((Some(s0), Some(c0)), (Some(s1), Some(c1))) => Some((s1 - s0, c1 - c0)),
        _ => None,
    };

    // Every accepted event is stored, and nothing else.
    for (branch, accepted) in branches.iter().zip(&per_branch) {
        let expected = branch.roster + accepted;
        let since = expected.saturating_sub(1);
        let page: PullResponse =
            try_get(&http, &base, &format!("/api/sync/pull?since={since}&limit=1"), &branch.devices[0].token).await?;
        if page.next as usize != expected || page.more {
            return Err(format!("{engine}: a branch stores up to {} events, not the {expected} answered", page.next));
        }
    }
    if other > 0 {
        return Err(format!("{engine}: {other} events were not accepted (every event is new)"));
    }
    if let Some(e) = &first_failure {
        println!("{engine}: {failures} pushes failed, the first: {e}");
    }
    drop(server);

    latencies.sort();
    let events: usize = per_branch.iter().sum();
    let figures = Figures {
        engine,
        events_per_s: events as f64 / seconds,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        pushes: latencies.len(),
        events: events as u64,
        seconds,
        failures,
        server_cpu_s: cpu.map(|(server, _)| server),
        baseline_per_s: 0.0,
    };
    println!(
        "{engine}: {} events in {} pushes over {seconds:.1} s: {:.0} events/s, p50 {:.1} ms, p99 {:.1} ms",
        figures.events, figures.pushes, figures.events_per_s, figures.p50_ms, figures.p99_ms
    );
    if let Some((server_cpu, clients_cpu)) = cpu {
        println!(
            "{engine}: CPU over the run: server {server_cpu:.1} s ({:.0} events per server CPU-second), \
             load generator {clients_cpu:.1} s, of {seconds:.1} s on {} CPUs (the database's own processes \
             not counted)",
            figures.events as f64 / server_cpu,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
    }
    Ok(figures)
}

/// One client's pushes.
#[derive(Default)]
struct Load {
    latencies: Vec<Duration>,
    accepted: usize,
    other: usize,
    failures: usize,
    first_failure: Option<String>,
}

/// A branch ready for load: its devices' sessions (the organizer's first)
/// and the number of roster events stored.
struct Branch {
    devices: Vec<Session>,
    roster: usize,
}

async fn setup_branch(http: &reqwest::Client, base: &str, b: usize, devices: usize) -> Result<Branch, String> {
    let body = json!({"name": format!("压测支部{b}"), "login": format!("bench-{b}"), "password": "a long password"});
    let organizer: Session = try_post(http, base, "/api/branches", None, &body).await?;
    let members: Vec<MemberId> = (1..devices).map(|m| MemberId(format!("m{m}"))).collect();
    let mut roster = Generator::new(b, usize::MAX, None);
    let events: Vec<Event> = members.iter().map(|m| roster.member_added(m)).collect();
    let answer: PushResponse =
        try_post(http, base, "/api/sync/push", Some(&organizer.token), &json!({"schema": SCHEMA, "events": events}))
            .await?;
    if answer.events.iter().any(|r| r.outcome != Outcome::Accepted) {
        return Err(format!("the roster was not stored: {answer:?}"));
    }
    let mut sessions = vec![organizer.clone()];
    for member in &members {
        let invitation: Invitation =
            try_post(http, base, "/api/invitations", Some(&organizer.token), &json!({"member": member})).await?;
        let phone: Session =
            try_post(http, base, "/api/invitations/accept", None, &json!({"code": invitation.code, "label": "手机"}))
                .await?;
        sessions.push(phone);
    }
    Ok(Branch { devices: sessions, roster: members.len() })
}

/// New events for one device: the organizer plans meetings and marks
/// attendance, a phone checks in and asks for leave. Ids are ULIDs whose
/// random part is (counter, branch, device): unique without a syscall.
struct Generator {
    device: DeviceId,
    actor: Option<MemberId>,
    random: [u8; 16],
    n: u32,
}

impl Generator {
    fn new(branch: usize, device: usize, actor: Option<MemberId>) -> Generator {
        let mut random = [0u8; 16];
        random[4..8].copy_from_slice(&(branch as u32).to_le_bytes());
        random[8..10].copy_from_slice(&(device as u16).to_le_bytes());
        Generator { device: DeviceId(format!("bench-{branch}-{device}")), actor, random, n: 0 }
    }

    fn event(&mut self, payload: Payload) -> Event {
        self.n += 1;
        self.random[..4].copy_from_slice(&self.n.to_le_bytes());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        Event {
            id: EventId::generate(now as u64, self.random),
            device: self.device.clone(),
            clock: u64::from(self.n),
            actor: self.actor.clone(),
            at: now as i64,
            payload,
        }
    }

    fn member_added(&mut self, member: &MemberId) -> Event {
        self.event(member_added(member.clone()))
    }

    fn batch(&mut self, size: usize) -> Vec<Event> {
        (0..size)
            .map(|_| {
                let i = self.n + 1;
                let meeting = MeetingId(format!("meeting-{}", i / 4));
                let payload = match (&self.actor, i % 2) {
                    (None, 0) => Payload::MeetingSaved {
                        meeting,
                        changes: vec![
                            MeetingValue::Kind(MeetingKind::General),
                            MeetingValue::Topic(format!("第{i}次支部党员大会")),
                            MeetingValue::Start(1_773_000_000 + i64::from(i) * 3600),
                            MeetingValue::Minutes(90),
                        ],
                    },
                    (None, _) => Payload::AttendanceMarked {
                        meeting,
                        member: MemberId(format!("m{}", i % 9 + 1)),
                        mark: Attendance { status: AttendanceStatus::Present, at: None, by_self: false },
                    },
                    (Some(me), _) => {
                        phone_payload(i as usize, meeting, me, self.device.0.clone(), 1_773_000_000 + i64::from(i))
                    }
                };
                self.event(payload)
            })
            .collect()
    }

    /// A batch as the server stores it: (id, JSON).
    fn rows(&mut self, size: usize) -> Vec<(String, String)> {
        self.batch(size)
            .into_iter()
            .map(|e| (e.id.0.clone(), serde_json::to_string(&e).expect("an event serializes")))
            .collect()
    }
}

/// The commit's SQL alone, on the server's SQLite file with its settings:
/// events per second of transaction time.
fn sqlite_baseline(args: &Args, data: &Path) -> Result<f64, String> {
    let file = std::fs::read_dir(data)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|entry| entry.path())
        .find(|p| p.extension().is_some_and(|x| x == "sqlite3"))
        .ok_or("no SQLite file in the server's data directory")?;
    let conn = rusqlite::Connection::open(&file).map_err(|e| e.to_string())?;
    conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
    for (pragma, value) in [("synchronous", "NORMAL"), ("foreign_keys", "ON"), ("secure_delete", "ON")] {
        conn.pragma_update(None, pragma, value).map_err(|e| e.to_string())?;
    }
    let mut generators: Vec<(String, Generator)> =
        (0..args.branches).map(|b| (format!("baseline-{b}"), Generator::new(1000 + b, 0, None))).collect();
    for (id, _) in &generators {
        conn.execute(
            "INSERT INTO branches (id, name, seq, version, share_phones, created_at) VALUES (?1, ?1, 0, 0, 0, 0)",
            [id],
        )
        .map_err(|e| e.to_string())?;
    }
    let mut conn = conn;
    let (mut events, mut busy) = (0usize, Duration::ZERO);
    let deadline = Instant::now() + Duration::from_secs(args.baseline_seconds);
    'outer: loop {
        for (branch, generator) in &mut generators {
            if Instant::now() >= deadline {
                break 'outer;
            }
            let rows = generator.rows(args.batch);
            let started = Instant::now();
            sqlite_commit(&mut conn, branch, &rows).map_err(|e| e.to_string())?;
            busy += started.elapsed();
            events += rows.len();
        }
    }
    let rate = events as f64 / busy.as_secs_f64();
    println!("SQLite baseline: {events} events in {:.1} s of transactions: {rate:.0} events/s", busy.as_secs_f64());
    Ok(rate)
}

/// What `store::sqlite` does in `commit`, minus the boxes.
fn sqlite_commit(conn: &mut rusqlite::Connection, branch: &str, rows: &[(String, String)]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (seq, version): (i64, i64) =
        tx.query_row("SELECT seq, version FROM branches WHERE id = ?1", [branch], |r| Ok((r.get(0)?, r.get(1)?)))?;
    {
        let mut insert = tx.prepare_cached("INSERT INTO events (branch, seq, id, body) VALUES (?1, ?2, ?3, ?4)")?;
        for (next, (id, body)) in (seq + 1..).zip(rows) {
            insert.execute(rusqlite::params![branch, next, id, body])?;
        }
    }
    tx.execute(
        "UPDATE branches SET seq = ?2, version = ?3 WHERE id = ?1",
        rusqlite::params![branch, seq + rows.len() as i64, version + 1],
    )?;
    tx.commit()
}

/// The commit's SQL alone on the server's PostgreSQL database, one
/// connection per branch at once: events per second of wall time.
async fn postgres_baseline(args: &Args, url: &str) -> Result<f64, String> {
    let deadline = Instant::now() + Duration::from_secs(args.baseline_seconds);
    let start = Instant::now();
    let tasks: Vec<_> = (0..args.branches)
        .map(|b| {
            let (url, batch) = (url.to_owned(), args.batch);
            tokio::spawn(async move {
                let mut client = pg_connect(&url).await?;
                let branch = format!("baseline-{b}");
                client
                    .execute(
                        "INSERT INTO branches (id, name, seq, version, share_phones, created_at) \
                         VALUES ($1, $1, 0, 0, FALSE, 0)",
                        &[&branch],
                    )
                    .await
                    .map_err(pg_error)?;
                let commit = Commit::prepare(&client).await.map_err(pg_error)?;
                let mut generator = Generator::new(1000 + b, 0, None);
                let mut events = 0usize;
                while Instant::now() < deadline {
                    let rows = generator.rows(batch);
                    commit.run(&mut client, &branch, &rows).await.map_err(pg_error)?;
                    events += rows.len();
                }
                Ok::<usize, String>(events)
            })
        })
        .collect();
    let mut events = 0;
    for task in tasks {
        events += task.await.map_err(|e| e.to_string())??;
    }
    let seconds = start.elapsed().as_secs_f64();
    let rate = events as f64 / seconds;
    println!(
        "PostgreSQL baseline: {events} events in {seconds:.1} s over {} connections: {rate:.0} events/s",
        args.branches
    );
    Ok(rate)
}

/// The statements of `store::postgres`'s `commit` (minus the boxes),
/// prepared once per connection as its pool's cache does.
struct Commit {
    lock: tokio_postgres::Statement,
    insert: tokio_postgres::Statement,
    bump: tokio_postgres::Statement,
}

impl Commit {
    async fn prepare(client: &tokio_postgres::Client) -> Result<Commit, tokio_postgres::Error> {
        Ok(Commit {
            lock: client.prepare("SELECT seq, version FROM branches WHERE id = $1 FOR UPDATE").await?,
            insert: client
                .prepare(
                    "INSERT INTO events (branch, seq, id, body) SELECT $1, $2 + t.ord, t.id, t.body \
                     FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t (id, body, ord)",
                )
                .await?,
            bump: client.prepare("UPDATE branches SET seq = $2, version = $3 WHERE id = $1").await?,
        })
    }

    async fn run(
        &self,
        client: &mut tokio_postgres::Client,
        branch: &str,
        rows: &[(String, String)],
    ) -> Result<(), tokio_postgres::Error> {
        let tx = client.transaction().await?;
        let row = tx.query_one(&self.lock, &[&branch]).await?;
        let (seq, version): (i64, i64) = (row.get(0), row.get(1));
        let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
        let bodies: Vec<&str> = rows.iter().map(|(_, body)| body.as_str()).collect();
        tx.execute(&self.insert, &[&branch, &seq, &ids, &bodies]).await?;
        let (seq, version) = (seq + rows.len() as i64, version + 1);
        tx.execute(&self.bump, &[&branch, &seq, &version]).await?;
        tx.commit().await
    }
}

fn pg_error(e: tokio_postgres::Error) -> String {
    e.as_db_error().map_or_else(|| e.to_string(), |db| db.message().to_owned())
}

/// CPU time (user + system) a process has used so far, from Linux's
/// `/proc/<pid>/stat` (in ticks of 1/100 s, Linux's USER_HZ); `None`
/// elsewhere.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command (which may hold spaces) close with ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// The p-th latency, in ms (`sorted` ascending).
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn print_table(results: &[Figures]) {
    let rows: Vec<(String, String, String, String)> = results
        .iter()
        .flat_map(|f| {
            let ratio =
                if f.baseline_per_s > 0.0 { format!("{:.2}", f.events_per_s / f.baseline_per_s) } else { "—".into() };
            [
                (
                    format!("{}: events/s stored", f.engine),
                    thousands(f.events_per_s),
                    thousands(f.baseline_per_s),
                    ratio,
                ),
                (format!("{}: push latency p50", f.engine), format!("{:.1} ms", f.p50_ms), "—".into(), "—".into()),
                (format!("{}: push latency p99", f.engine), format!("{:.1} ms", f.p99_ms), "—".into(), "—".into()),
            ]
        })
        .collect();
    let header = ("figure".to_owned(), "server".to_owned(), "baseline".to_owned(), "server/baseline".to_owned());
    let width = |pick: fn(&(String, String, String, String)) -> &String| {
        rows.iter().chain([&header]).map(|r| pick(r).chars().count()).max().unwrap_or(0)
    };
    let w = [width(|r| &r.0), width(|r| &r.1), width(|r| &r.2), width(|r| &r.3)];
    let line = |r: &(String, String, String, String)| {
        let pad = |s: &String, w: usize| format!("{s}{}", " ".repeat(w - s.chars().count()));
        println!("| {} | {} | {} | {} |", pad(&r.0, w[0]), pad(&r.1, w[1]), pad(&r.2, w[2]), pad(&r.3, w[3]));
    };
    println!();
    line(&header);
    println!("|{}|{}|{}|{}|", "-".repeat(w[0] + 2), "-".repeat(w[1] + 2), "-".repeat(w[2] + 2), "-".repeat(w[3] + 2));
    rows.iter().for_each(line);
    for f in results {
        println!(
            "{}: {} events in {} pushes over {:.1} s, {} failed pushes",
            f.engine, f.events, f.pushes, f.seconds, f.failures
        );
    }
}

/// 12345.6 → "12,346".
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn write_json(args: &Args, results: &[Figures]) -> Result<(), String> {
    let engines: Vec<Value> = results
        .iter()
        .map(|f| {
            json!({
                "engine": f.engine, "events_per_s": f.events_per_s, "baseline_events_per_s": f.baseline_per_s,
                "p50_ms": f.p50_ms, "p99_ms": f.p99_ms, "pushes": f.pushes, "events": f.events,
                "seconds": f.seconds, "failed_pushes": f.failures, "server_cpu_s": f.server_cpu_s,
            })
        })
        .collect();
    let doc = json!({
        "branches": args.branches, "devices_per_branch": args.devices, "batch": args.batch,
        "seconds": args.seconds, "baseline_seconds": args.baseline_seconds,
        "cpus": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "postgres": args.postgres.is_some(), "engines": engines,
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let text = serde_json::to_string_pretty(&doc).expect("json");
    std::fs::write(&args.out, text + "\n").map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!("figures written to {}", args.out.display());
    Ok(())
}
