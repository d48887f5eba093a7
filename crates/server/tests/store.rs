//! The store against both engines, with the same test bodies: SQLite in a
//! fresh temporary directory per test, PostgreSQL at `ZHIBU_TEST_PG_URL`
//! (`cargo xtask test` starts a local PostgreSQL and sets it; `cargo xtask
//! postgres` starts one for running these tests by hand). Without the
//! variable the PostgreSQL tests fail, unless `ZHIBU_SKIP_POSTGRES=1` skips
//! them on purpose (`postgres_env`).
//!
//! Every test makes its own branches, tokens and invitations with ids unique
//! to the run, so tests share one PostgreSQL database, run in parallel and
//! run again on the same database.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use zhibu_core::sync::Role;
use zhibu_server::store::{BoxRow, Committed, Db, InvitationRow, NewBranchRow, StoreError, StoredEvent, TokenRow};

mod postgres_env;

/// Where a test's database lives; `open` may be called more than once.
enum Engine {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Engine {
    fn sqlite() -> Engine {
        Engine::Sqlite(tempfile::tempdir().expect("a temporary directory"))
    }

    /// The shared test database; `None` only when skipped on purpose
    /// (`postgres_env`: a missing URL fails the test).
    fn postgres(test: &str) -> Option<Engine> {
        postgres_env::pg_url(test).map(Engine::Postgres)
    }

    async fn open(&self) -> Db {
        self.target().open().await
    }

    /// Where to open it, owned (for spawned tasks).
    fn target(&self) -> Target {
        match self {
            Engine::Sqlite(dir) => Target::Sqlite(dir.path().to_path_buf()),
            Engine::Postgres(url) => Target::Postgres(url.clone()),
        }
    }

    /// The columns of `table`, sorted.
    async fn columns(&self, table: &str) -> Vec<String> {
        let mut columns: Vec<String> = match self {
            Engine::Sqlite(dir) => {
                let conn = raw_sqlite(dir);
                let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)").unwrap();
                stmt.query_map([table], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
            }
            Engine::Postgres(url) => {
                let client = raw_postgres(url).await;
                let rows = client
                    .query(
                        "SELECT column_name::text FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = $1",
                        &[&table],
                    )
                    .await
                    .unwrap();
                rows.iter().map(|r| r.get(0)).collect()
            }
        };
        columns.sort();
        columns
    }

    /// The versions in `schema_migrations`, in order.
    async fn migrations(&self) -> Vec<i64> {
        match self {
            Engine::Sqlite(dir) => {
                let conn = raw_sqlite(dir);
                let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version").unwrap();
                stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
            }
            Engine::Postgres(url) => {
                let client = raw_postgres(url).await;
                let rows = client.query("SELECT version FROM schema_migrations ORDER BY version", &[]).await.unwrap();
                rows.iter().map(|r| r.get(0)).collect()
            }
        }
    }
}

enum Target {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Target {
    async fn open(self) -> Db {
        let db = match self {
            Target::Sqlite(dir) => Db::sqlite(&dir).await,
            Target::Postgres(url) => Db::postgres(&url).await,
        };
        db.unwrap_or_else(|e| panic!("opening the database: {e}"))
    }
}

fn raw_sqlite(dir: &tempfile::TempDir) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.path().join("zhibu.sqlite3")).expect("the SQLite file")
}

async fn raw_postgres(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("PostgreSQL");
    tokio::spawn(connection);
    client
}

/// Runs each listed test body (an `async fn(Engine)`) once per engine:
/// `sqlite::name` and `postgres::name`.
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Engine::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(engine) = super::Engine::postgres(stringify!($name)) {
                        super::$name(engine).await;
                    }
                }
            )*
        }
    };
}

both_engines!(
    reopening_migrates_nothing,
    instances_starting_together_migrate_once,
    boxes_table_has_only_branch_round_closed_ballots,
    logins_are_unique,
    tokens_are_stored_touched_revoked_and_listed,
    an_invitation_is_redeemed_once,
    concurrent_redeemers_get_one_token,
    events_page_in_sequence_order,
    events_pages_stop_at_their_bytes,
    a_stale_version_conflicts_and_writes_nothing,
    a_duplicate_event_id_conflicts_and_writes_nothing,
    boxes_are_replaced_whole,
    concurrent_commits_number_events_without_gaps,
);

