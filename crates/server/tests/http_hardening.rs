//! The server's HTTP edge, as an outside tester probes it (issue 22):
//! security headers, JSON bodies only as `application/json`, slow clients
//! dropped, no login discovery through branch creation, the app's files
//! cached and compressed, the client's address behind a proxy, and branch
//! creation off on a public address. Tests that touch storage run on both
//! engines (`sqlite::name`, `postgres::name`; see `common`).

#[macro_use]
mod common;

use std::time::{Duration, Instant};

use clap::CommandFactory;
use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zhibu_core::sync::Session;
use zhibu_server::{App, Config};

both_engines!(
    json_bodies_need_the_json_content_type,
    taken_logins_are_not_revealed,
    forwarded_for_trusts_the_proxys_entry
);

// ---------------------------------------------------------------------------
// Headers (item 6)
// ---------------------------------------------------------------------------

/// A `dist/` with the files the bundle emits, each with its `.br` copy.
fn dist() -> tempfile::TempDir {
    let dist = tempfile::tempdir().expect("a temporary directory");
    for (name, body) in [
        ("index.html", "<!DOCTYPE html><title>支部</title>"),
        ("sw.js", "self.addEventListener('fetch', () => {});"),
        ("zhibu_bg-0123456789abcdef.wasm", "\0asm"),
        ("zhibu-0123456789abcdef.js", "export {};"),
    ] {
        std::fs::write(dist.path().join(name), body).unwrap();
        std::fs::write(dist.path().join(format!("{name}.br")), format!("br:{body}")).unwrap();
        std::fs::write(dist.path().join(format!("{name}.gz")), format!("gz:{body}")).unwrap();
    }
    dist
}

async fn server_with_dist(dist: &tempfile::TempDir) -> Server {
    let mut config = test_config();
    config.dist = Some(dist.path().to_owned());
    Server::start(&Engine::Sqlite, config).await
}

/// `pwa/headers.txt` as the browser suite's server reads it.
fn expected_headers() -> Vec<(String, String)> {
    zhibu_server::headers::parse(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../pwa/headers.txt")).unwrap(),
    )
}

