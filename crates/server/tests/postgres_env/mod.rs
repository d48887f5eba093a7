//! Whether the PostgreSQL half of the server's tests runs, one rule for
//! every test crate (`common`, `process`, `store.rs`): with
//! `ZHIBU_TEST_PG_URL` it runs there (`cargo xtask test` starts a loopback
//! PostgreSQL and sets it; `cargo xtask postgres start` prints it for a run
//! by hand). Without it each PostgreSQL test **fails**, so a plain `cargo
//! test` never passes with half the suite unrun; `ZHIBU_SKIP_POSTGRES=1`
//! skips them on purpose, with a note (never under CI, where they must run).

#![allow(dead_code)]

/// The variable naming the PostgreSQL server the tests use.
pub const PG_URL: &str = "ZHIBU_TEST_PG_URL";
/// Set to `1` to skip the PostgreSQL tests (outside CI).
pub const SKIP: &str = "ZHIBU_SKIP_POSTGRES";

/// What a PostgreSQL test does, given the variables.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Run against this URL.
    Run(String),
    /// Skip, as asked.
    Skip,
    /// Fail, with this message.
    Fail(String),
}

/// The rule, over the values of `ZHIBU_TEST_PG_URL`, `ZHIBU_SKIP_POSTGRES`
/// and `CI`.
pub fn decide(url: Option<&str>, skip: Option<&str>, ci: Option<&str>) -> Decision {
    if let Some(url) = url.filter(|u| !u.trim().is_empty()) {
        return Decision::Run(url.to_owned());
    }
    let ci = ci.is_some_and(|v| !v.is_empty());
    if skip == Some("1") && !ci {
        return Decision::Skip;
    }
    let why = if ci {
        format!("{PG_URL} is not set, and in CI the PostgreSQL tests must run")
    } else {
        format!("{PG_URL} is not set, so the PostgreSQL half of the server's tests cannot run")
    };
    Decision::Fail(format!(
        "{why}: `cargo xtask test` starts PostgreSQL and sets it; by hand, `cargo xtask postgres start` \
         prints the variable to export; {SKIP}=1 skips these tests (outside CI)"
    ))
}

/// The URL for `test`, or `None` after a note when skipping; panics when
/// PostgreSQL is neither configured nor skipped on purpose.
pub fn pg_url(test: &str) -> Option<String> {
    let var = |name: &str| std::env::var(name).ok();
    match decide(var(PG_URL).as_deref(), var(SKIP).as_deref(), var("CI").as_deref()) {
        Decision::Run(url) => Some(url),
        Decision::Skip => {
            // Straight to stderr: the harness would hide `eprintln!` of a passing test.
            let line = format!("skipping postgres::{test}: {SKIP}=1\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            None
        }
        Decision::Fail(message) => panic!("postgres::{test}: {message}"),
    }
}