/// An id no other test or run uses (the PostgreSQL database outlives runs).
fn unique(prefix: &str) -> String {
    static RUN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let run = RUN.get_or_init(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        format!("{:x}{:x}", std::process::id(), nanos)
    });
    format!("{prefix}-{run}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A new branch (and its organizer); returns its id.
async fn new_branch(db: &Db) -> String {
    let id = unique("b");
    let row = NewBranchRow {
        id: id.clone(),
        name: "第一党支部".to_string(),
        login: unique("login"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string(),
        created_at: 1_700_000_000_000,
    };
    db.create_branch(&row).await.expect("create_branch");
    id
}

fn new_token(branch: &str, role: Role, member: Option<&str>, created_at: i64) -> TokenRow {
    TokenRow {
        id: unique("t"),
        branch: branch.to_string(),
        hash: unique("hash"),
        role,
        member: member.map(str::to_string),
        label: "张三的手机".to_string(),
        created_at,
        expires_at: created_at + 86_400_000,
        last_seen: created_at,
        revoked: false,
    }
}

fn new_invitation(branch: &str, member: &str, role: Role, expires_at: i64) -> InvitationRow {
    InvitationRow {
        hash: unique("code"),
        branch: branch.to_string(),
        member: member.to_string(),
        role,
        created_at: expires_at - 600_000,
        expires_at,
    }
}

/// `n` events `(id, body)` named `<name>0`, `<name>1`, …
fn events(name: &str, n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| event(&format!("{name}{i}"))).collect()
}

fn event(id: &str) -> (String, String) {
    (id.to_string(), format!(r#"{{"id":"{id}","t":"note","text":"记录 {id}"}}"#))
}

fn a_box(round: &str, closed: bool, ballots: &str) -> BoxRow {
    BoxRow { round: round.to_string(), closed, ballots: ballots.to_string() }
}

async fn all_events(db: &Db, branch: &str) -> Vec<StoredEvent> {
    db.events_since(branch, 0, 100_000, usize::MAX).await.unwrap().events
}

fn ids(events: &[StoredEvent]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}

fn seqs(events: &[StoredEvent]) -> Vec<u64> {
    events.iter().map(|e| e.seq).collect()
}

async fn seq_and_version(db: &Db, branch: &str) -> (u64, u64) {
    let b = db.branch(branch).await.unwrap().expect("the branch");
    (b.seq, b.version)
}

fn is_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict))
}

async fn reopening_migrates_nothing(engine: Engine) {
    let db = engine.open().await;
    let branch = new_branch(&db).await;
    let applied = engine.migrations().await;
    assert!(!applied.is_empty());
    assert_eq!(applied, (1..=applied.len() as i64).collect::<Vec<_>>(), "versions 1..=n, each once");

    let again = engine.open().await;
    again.ping().await.unwrap();
    assert_eq!(engine.migrations().await, applied);
    assert_eq!(again.branch(&branch).await.unwrap().map(|b| b.id), Some(branch));
    drop(db);
    engine.open().await.ping().await.unwrap();
    assert_eq!(engine.migrations().await, applied);
}

/// Several server instances starting at once over one new database.
async fn instances_starting_together_migrate_once(engine: Engine) {
    let fresh = match &engine {
        Engine::Sqlite(_) => None,
        Engine::Postgres(url) => Some(FreshPostgres::create(url).await),
    };
    let engine = match &fresh {
        Some(fresh) => Engine::Postgres(fresh.url.clone()),
        None => engine,
    };
    let mut starting = tokio::task::JoinSet::new();
    for _ in 0..4 {
        starting.spawn(engine.target().open());
    }
    let opened = starting.join_all().await;
    let applied = engine.migrations().await;
    assert!(!applied.is_empty());
    assert_eq!(applied, (1..=applied.len() as i64).collect::<Vec<_>>());
    let branch = new_branch(&opened[0]).await;
    for db in &opened {
        assert!(db.branch(&branch).await.unwrap().is_some());
    }
    drop(opened);
    if let Some(fresh) = fresh {
        fresh.drop_database().await;
    }
}

