//! A shared harness for the server's integration tests: the real router
//! served in-process on 127.0.0.1 over either engine, an HTTP client that
//! never accepts a 5xx, and builders for real events (members, meetings,
//! check-ins, rounds, votes and ballots).
//!
//! Engines: SQLite in a fresh temporary directory per server; PostgreSQL at
//! `ZHIBU_TEST_PG_URL` (`cargo xtask test` sets it), where each server gets
//! a fresh database made through that URL's connection and dropped after
//! (or, if the role may not create databases, the URL's own database,
//! isolated by the random branch ids every test makes). Without the
//! variable the PostgreSQL tests fail, unless `ZHIBU_SKIP_POSTGRES=1`
//! skips them on purpose (`postgres_env`).
//!
//! Each test file uses a part of this module.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use zhibu_core::checkin::{CheckIn, LeaveRequest, Proof};
use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{DeviceId, EventId, MeetingId, MemberId, NominationId, RoundId};
use zhibu_core::meetings::{Audience, MeetingKind, MeetingValue};
use zhibu_core::roster::MemberDraft;
use zhibu_core::rounds::{self, Electorate, Mode, Nomination, Review, RoundValue, Rules, Stage, Voter};
use zhibu_core::state::State;
use zhibu_core::sync::{BallotPush, Invitation, Outcome, PullResponse, PushResponse, Role, Session};
use zhibu_server::store::{Db, TokenRow};
use zhibu_server::{App, Config, auth};

mod answers;
mod commands;
#[path = "../postgres_env/mod.rs"]
mod postgres_env;
mod secrecy;

// Each test file uses some of these (`dead_code` above, for imports).
#[allow(unused_imports)]
pub use answers::*;
pub use postgres_env::PG_URL;
#[allow(unused_imports)]
pub use secrecy::*;

// ---------------------------------------------------------------------------
// Engines and storage
// ---------------------------------------------------------------------------

/// Which engine a test runs on.
#[derive(Clone, Debug)]
pub enum Engine {
    /// A fresh SQLite directory per server.
    Sqlite,
    /// PostgreSQL at this URL.
    Postgres(String),
}

impl Engine {
    /// PostgreSQL from `ZHIBU_TEST_PG_URL`; `None` only when the tests
    /// are skipped on purpose, and a failure when it is simply missing
    /// (`postgres_env`).
    pub fn postgres(test: &str) -> Option<Engine> {
        postgres_env::pg_url(test).map(Engine::Postgres)
    }

    /// `sqlite` or `postgres`.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }
}

/// Runs each listed test body (an `async fn(Engine)`) once per engine, as
/// `sqlite::name` and `postgres::name`, each on a current-thread runtime
/// (so a thread-local tracing subscriber sees the server's logs).
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::common::Engine::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(engine) = crate::common::Engine::postgres(stringify!($name)) else { return };
                    super::$name(engine).await;
                }
            )*
        }
    };
}

/// Where one server's data lives; cleaned up on drop.
pub enum Storage {
    /// A temporary directory holding the SQLite file.
    Sqlite(tempfile::TempDir),
    /// A PostgreSQL database; `made` when this harness created it (and drops it).
    Postgres {
        /// The database's URL.
        url: String,
        /// (admin URL, database name) when the database was made for this test.
        made: Option<(String, String)>,
    },
}

/// A name no other test or run uses.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", hex(&random16()))
}

/// 16 random bytes from the operating system.
pub fn random16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Now, Unix ms.
pub fn now_ms() -> i64 {
    auth::now_ms()
}

/// `url` with its database name replaced (URL or key=value form).
fn with_database(url: &str, db: &str) -> String {
    let url = url.trim();
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let (main, query) = match rest.split_once('?') {
                Some((m, q)) => (m, format!("?{q}")),
                None => (rest, String::new()),
            };
            let authority = main.split_once('/').map_or(main, |(a, _)| a);
            return format!("{scheme}{authority}/{db}{query}");
        }
    }
    format!("{url} dbname={db}")
}

/// A client on the PostgreSQL at `url` (its connection driven by a task).
pub async fn pg_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url}: {e}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