#[tokio::test]
async fn security_headers_on_the_app_and_the_api() {
    let dist = dist();
    let server = server_with_dist(&dist).await;
    let expected = expected_headers();
    assert_eq!(expected.len(), 4, "{expected:?}");
    let login = json!({"login": "nobody", "password": "wrong password"});
    let replies = [
        server.get("/", None).await,
        server.get("/index.html", None).await,
        server.get("/zhibu_bg-0123456789abcdef.wasm", None).await,
        server.get("/missing.js", None).await,
        server.get("/api/health", None).await,
        server.get("/api/nope", None).await,
        server.get("/api/session", None).await,
        server.post("/api/login", None, &login).await,
    ];
    for reply in &replies {
        for (name, value) in &expected {
            let got = reply.headers.get(name.as_str()).and_then(|v| v.to_str().ok());
            assert_eq!(got, Some(value.as_str()), "{}: {name}", reply.request);
        }
    }
    let csp = &replies[0].headers["content-security-policy"].to_str().unwrap().to_owned();
    for directive in
        ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "frame-ancestors 'none'", "object-src 'none'"]
    {
        assert!(csp.split("; ").any(|d| d == directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    assert_eq!(replies[0].headers["x-frame-options"], "DENY");
    assert_eq!(replies[0].headers["x-content-type-options"], "nosniff");
    assert_eq!(replies[0].headers["referrer-policy"], "no-referrer");
}

/// A cross-site page can send `text/plain` (or a form) without a CORS
/// preflight: such a body is never read as JSON.
async fn json_bodies_need_the_json_content_type(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let (_, login, password) = server.create_branch_with_login("内容类型").await;
    let body = json!({"login": login, "password": password}).to_string();
    let send = |content_type: Option<&'static str>| {
        let mut request = server.http.post(format!("{}/api/login", server.base)).body(body.clone());
        if let Some(t) = content_type {
            request = request.header("content-type", t);
        }
        async move {
            let response = request.send().await.expect("an answer");
            let status = response.status().as_u16();
            let json: serde_json::Value = response.json().await.unwrap_or_default();
            (status, json)
        }
    };
    for refused in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonx"),
        None,
    ] {
        let (status, json) = send(refused).await;
        assert_eq!(status, 415, "{refused:?}: {json}");
        assert_eq!(json["error"], "unsupported_media_type", "{refused:?}: {json}");
    }
    for accepted in ["application/json", "application/json; charset=utf-8", "Application/JSON"] {
        let (status, json) = send(Some(accepted)).await;
        assert_eq!(status, 200, "{accepted}: {json}");
    }
    // A cross-site form cannot create a branch either, nor push.
    let reply = server
        .http
        .post(format!("{}/api/branches", server.base))
        .header("content-type", "text/plain")
        .body(json!({"name": "伪造", "login": unique("l"), "password": "long enough"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 415);
    let organizer = server.create_branch("推送").await;
    let reply = server
        .http
        .post(format!("{}/api/sync/push", server.base))
        .bearer_auth(&organizer.token)
        .header("content-type", "text/plain")
        .body(Server::push_body(&[], &[]).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 415);
}

// ---------------------------------------------------------------------------
// Slow clients (item 8)
// ---------------------------------------------------------------------------

/// The real connection loop (`zhibu_server::serve`, as `main` runs it) on
/// a free port, with 1-second timeouts.
async fn serve_with_timeouts() -> (String, tokio::task::JoinHandle<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = zhibu_server::store::Db::sqlite(dir.path()).await.unwrap();
    let mut config = test_config();
    config.header_timeout = 1;
    config.body_timeout = 1;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let task = tokio::spawn(zhibu_server::serve::run(listener, App::new(db, config), std::future::pending()));
    (addr, task, dir)
}

/// Reads until the server closes the connection (or `limit` passes):
/// what it sent, and how long it took.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(String, Duration)> {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(start.elapsed()), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some((String::from_utf8_lossy(&got).into_owned(), start.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn half_sent_headers_are_dropped() {
    let (addr, _task, _dir) = serve_with_timeouts().await;
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    stream.write_all(b"GET /api/health HTTP/1.1\r\nHost: zhibu\r\nX-Slow: ").await.unwrap();
    let closed = until_closed(&mut stream, Duration::from_secs(10)).await;
    let (_, took) = closed.expect("a half-sent header is dropped, not held open");
    assert!(took < Duration::from_secs(5), "dropped after {took:?}");

    // A connection that never sends a byte goes the same way.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    let (_, took) = until_closed(&mut idle, Duration::from_secs(10)).await.expect("an idle connection is dropped");
    assert!(took < Duration::from_secs(5), "dropped after {took:?}");

    // A prompt client is served as before.
    let mut prompt = TcpStream::connect(&addr).await.unwrap();
    prompt.write_all(b"GET /api/health HTTP/1.1\r\nHost: zhibu\r\nConnection: close\r\n\r\n").await.unwrap();
    let (answer, _) = until_closed(&mut prompt, Duration::from_secs(10)).await.expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn trickled_bodies_are_dropped() {
    let (addr, _task, _dir) = serve_with_timeouts().await;
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head =
        "POST /api/login HTTP/1.1\r\nHost: zhibu\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    // One byte every 200 ms: 80 s for the whole body, never idle for long.
    let (mut read, mut write) = stream.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..400 {
            if write.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let answer = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    trickle.abort();
    assert!(answer.is_ok(), "a trickled body is cut off, not read for 80 s");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"error\":\"timeout\""), "{text}");
    assert!(start.elapsed() < Duration::from_secs(5), "after {:?}", start.elapsed());
}

#[test]
fn timeouts_are_flags() {
    let config = Config::defaults();
    assert_eq!((config.header_timeout, config.body_timeout), (10, 30));
    let config = Config::try_parse_from_args(["--header-timeout", "5", "--body-timeout", "20"]);
    assert_eq!((config.header_timeout, config.body_timeout), (5, 20));
    let help = Config::command().render_long_help().to_string();
    assert!(help.contains("--header-timeout") && help.contains("--body-timeout"), "{help}");
}

// ---------------------------------------------------------------------------
// Login discovery (item 9)
// ---------------------------------------------------------------------------

/// Creating a branch with somebody's login answers as for a free one:
/// every login gets a random number, and the bare one is nobody's.
async fn taken_logins_are_not_revealed(engine: Engine) {
    let server = Server::start_default(&engine).await;
    let asked = unique("dangzhibu");
    let create = |password: &'static str| {
        let body = json!({"name": "第一党支部", "login": asked, "password": password});
        let server = &server;
        async move { server.post("/api/branches", None, &body).await }
    };
    let first = create("first long password").await;
    first.expect(201);
    let second = create("second long password").await;
    second.expect(201);
    let (first, second): (Session, Session) = (first.body(), second.body());
    let (a, b) = (first.login.clone().unwrap(), second.login.clone().unwrap());
    for login in [&a, &b] {
        let number = login.strip_prefix(&format!("{asked}-")).unwrap_or_else(|| panic!("{login}"));
        assert!(number.len() == 6 && number.bytes().all(|c| c.is_ascii_digit()), "{login}");
    }
    assert_ne!(a, b);
    assert_ne!(first.branch, second.branch);
    // Each logs in with the login it was given, into its own branch.
    for (login, password, branch) in
        [(&a, "first long password", &first.branch), (&b, "second long password", &second.branch)]
    {
        let reply = server.post("/api/login", None, &json!({"login": login, "password": password})).await;
        reply.expect(200);
        let session: Session = reply.body();
        assert_eq!(&session.branch, branch);
        assert_eq!(session.login.as_ref(), Some(login));
    }
    // The bare login is nobody's.
    server
        .post("/api/login", None, &json!({"login": asked, "password": "first long password"}))
        .await
        .expect_error(401, "unauthorized");
    // A device session names no login.
    let mut book = Book::new();
    let (member, added) = book.add_member(&Writer::laptop(), "张三");
    server.push_ok(&first.token, &[added]).await;
    let phone = server.join(&first, &member, zhibu_core::sync::Role::Member).await;
    assert_eq!(phone.login, None);
}