/// A new, empty PostgreSQL database beside the test database.
struct FreshPostgres {
    admin: String,
    name: String,
    url: String,
}

impl FreshPostgres {
    async fn create(admin: &str) -> FreshPostgres {
        let name = unique("zhibu_t").replace('-', "_");
        raw_postgres(admin).await.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
        FreshPostgres { admin: admin.to_string(), url: with_database(admin, &name), name }
    }

    async fn drop_database(self) {
        let sql = format!("DROP DATABASE \"{}\" WITH (FORCE)", self.name);
        raw_postgres(&self.admin).await.batch_execute(&sql).await.unwrap();
    }
}

/// `url` naming database `name` instead (`postgres://u@h:p/db?x` form).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let host = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    format!("{host}/{name}{query}")
}

/// Without a URL a PostgreSQL test fails rather than passing unrun; it is
/// skipped only when asked to, and never under CI.
#[test]
fn postgres_tests_fail_without_a_url_unless_skipped_on_purpose() {
    use postgres_env::{Decision, decide};
    let url = "postgres://u@127.0.0.1:5432/db";
    assert_eq!(decide(Some(url), None, None), Decision::Run(url.into()));
    assert_eq!(decide(Some(url), Some("1"), Some("true")), Decision::Run(url.into()), "a URL always runs");
    for (url, skip, ci) in [(None, None, None), (Some("  "), None, None), (None, Some("yes"), None)] {
        assert!(matches!(decide(url, skip, ci), Decision::Fail(_)), "{url:?} {skip:?} {ci:?}");
    }
    assert_eq!(decide(None, Some("1"), None), Decision::Skip);
    assert_eq!(decide(None, Some("1"), Some("")), Decision::Skip);
    assert!(matches!(decide(None, Some("1"), Some("true")), Decision::Fail(_)), "never skipped under CI");
}

#[test]
fn with_database_replaces_only_the_path() {
    let check = |url: &str, expected: &str| assert_eq!(with_database(url, "x"), expected);
    check("postgres://postgres@127.0.0.1:55432/zhibu_test", "postgres://postgres@127.0.0.1:55432/x");
    check("postgres://u:p@h/db?sslmode=disable", "postgres://u:p@h/x?sslmode=disable");
    check("postgresql://h:5432", "postgresql://h:5432/x");
}

/// Ballot secrecy is structural: a box row says nothing of who or when.
async fn boxes_table_has_only_branch_round_closed_ballots(engine: Engine) {
    let _db = engine.open().await;
    assert_eq!(engine.columns("boxes").await, ["ballots", "branch", "closed", "round"]);
    if let Engine::Sqlite(dir) = &engine {
        let conn = raw_sqlite(dir);
        let err = conn.prepare("SELECT rowid FROM boxes").err();
        assert!(err.is_some(), "boxes must be WITHOUT ROWID");
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }
}

async fn logins_are_unique(engine: Engine) {
    let db = engine.open().await;
    let login = unique("login");
    let first = NewBranchRow {
        id: unique("b"),
        name: "一支部".to_string(),
        login: login.clone(),
        password_hash: "phc-1".to_string(),
        created_at: 1_000,
    };
    db.create_branch(&first).await.unwrap();
    let second = NewBranchRow {
        id: unique("b"),
        name: "二支部".to_string(),
        password_hash: "phc-2".to_string(),
        ..first.clone()
    };
    assert!(matches!(db.create_branch(&second).await, Err(StoreError::Taken)));
    assert_eq!(db.branch(&second.id).await.unwrap(), None, "the refused branch is not half created");

    let organizer = db.organizer(&login).await.unwrap().expect("the organizer");
    assert_eq!((organizer.branch.as_str(), organizer.password_hash.as_str()), (first.id.as_str(), "phc-1"));
    assert_eq!(db.organizer(&unique("nobody")).await.unwrap(), None);

    let branch = db.branch(&first.id).await.unwrap().expect("the branch");
    assert_eq!((branch.name.as_str(), branch.seq, branch.version, branch.share_phones), ("一支部", 0, 0, false));
    db.set_share_phones(&first.id, true).await.unwrap();
    assert!(db.branch(&first.id).await.unwrap().unwrap().share_phones);
    db.set_share_phones(&first.id, false).await.unwrap();
    assert!(!db.branch(&first.id).await.unwrap().unwrap().share_phones);
    assert_eq!(db.branch(&unique("b")).await.unwrap(), None);
}