impl Storage {
    /// Fresh storage for `engine`.
    pub async fn create(engine: &Engine) -> Storage {
        match engine {
            Engine::Sqlite => {
                Storage::Sqlite(tempfile::Builder::new().prefix("zhibu-api-").tempdir().expect("a temporary directory"))
            }
            Engine::Postgres(admin) => {
                let name = unique("zhibu_api_");
                let client = pg_client(admin).await;
                match client.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await {
                    Ok(()) => Storage::Postgres { url: with_database(admin, &name), made: Some((admin.clone(), name)) },
                    Err(e) => {
                        eprintln!(
                            "note: cannot create a database per test ({e}); \
                             sharing {PG_URL}'s database, isolated by branch ids"
                        );
                        Storage::Postgres { url: admin.clone(), made: None }
                    }
                }
            }
        }
    }

    /// Opens the server's database on it.
    pub async fn open(&self) -> Db {
        let db = match self {
            Storage::Sqlite(dir) => Db::sqlite(dir.path()).await,
            Storage::Postgres { url, .. } => Db::postgres(url).await,
        };
        db.unwrap_or_else(|e| panic!("opening the database: {e}"))
    }

    /// The SQLite file, for SQLite storage.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match self {
            Storage::Sqlite(dir) => Some(dir.path().join("zhibu.sqlite3")),
            Storage::Postgres { .. } => None,
        }
    }

    /// Whether this storage holds only this test's data.
    pub fn private(&self) -> bool {
        !matches!(self, Storage::Postgres { made: None, .. })
    }

    /// The columns of a table, sorted.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        let mut columns: Vec<String> = match self {
            Storage::Sqlite(_) => {
                let conn = self.read_only_sqlite();
                let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)").expect("pragma");
                stmt.query_map([table], |r| r.get(0)).expect("columns").collect::<Result<_, _>>().expect("columns")
            }
            Storage::Postgres { url, .. } => {
                let client = pg_client(url).await;
                let rows = client
                    .query(
                        "SELECT column_name::text FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = $1",
                        &[&table],
                    )
                    .await
                    .expect("columns");
                rows.iter().map(|r| r.get(0)).collect()
            }
        };
        columns.sort();
        columns
    }

    /// The SQLite file opened read-only (beside the server's connection).
    pub fn read_only_sqlite(&self) -> rusqlite::Connection {
        let file = self.sqlite_file().expect("SQLite storage");
        rusqlite::Connection::open_with_flags(&file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the SQLite file, read-only")
    }

    /// Every row of every table: (table, the row's values as one text).
    pub async fn dump(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match self {
            Storage::Sqlite(_) => {
                let conn = self.read_only_sqlite();
                let tables: Vec<String> = conn
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .expect("tables")
                    .query_map([], |r| r.get(0))
                    .expect("tables")
                    .collect::<Result<_, _>>()
                    .expect("tables");
                for table in tables {
                    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("select");
                    let n = stmt.column_count();
                    let names: Vec<String> = stmt.column_names().iter().map(|s| (*s).to_owned()).collect();
                    let rows = stmt
                        .query_map([], |r| {
                            let mut cells = serde_json::Map::new();
                            for (i, name) in names.iter().enumerate().take(n) {
                                let text = match r.get_ref(i)? {
                                    rusqlite::types::ValueRef::Null => Value::Null,
                                    rusqlite::types::ValueRef::Integer(v) => json!(v),
                                    rusqlite::types::ValueRef::Real(v) => json!(v),
                                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                                        Value::String(String::from_utf8_lossy(t).into_owned())
                                    }
                                };
                                cells.insert(name.clone(), text);
                            }
                            Ok(Value::Object(cells).to_string())
                        })
                        .expect("rows")
                        .collect::<Result<Vec<String>, _>>()
                        .expect("rows");
                    out.extend(rows.into_iter().map(|row| (table.clone(), row)));
                }
            }
            Storage::Postgres { url, .. } => {
                let client = pg_client(url).await;
                let tables: Vec<String> = client
                    .query(
                        "SELECT table_name::text FROM information_schema.tables \
                         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                        &[],
                    )
                    .await
                    .expect("tables")
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                for table in tables {
                    let rows = client
                        .query(&format!("SELECT row_to_json(t)::text FROM \"{table}\" t"), &[])
                        .await
                        .expect("rows");
                    out.extend(rows.iter().map(|r| (table.clone(), r.get::<_, String>(0))));
                }
            }
        }
        out
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        if let Storage::Postgres { made: Some((admin, name)), .. } = self {
            let (admin, name) = (admin.clone(), name.clone());
            // A runtime of its own: this may run inside the test's runtime.
            let done = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                rt.block_on(async {
                    let Ok((client, connection)) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await else {
                        return;
                    };
                    tokio::spawn(async move {
                        let _ = connection.await;
                    });
                    if let Err(e) =
                        client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await
                    {
                        eprintln!("note: could not drop test database {name}: {e}");
                    }
                });
            });
            let _ = done.join();
        }
    }
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