// ---------------------------------------------------------------------------
// Static assets (item 10)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_apps_files_are_cached_and_compressed() {
    let dist = dist();
    let server = server_with_dist(&dist).await;
    let get = |path: &'static str, accept: &'static str| {
        let request = server.http.get(format!("{}{path}", server.base)).header("accept-encoding", accept);
        async move { request.send().await.expect("an answer") }
    };
    let wasm = get("/zhibu_bg-0123456789abcdef.wasm", "gzip, deflate, br").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert!(wasm.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    assert_eq!(wasm.bytes().await.unwrap(), "br:\0asm".as_bytes());
    let js = get("/zhibu-0123456789abcdef.js", "gzip").await;
    assert_eq!(js.headers()["content-encoding"], "gzip");
    assert!(js.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let plain = get("/zhibu-0123456789abcdef.js", "identity").await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap(), "export {};".as_bytes());
    for path in ["/", "/index.html", "/sw.js"] {
        let reply = get(path, "br").await;
        assert_eq!(reply.status(), 200, "{path}");
        assert_eq!(reply.headers()["cache-control"], "no-cache", "{path}: never stale");
        assert_eq!(reply.headers()["content-encoding"], "br", "{path}");
    }
    // A missing hashed file is not cached for a year.
    let missing = get("/zhibu-fedcba9876543210.js", "br").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["cache-control"], "no-cache");
}

// ---------------------------------------------------------------------------
// The client's address behind a proxy (item 12)
// ---------------------------------------------------------------------------

/// The proxy appends the address it saw; whatever came before it, the
/// client wrote. Rate limits key on the proxy's entry.
async fn forwarded_for_trusts_the_proxys_entry(engine: Engine) {
    let mut config = test_config();
    config.rate_login = 1;
    config.trust_proxy = true;
    let server = Server::start(&engine, config).await;
    let attempt = |forwarded: &'static [&'static str]| {
        let mut request = server.http.post(format!("{}/api/invitations/accept", server.base));
        for value in forwarded {
            request = request.header("x-forwarded-for", *value);
        }
        let request = request.json(&json!({"code": "wrong"}));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(attempt(&["10.0.0.1, 203.0.113.7"]).await, 401);
    // The same client naming another address in front: the same budget.
    assert_eq!(attempt(&["10.0.0.2, 203.0.113.7"]).await, 429);
    assert_eq!(attempt(&["203.0.113.7"]).await, 429);
    // A proxy that adds a header line of its own: its line counts.
    assert_eq!(attempt(&["198.51.100.1", "203.0.113.7"]).await, 429);
    assert_eq!(attempt(&["203.0.113.7", "198.51.100.1"]).await, 401);
    // Another client behind the same proxy has its own.
    assert_eq!(attempt(&["203.0.113.8"]).await, 401);
}

// ---------------------------------------------------------------------------
// Branch creation on a public server (item 3)
// ---------------------------------------------------------------------------

#[test]
fn sign_up_is_open_only_on_a_loopback_address() {
    let parse = |args: &'static [&'static str]| Config::try_parse_from_args(args.iter().copied()).signup_open();
    assert!(parse(&[]), "the default, 127.0.0.1 (cargo xtask run)");
    assert!(parse(&["--bind", "127.0.0.1:9000"]));
    assert!(parse(&["--bind", "[::1]:9000"]));
    assert!(!parse(&["--bind", "0.0.0.0:8080"]), "a public server takes no branches by default");
    assert!(!parse(&["--bind", "[::]:8080"]));
    assert!(!parse(&["--bind", "192.168.1.20:8080"]));
    assert!(parse(&["--bind", "0.0.0.0:8080", "--open-signup", "true"]), "unless its admin says so");
    assert!(!parse(&["--bind", "127.0.0.1:8080", "--open-signup", "false"]));
    let help = Config::command().render_long_help().to_string();
    assert!(help.contains("--open-signup") && help.contains("loopback"), "--help says it: {help}");
}

#[tokio::test]
async fn a_public_server_refuses_new_branches() {
    let mut config = test_config();
    config.bind = "0.0.0.0:8080".parse().unwrap();
    let server = Server::start(&Engine::Sqlite, config).await;
    server
        .post("/api/branches", None, &json!({"name": "支部", "login": unique("l"), "password": "long enough"}))
        .await
        .expect_error(403, "forbidden");
}

/// `Config` from flags (without the binary's name).
trait FromArgs {
    fn try_parse_from_args(args: impl IntoIterator<Item = &'static str>) -> Config;
}

impl FromArgs for Config {
    fn try_parse_from_args(args: impl IntoIterator<Item = &'static str>) -> Config {
        use clap::Parser;
        Config::try_parse_from(std::iter::once("zhibu-server").chain(args)).expect("valid flags")
    }
}