async fn tokens_are_stored_touched_revoked_and_listed(engine: Engine) {
    let db = engine.open().await;
    let (a, b) = (new_branch(&db).await, new_branch(&db).await);
    let phone = new_token(&a, Role::Member, Some("m1"), 2_000);
    let laptop = new_token(&a, Role::Organizer, None, 1_000);
    let elsewhere = new_token(&b, Role::Organizer, None, 500);
    for t in [&phone, &laptop, &elsewhere] {
        db.insert_token(t).await.unwrap();
    }
    assert_eq!(db.token(&phone.hash).await.unwrap().as_ref(), Some(&phone));
    assert_eq!(db.token(&laptop.hash).await.unwrap().as_ref(), Some(&laptop));
    assert_eq!(db.token(&unique("hash")).await.unwrap(), None);
    let same_hash = TokenRow { id: unique("t"), ..phone.clone() };
    assert!(db.insert_token(&same_hash).await.is_err(), "token hashes are unique");

    db.touch_token(&phone.id, 5_000).await.unwrap();
    db.touch_token(&phone.id, 4_000).await.unwrap();
    assert_eq!(db.token(&phone.hash).await.unwrap().unwrap().last_seen, 5_000, "last seen never goes back");

    assert!(db.revoke_token(&a, &laptop.id).await.unwrap());
    assert!(db.token(&laptop.hash).await.unwrap().unwrap().revoked);
    assert!(!db.revoke_token(&b, &phone.id).await.unwrap(), "another branch's token");
    assert!(!db.token(&phone.hash).await.unwrap().unwrap().revoked);
    assert!(!db.revoke_token(&a, &unique("t")).await.unwrap());

    assert!(db.set_token_role(&a, &phone.id, Role::Committee).await.unwrap());
    assert_eq!(db.token(&phone.hash).await.unwrap().unwrap().role, Role::Committee);
    assert!(!db.set_token_role(&b, &phone.id, Role::Organizer).await.unwrap(), "another branch's token");
    assert!(!db.set_token_role(&a, &unique("t"), Role::Member).await.unwrap());

    let listed = db.tokens(&a).await.unwrap();
    let expected =
        [TokenRow { revoked: true, ..laptop }, TokenRow { role: Role::Committee, last_seen: 5_000, ..phone }];
    assert_eq!(listed, expected, "oldest first");
    assert_eq!(db.tokens(&b).await.unwrap(), [elsewhere]);
    assert!(db.tokens(&unique("b")).await.unwrap().is_empty());
}