/// A config for tests: the defaults with every rate limit off.
pub fn test_config() -> Config {
    let mut config = Config::defaults();
    config.rate_per_token = 0;
    config.rate_per_address = 0;
    config.rate_login = 0;
    config
}

/// The real router, served on 127.0.0.1:<free port>.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The server's shared state (its `db` is the store).
    pub app: App,
    /// The client every call goes through.
    pub http: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
    /// Where the data lives (shared by [`Server::another`] instances;
    /// cleaned up when the last one drops).
    pub storage: Arc<Storage>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    /// What was asked (for messages).
    pub request: String,
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as text.
    pub text: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl Reply {
    /// Panics unless the status is `status`.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Reply {
        assert_eq!(self.status, status, "{} answered {} {}", self.request, self.status, self.text);
        self
    }

    /// Panics unless this is a JSON error body with this code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Reply {
        self.expect(status);
        assert_eq!(self.json["error"], code, "{} answered {}", self.request, self.text);
        assert!(self.json["message"].is_string(), "{} answered {}", self.request, self.text);
        self
    }

    /// The body as `T`.
    #[track_caller]
    pub fn body<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.json.clone())
            .unwrap_or_else(|e| panic!("{} answered an unexpected body ({e}): {}", self.request, self.text))
    }

    /// The content type.
    pub fn content_type(&self) -> &str {
        self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Server {
    /// Starts a server over fresh storage.
    pub async fn start(engine: &Engine, config: Config) -> Server {
        Server::serve(Arc::new(Storage::create(engine).await), config).await
    }

    /// Another instance over this one's database (as several stateless
    /// instances share one PostgreSQL, or processes one SQLite file).
    pub async fn another(&self) -> Server {
        Server::serve(Arc::clone(&self.storage), self.app.config.clone()).await
    }

    async fn serve(storage: Arc<Storage>, config: Config) -> Server {
        let db = storage.open().await;
        let app = App::new(db, config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("the bound address");
        let service = zhibu_server::router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, service).await.expect("the server runs");
        });
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        Server { base: format!("http://{addr}"), app, http, task, storage }
    }

    /// Starts a server with [`test_config`].
    pub async fn start_default(engine: &Engine) -> Server {
        Server::start(engine, test_config()).await
    }

    /// The store.
    pub fn db(&self) -> &Db {
        &self.app.db
    }

    /// Any request; `body` is sent as raw bytes with a JSON content type.
    /// Every answer must be below 500.
    pub async fn raw(&self, method: Method, path: &str, token: Option<&str>, body: Option<Vec<u8>>) -> Reply {
        let request = format!("{method} {path}");
        let mut builder = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            builder = builder.header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
        }
        let response = builder.send().await.unwrap_or_else(|e| panic!("{request}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_else(|e| panic!("{request}: reading the body: {e}"));
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        // 507 is the branch quota (quota.rs), the one 5xx a request may earn.
        assert!(status < 500 || status == 507, "{request} answered {status} (never a 5xx): {text}");
        Reply { request, status, headers, text, json }
    }

    /// A request with an optional JSON body.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        let bytes = body.map(|b| serde_json::to_vec(b).expect("JSON"));
        self.raw(method, path, token, bytes).await
    }

    /// `GET`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    /// `POST` with a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// `PUT` with a JSON body.
    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    /// `DELETE`.
    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Creates a branch with a unique login; returns its organizer's session.
    pub async fn create_branch(&self, name: &str) -> Session {
        let (session, _, _) = self.create_branch_with_login(name).await;
        session
    }

    /// Creates a branch; returns the session, login and password.
    pub async fn create_branch_with_login(&self, name: &str) -> (Session, String, String) {
        let login = unique("org-");
        let password = "correct horse battery".to_owned();
        let reply =
            self.post("/api/branches", None, &json!({"name": name, "login": login, "password": password})).await;
        reply.expect(201);
        let session: Session = reply.body();
        assert_eq!(session.role, Role::Organizer);
        assert_eq!(session.branch_name, name);
        // The server adds a number to the login asked for: log in with its.
        let login = session.login.clone().expect("an organizer session names its login");
        (session, login, password)
    }

    /// The organizer invites a member's phone.
    pub async fn invite(&self, organizer: &Session, member: &MemberId, role: Role) -> Invitation {
        let reply =
            self.post("/api/invitations", Some(&organizer.token), &json!({"member": member, "role": role})).await;
        reply.expect(201);
        reply.body()
    }

    /// A phone redeems an invitation.
    pub async fn accept(&self, code: &str) -> Session {
        let reply = self.post("/api/invitations/accept", None, &json!({"code": code, "label": "测试手机"})).await;
        reply.expect(200);
        reply.body()
    }

    /// Invite and accept: the member's device session.
    pub async fn join(&self, organizer: &Session, member: &MemberId, role: Role) -> Session {
        let invitation = self.invite(organizer, member, role).await;
        let session = self.accept(&invitation.code).await;
        assert_eq!(session.member.as_ref(), Some(member));
        assert_eq!(session.role, role);
        assert_eq!(session.branch, organizer.branch);
        session
    }

    /// A token made directly in the store (expired or revoked ones too).
    pub async fn mint(
        &self,
        branch: &str,
        role: Role,
        member: Option<&MemberId>,
        expires_at: i64,
        revoked: bool,
    ) -> String {
        let token = auth::new_token();
        let now = now_ms();
        let row = TokenRow {
            id: auth::random(12),
            branch: branch.to_owned(),
            hash: auth::hash(&token),
            role,
            member: member.map(|m| m.0.clone()),
            label: "minted".into(),
            created_at: now,
            expires_at,
            last_seen: now,
            revoked,
        };
        self.db().insert_token(&row).await.expect("insert_token");
        token
    }

    /// The push request body.
    pub fn push_body(events: &[Event], ballots: &[BallotPush]) -> Value {
        json!({"schema": zhibu_core::document::SCHEMA, "events": events, "ballots": ballots})
    }

    /// Pushes; the answer must be 200 with one result per event and ballot.
    pub async fn push(&self, token: &str, events: &[Event], ballots: &[BallotPush]) -> PushResponse {
        let reply = self.post("/api/sync/push", Some(token), &Server::push_body(events, ballots)).await;
        reply.expect(200);
        let response: PushResponse = reply.body();
        assert_eq!(response.events.len(), events.len(), "one result per event");
        assert_eq!(response.ballots.len(), ballots.len(), "one result per ballot");
        for (event, result) in events.iter().zip(&response.events) {
            assert_eq!(result.id, event.id.0, "results in the request's order");
        }
        response
    }

    /// A push to run concurrently (`tokio::spawn` it): the status and body.
    pub fn push_task(
        &self,
        token: &str,
        events: &[Event],
        ballots: &[BallotPush],
    ) -> impl std::future::Future<Output = (u16, Value)> + Send + 'static {
        let request = self
            .http
            .post(format!("{}/api/sync/push", self.base))
            .bearer_auth(token)
            .json(&Server::push_body(events, ballots));
        async move {
            let response = request.send().await.expect("a concurrent push");
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        }
    }

    /// A puller to run concurrently (`tokio::spawn` it): pages of `page`
    /// events from cursor 0 while pushes land, then, once `stop` is set,
    /// to the end. Returns every event it was given, in order.
    pub fn pull_task(
        &self,
        token: &str,
        page: usize,
        stop: Arc<std::sync::atomic::AtomicBool>,
    ) -> impl std::future::Future<Output = Vec<Event>> + Send + 'static {
        let (http, base, token) = (self.http.clone(), self.base.clone(), token.to_owned());
        async move {
            let (mut since, mut all) = (0u64, Vec::new());
            loop {
                // Read the flag before the page: a page read after it saw every push.
                let stopping = stop.load(std::sync::atomic::Ordering::SeqCst);
                let response = http
                    .get(format!("{base}/api/sync/pull?since={since}&limit={page}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("a concurrent pull");
                assert_eq!(response.status().as_u16(), 200, "a concurrent pull");
                let body: PullResponse = response.json().await.expect("a pull response");
                assert!(body.next >= since, "the cursor never goes back");
                all.extend(body.events);
                since = body.next;
                if stopping && !body.more {
                    return all;
                }
                if !body.more {
                    tokio::task::yield_now().await;
                }
            }
        }
    }

    /// Pushes events that must all be accepted.
    pub async fn push_ok(&self, token: &str, events: &[Event]) -> PushResponse {
        let response = self.push(token, events, &[]).await;
        for r in &response.events {
            assert_eq!(r.outcome, Outcome::Accepted, "event {} not accepted: {:?}", r.id, r.reason);
        }
        response
    }

    /// One page.
    pub async fn pull(&self, token: &str, since: u64, limit: Option<usize>) -> PullResponse {
        let path = match limit {
            Some(l) => format!("/api/sync/pull?since={since}&limit={l}"),
            None => format!("/api/sync/pull?since={since}"),
        };
        let reply = self.get(&path, Some(token)).await;
        reply.expect(200);
        reply.body()
    }

    /// Every event of the caller's branch.
    pub async fn pull_all(&self, token: &str) -> Vec<Event> {
        let (mut since, mut all) = (0, Vec::new());
        loop {
            let page = self.pull(token, since, None).await;
            all.extend(page.events);
            since = page.next;
            if !page.more {
                return all;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/// A writer: its device id and the member it acts as (a phone's member;
/// `None` for the organizer's laptop).
#[derive(Clone, Debug)]
pub struct Writer {
    /// Device id.
    pub device: DeviceId,
    /// Actor of its events.
    pub actor: Option<MemberId>,
}

impl Writer {
    /// The organizer's laptop.
    pub fn laptop() -> Writer {
        Writer { device: DeviceId(unique("laptop-")), actor: None }
    }

    /// A phone acting as `member`.
    pub fn phone(member: &MemberId) -> Writer {
        Writer { device: DeviceId(unique("phone-")), actor: Some(member.clone()) }
    }

    /// The same device acting as someone else.
    pub fn acting_as(&self, actor: Option<&MemberId>) -> Writer {
        Writer { device: self.device.clone(), actor: actor.cloned() }
    }
}

/// The test's view of the branch: every event it made or saw, folded, so
/// guarded steps (stage changes) are built as the app builds them.
#[derive(Default)]
pub struct Book {
    /// The fold.
    pub state: State,
    clock: u64,
}

/// A new id of any kind.
pub fn new_member() -> MemberId {
    MemberId::generate(now_ms() as u64, random16())
}

impl Book {
    /// An empty branch.
    pub fn new() -> Book {
        Book::default()
    }

    /// An event by `writer`, not folded (for events the server should refuse).
    pub fn draft(&mut self, writer: &Writer, payload: Payload) -> Event {
        self.clock = self.clock.max(self.state.max_clock) + 1;
        let at = now_ms();
        Event {
            id: EventId::generate(at as u64, random16()),
            device: writer.device.clone(),
            clock: self.clock,
            actor: writer.actor.clone(),
            at,
            payload,
        }
    }

    /// An event by `writer`, folded into the book.
    pub fn record(&mut self, writer: &Writer, payload: Payload) -> Event {
        let event = self.draft(writer, payload);
        self.state.apply(&event);
        event
    }

    /// Folds events made elsewhere.
    pub fn apply(&mut self, events: &[Event]) {
        for e in events {
            self.state.apply(e);
        }
    }

    /// A member added by the organizer (validated as the form does).
    pub fn add_member(&mut self, writer: &Writer, name: &str) -> (MemberId, Event) {
        self.add_member_as(writer, name, "")
    }

    /// A member of this status (`预备党员`; empty: 正式党员) added by the organizer.
    pub fn add_member_as(&mut self, writer: &Writer, name: &str, status: &str) -> (MemberId, Event) {
        let member = new_member();
        let event = self.record(writer, member_added_as(&member, name, status));
        (member, event)
    }

    /// A round's rules saved (Setup).
    pub fn new_round(&mut self, writer: &Writer, rules: Rules) -> (RoundId, Event) {
        let round = RoundId::generate(now_ms() as u64, random16());
        let rules = rounds::set_rules(None, rules).expect("valid rules");
        let event =
            self.record(writer, Payload::RoundSaved { round: round.clone(), changes: vec![RoundValue::Rules(rules)] });
        (round, event)
    }

    /// The next stage, guarded by the core as the app's `advance_round` is.
    pub fn advance(&mut self, writer: &Writer, round: &RoundId, to: Stage) -> Event {
        let r = self.state.round(round).expect("the round");
        let value = rounds::advance(&self.state, &r, to, now_ms() / 1000)
            .unwrap_or_else(|e| panic!("advancing to {to:?}: {e:?}"));
        self.record(writer, Payload::RoundSaved { round: round.clone(), changes: vec![value] })
    }

    /// A nomination by `by` (checked by the core).
    pub fn nominate(&mut self, writer: &Writer, round: &RoundId, by: &MemberId, nominee: &MemberId) -> Event {
        let r = self.state.round(round).expect("the round");
        let record =
            rounds::nominate(&self.state, &r, by, nominee, "长期扎根基层，服务群众").expect("a valid nomination");
        let nomination = NominationId::generate(now_ms() as u64, random16());
        self.record(&writer.acting_as(Some(by)), Payload::Nominated { round: round.clone(), nomination, record })
    }

    /// The organizer's review.
    pub fn review(&mut self, writer: &Writer, round: &RoundId, nominee: &MemberId, approved: bool) -> Event {
        let r = self.state.round(round).expect("the round");
        let reason = if approved { "" } else { "不符合条件" };
        let review = rounds::review(&self.state, &r, nominee, approved, reason).expect("a valid review");
        self.record(writer, Payload::Reviewed { round: round.clone(), nominee: nominee.clone(), review })
    }

    /// Issues `n` ballot codes: returns the codes and the event storing their hashes.
    pub fn issue_codes(&mut self, writer: &Writer, round: &RoundId, n: usize) -> (Vec<String>, Event) {
        let randomness: Vec<[u8; 16]> = (0..n).map(|_| random16()).collect();
        let codes = zhibu_core::ballot::make_codes(&randomness);
        let hashes = codes.iter().map(|c| zhibu_core::ballot::code_hash(round, c)).collect();
        let event =
            self.record(writer, Payload::RoundSaved { round: round.clone(), changes: vec![RoundValue::Codes(hashes)] });
        (codes, event)
    }

    /// The candidates, as frozen at voting.
    pub fn candidates(&self, round: &RoundId) -> Vec<MemberId> {
        let r = self.state.round(round).expect("the round");
        rounds::candidates(&self.state, &r)
    }
}

/// `MemberAdded` with fields from the form's validation.
pub fn member_added(member: &MemberId, name: &str) -> Payload {
    member_added_as(member, name, "")
}

/// `MemberAdded` of a member of this status (empty: 正式党员).
pub fn member_added_as(member: &MemberId, name: &str, status: &str) -> Payload {
    let fields = MemberDraft {
        name: name.into(),
        group: "第一党小组".into(),
        joined: "2010-07-01".into(),
        status: status.into(),
        ..Default::default()
    }
    .validate()
    .expect("valid member fields");
    Payload::MemberAdded { member: member.clone(), fields }
}

/// A planned 党员大会 for everyone.
pub fn meeting_saved(meeting: &MeetingId) -> Payload {
    Payload::MeetingSaved {
        meeting: meeting.clone(),
        changes: vec![
            MeetingValue::Kind(MeetingKind::General),
            MeetingValue::Topic("学习党的二十大精神".into()),
            MeetingValue::Start(now_ms() / 1000 + 3600),
            MeetingValue::Minutes(90),
            MeetingValue::Place("党员活动室".into()),
            MeetingValue::Audience(Audience::Branch),
        ],
    }
}

/// A new meeting id.
pub fn new_meeting() -> MeetingId {
    MeetingId::generate(now_ms() as u64, random16())
}

/// A member's own check-in by code.
pub fn checked_in(meeting: &MeetingId, member: &MemberId) -> Payload {
    Payload::CheckedIn {
        meeting: meeting.clone(),
        member: member.clone(),
        check: CheckIn { at: now_ms() / 1000, device: "phone-stable-id".into(), proof: Proof::Code("123456".into()) },
    }
}

/// A member's leave request.
pub fn leave_requested(meeting: &MeetingId, member: &MemberId) -> Payload {
    Payload::LeaveRequested {
        meeting: meeting.clone(),
        member: member.clone(),
        request: LeaveRequest { reason: "出差".into(), withdrawn: false },
    }
}

/// A nomination payload without the core's checks (for refusals).
pub fn nominated(round: &RoundId, by: &MemberId, nominee: &MemberId) -> Payload {
    Payload::Nominated {
        round: round.clone(),
        nomination: NominationId::generate(now_ms() as u64, random16()),
        record: Nomination { nominee: nominee.clone(), by: by.clone(), deeds: "乐于助人".into() },
    }
}

/// An approving review payload.
pub fn reviewed(round: &RoundId, nominee: &MemberId) -> Payload {
    Payload::Reviewed {
        round: round.clone(),
        nominee: nominee.clone(),
        review: Review { approved: true, reason: String::new() },
    }
}

/// A roll entry.
pub fn voted(round: &RoundId, voter: Voter) -> Payload {
    Payload::Voted { round: round.clone(), voter }
}

/// Rules for a round voted by every active member.
pub fn rules(title: &str, mode: Mode, honours: u32, k: u32) -> Rules {
    Rules { voters: Electorate::All, nominees: Electorate::All, mode, k, ..Rules::new(title, 2025, honours) }
}

/// A first ballot in a fresh random slot.
pub fn ballot(round: &RoundId, choices: &[MemberId]) -> BallotPush {
    BallotPush {
        ratings: Default::default(),
        round: round.clone(),
        slot: zhibu_core::ballot::random_slot(&random16()),
        rev: 0,
        choices: choices.to_vec(),
        key: None,
    }
}

/// A named round taken to Voting: `nominations` are (by, nominee), each
/// made on the nominator's phone writer; every nominee approved.
pub struct NamedRound {
    /// The round.
    pub round: RoundId,
    /// Every event, in order: the organizer's and the phones'.
    pub events: Vec<Event>,
}

/// The organizer's and the nominators' events taking a round from Setup
/// through Nomination and Review to Voting, as the app makes them.
pub fn round_to_voting(
    book: &mut Book,
    laptop: &Writer,
    rules: Rules,
    nominations: &[(MemberId, MemberId)],
) -> NamedRound {
    let codes = rules.mode == Mode::Codes;
    let (round, saved) = book.new_round(laptop, rules);
    let mut events = vec![saved];
    events.push(book.advance(laptop, &round, Stage::Nomination));
    for (by, nominee) in nominations {
        events.push(book.nominate(&Writer::phone(by), &round, by, nominee));
    }
    events.push(book.advance(laptop, &round, Stage::Review));
    let nominees: BTreeSet<MemberId> = nominations.iter().map(|(_, n)| n.clone()).collect();
    for nominee in &nominees {
        events.push(book.review(laptop, &round, nominee, true));
    }
    if codes {
        // Codes are issued by the caller (it needs them); see `issue_codes`.
        return NamedRound { round, events };
    }
    events.push(book.advance(laptop, &round, Stage::Voting));
    NamedRound { round, events }
}

// ---------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------

/// Everything a tracing subscriber wrote, shared.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// The text so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every tracing event (all levels) on this thread until the
/// guard drops; with a current-thread runtime that is the whole server
/// but its blocking pool.
pub fn capture_logs() -> (LogBuffer, tracing::subscriber::DefaultGuard) {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}