async fn an_invitation_is_redeemed_once(engine: Engine) {
    let db = engine.open().await;
    let branch = new_branch(&db).await;
    let invitation = new_invitation(&branch, "m1", Role::Member, 10_000);
    db.insert_invitation(&invitation).await.unwrap();

    // The caller's token gets the invitation's branch, member and role.
    let offered = new_token("someone-else", Role::Organizer, None, 5_000);
    let token = db.redeem_invitation(&invitation.hash, 5_000, offered.clone()).await.unwrap().expect("redeemed");
    let expected =
        TokenRow { branch: branch.clone(), member: Some("m1".to_string()), role: Role::Member, ..offered.clone() };
    assert_eq!(token, expected);
    assert_eq!(db.token(&offered.hash).await.unwrap(), Some(expected.clone()));

    let again = new_token(&branch, Role::Member, None, 5_001);
    assert_eq!(db.redeem_invitation(&invitation.hash, 5_001, again.clone()).await.unwrap(), None);
    assert_eq!(db.token(&again.hash).await.unwrap(), None);
    assert_eq!(db.redeem_invitation(&unique("code"), 5_000, again.clone()).await.unwrap(), None);
    assert_eq!(db.tokens(&branch).await.unwrap(), [expected]);

    // Expired at `expires_at`; a refused late try does not use it up.
    let committee = new_invitation(&branch, "m2", Role::Committee, 20_000);
    db.insert_invitation(&committee).await.unwrap();
    for now in [20_000, 20_001] {
        assert_eq!(db.redeem_invitation(&committee.hash, now, again.clone()).await.unwrap(), None);
    }
    let late = db.redeem_invitation(&committee.hash, 19_999, again.clone()).await.unwrap().expect("not yet expired");
    assert_eq!((late.role, late.member.as_deref()), (Role::Committee, Some("m2")));
}

async fn concurrent_redeemers_get_one_token(engine: Engine) {
    let db = Arc::new(engine.open().await);
    let branch = new_branch(&db).await;
    let codes = 6;
    for _ in 0..codes {
        let invitation = new_invitation(&branch, "m1", Role::Member, i64::MAX);
        db.insert_invitation(&invitation).await.unwrap();
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let (db, hash, token) =
                    (db.clone(), invitation.hash.clone(), new_token(&branch, Role::Member, None, 1));
                tokio::spawn(async move { db.redeem_invitation(&hash, 1, token).await.unwrap() })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            winners += usize::from(task.await.unwrap().is_some());
        }
        assert_eq!(winners, 1, "exactly one redeemer gets a token");
    }
    assert_eq!(db.tokens(&branch).await.unwrap().len(), codes);
}

async fn events_page_in_sequence_order(engine: Engine) {
    let db = engine.open().await;
    let (a, b) = (new_branch(&db).await, new_branch(&db).await);
    let first = events("e", 5);
    assert_eq!(db.commit(&a, 0, &first, &[]).await.unwrap(), Committed { seq: 5, version: 1 });
    let second = vec![event("x1"), event("x0")];
    assert_eq!(db.commit(&a, 1, &second, &[]).await.unwrap(), Committed { seq: 7, version: 2 });
    // Ids are unique per branch, not across branches.
    assert_eq!(db.commit(&b, 0, &first, &[]).await.unwrap(), Committed { seq: 5, version: 1 });
    // A commit of nothing still moves the version.
    assert_eq!(db.commit(&a, 2, &[], &[]).await.unwrap(), Committed { seq: 7, version: 3 });
    assert_eq!(seq_and_version(&db, &a).await, (7, 3));

    let all: Vec<(String, String)> = first.iter().chain(&second).cloned().collect();
    let mut cursor = 0;
    let mut pages = Vec::new();
    loop {
        let page = db.events_since(&a, cursor, 3, usize::MAX).await.unwrap().events;
        let Some(last) = page.last() else { break };
        cursor = last.seq;
        pages.push(page);
    }
    assert_eq!(pages.iter().map(|p| seqs(p)).collect::<Vec<_>>(), [vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
    let read: Vec<(String, String)> = pages.concat().into_iter().map(|e| (e.id, e.body)).collect();
    assert_eq!(read, all, "ids and bodies as given, in the given order");
    assert!(db.events_since(&a, 7, 3, usize::MAX).await.unwrap().events.is_empty());
    assert!(db.events_since(&a, u64::MAX, 3, usize::MAX).await.unwrap().events.is_empty());
    assert!(db.events_since(&a, 0, 0, usize::MAX).await.unwrap().events.is_empty());
    assert_eq!(seqs(&db.events_since(&a, 5, usize::MAX, usize::MAX).await.unwrap().events), [6, 7]);
    assert_eq!(seqs(&all_events(&db, &b).await), [1, 2, 3, 4, 5]);
    assert!(db.events_since(&unique("b"), 0, 10, usize::MAX).await.unwrap().events.is_empty());
}

async fn events_pages_stop_at_their_bytes(engine: Engine) {
    let db = engine.open().await;
    let a = new_branch(&db).await;
    // Bodies of 1,000 to 1,009 bytes.
    let rows: Vec<(String, String)> = (0..10).map(|i| (format!("e{i}"), "x".repeat(1000 + i))).collect();
    db.commit(&a, 0, &rows, &[]).await.unwrap();
    let page = db.events_since(&a, 0, 100, 3500).await.unwrap();
    assert_eq!(seqs(&page.events), [1, 2, 3], "a page stops before the body that would pass its bytes");
    assert!(page.more);
    // A body larger than the page's bytes still comes, alone: a pull always moves on.
    let page = db.events_since(&a, 3, 100, 10).await.unwrap();
    assert_eq!((seqs(&page.events), page.more), (vec![4], true));
    // The count still bounds the page, and the last page says no more follow.
    let page = db.events_since(&a, 4, 2, usize::MAX).await.unwrap();
    assert_eq!((seqs(&page.events), page.more), (vec![5, 6], true));
    let page = db.events_since(&a, 6, 4, usize::MAX).await.unwrap();
    assert_eq!((seqs(&page.events), page.more), (vec![7, 8, 9, 10], false));
    let page = db.events_since(&a, 10, 4, 10).await.unwrap();
    assert_eq!((page.events.len(), page.more), (0, false));
}

async fn a_stale_version_conflicts_and_writes_nothing(engine: Engine) {
    let db = engine.open().await;
    let branch = new_branch(&db).await;
    db.commit(&branch, 0, &events("a", 2), &[]).await.unwrap();
    let boxes = [a_box("r1", false, r#"[{"slot":"s1","rev":1,"choices":["m1"]}]"#)];
    assert!(is_conflict(db.commit(&branch, 0, &events("b", 2), &boxes).await), "behind");
    assert!(is_conflict(db.commit(&branch, 2, &events("c", 2), &boxes).await), "ahead");
    assert_eq!(seq_and_version(&db, &branch).await, (2, 1));
    assert_eq!(ids(&all_events(&db, &branch).await), ["a0", "a1"]);
    assert!(db.boxes(&branch).await.unwrap().is_empty());
    assert!(db.commit(&unique("b"), 0, &events("d", 1), &[]).await.is_err(), "no such branch");
}

async fn a_duplicate_event_id_conflicts_and_writes_nothing(engine: Engine) {
    let db = engine.open().await;
    let branch = new_branch(&db).await;
    db.commit(&branch, 0, &[event("a")], &[]).await.unwrap();
    let boxes = [a_box("r1", false, "[]")];
    let stored = [event("b"), event("a")];
    assert!(is_conflict(db.commit(&branch, 1, &stored, &boxes).await), "an id already stored");
    let twice = [event("c"), event("c")];
    assert!(is_conflict(db.commit(&branch, 1, &twice, &boxes).await), "an id twice in one commit");
    assert_eq!(seq_and_version(&db, &branch).await, (1, 1));
    assert_eq!(ids(&all_events(&db, &branch).await), ["a"]);
    assert!(db.boxes(&branch).await.unwrap().is_empty());

    assert_eq!(db.commit(&branch, 1, &[event("b")], &[]).await.unwrap(), Committed { seq: 2, version: 2 });
    assert_eq!(seqs(&all_events(&db, &branch).await), [1, 2]);
}

async fn boxes_are_replaced_whole(engine: Engine) {
    let db = engine.open().await;
    let (a, b) = (new_branch(&db).await, new_branch(&db).await);
    let one = r#"[{"slot":"s1","rev":1,"choices":["m1"]}]"#;
    let two = r#"[{"slot":"s0","rev":1,"choices":[]},{"slot":"s1","rev":2,"choices":["m2"]}]"#;
    assert_eq!(db.commit(&a, 0, &[], &[a_box("r1", false, one)]).await.unwrap(), Committed { seq: 0, version: 1 });
    assert_eq!(db.boxes(&a).await.unwrap(), [a_box("r1", false, one)]);

    let next = [a_box("r2", false, "[]"), a_box("r1", true, two)];
    assert_eq!(db.commit(&a, 1, &[event("v")], &next).await.unwrap(), Committed { seq: 1, version: 2 });
    assert_eq!(db.boxes(&a).await.unwrap(), [a_box("r1", true, two), a_box("r2", false, "[]")]);

    // The same round twice in one commit: the last one stands.
    let twice = [a_box("r2", false, one), a_box("r2", true, two)];
    db.commit(&a, 2, &[], &twice).await.unwrap();
    assert_eq!(db.boxes(&a).await.unwrap(), [a_box("r1", true, two), a_box("r2", true, two)]);
    assert!(db.boxes(&b).await.unwrap().is_empty());
}

/// Many writers pushing to one branch, each retrying on `Conflict` after
/// catching up, while a reader pulls: sequence numbers come out 1..=n
/// without gaps or duplicates, each commit's events stay together and in
/// order, and the reader's cursor never skips an event. Every other commit
/// carries only a ballot box, so a lost version update would show too.
async fn concurrent_commits_number_events_without_gaps(engine: Engine) {
    let db = Arc::new(engine.open().await);
    let branch = new_branch(&db).await;
    let (writers, commits, per_commit) = (6, 6, 2);
    let total = (writers * commits / 2 * per_commit) as u64;

    let reader = {
        let (db, branch) = (db.clone(), branch.clone());
        tokio::spawn(async move {
            let mut cursor = 0;
            while cursor < total {
                let page = db.events_since(&branch, cursor, 7, usize::MAX).await.unwrap().events;
                for e in &page {
                    assert_eq!(e.seq, cursor + 1, "the pull cursor skipped or repeated");
                    cursor = e.seq;
                }
                if page.is_empty() {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        })
    };
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (db, branch) = (db.clone(), branch.clone());
            tokio::spawn(async move {
                let mut conflicts = 0;
                for c in 0..commits {
                    let (batch, boxes) = if c % 2 == 0 {
                        (events(&format!("w{w}c{c}e"), per_commit), vec![])
                    } else {
                        (vec![], vec![a_box(&format!("r{w}"), false, &format!("[{c}]"))])
                    };
                    loop {
                        let version = db.branch(&branch).await.unwrap().unwrap().version;
                        match db.commit(&branch, version, &batch, &boxes).await {
                            Ok(_) => break,
                            Err(StoreError::Conflict) => conflicts += 1,
                            Err(e) => panic!("commit: {e}"),
                        }
                    }
                }
                conflicts
            })
        })
        .collect();
    let limit = Duration::from_secs(120);
    let mut conflicts = 0;
    for task in tasks {
        conflicts += tokio::time::timeout(limit, task).await.expect("writers finish").unwrap();
    }
    tokio::time::timeout(limit, reader).await.expect("the reader catches up").unwrap();
    println!("{conflicts} conflicts retried");

    let stored = all_events(&db, &branch).await;
    assert_eq!(seqs(&stored), (1..=total).collect::<Vec<_>>());
    assert_eq!(ids(&stored).into_iter().collect::<BTreeSet<_>>().len() as u64, total, "every event once");
    for pair in stored.chunks(per_commit) {
        let first = &pair[0].id;
        let prefix = first.strip_suffix("e0").expect("a commit's events start at its e0");
        assert_eq!(ids(pair), [format!("{prefix}e0"), format!("{prefix}e1")], "a commit's events together");
    }
    let expected_version = (writers * commits) as u64;
    assert_eq!(seq_and_version(&db, &branch).await, (total, expected_version));
    let last = format!("[{}]", commits - 1);
    let expected_boxes: Vec<_> = (0..writers).map(|w| a_box(&format!("r{w}"), false, &last)).collect();
    assert_eq!(db.boxes(&branch).await.unwrap(), expected_boxes);
}
