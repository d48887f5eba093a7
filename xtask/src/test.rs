//! `cargo xtask test`: set up, then run every suite in order, each one's own
//! output streamed, carrying on after a failure; then a summary table and,
//! last, `N passed, N failed`. Exits non-zero if anything failed.
//!
//! Counting: a format, lint or build step is one check; test suites count
//! their individual tests (every `test result:` line of cargo's and
//! wasm-bindgen-test-runner's output; Playwright's `N passed`/`N failed`/
//! `N flaky` totals — flaky counts as failed). A suite whose command fails
//! without reporting a failed test (it did not compile, the server did not
//! start) adds one failed check.

use std::process::{Command, ExitCode, ExitStatus};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xshell::{Cmd, Shell};

use crate::bundle;
use crate::fuzz;
use crate::postgres;
use crate::proc;
use crate::setup;
use crate::wasm::{self, TARGET, Wasm};

/// Host crates: linted and tested natively (the server's store tests get
/// a local PostgreSQL: [`postgres`]).
pub const HOST_PACKAGES: &[&str] = &["zhibu-core", "zhibu-server", "xtask"];
/// The Leptos app: linted for wasm32, tested in headless Chromium.
pub const APP_PACKAGE: &str = "zhibu";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    Fmt,
    ClippyHost,
    ClippyWasm,
    Native,
    Api,
    Browser,
    Build,
    E2e,
}

const ALL: [Suite; 8] = [
    Suite::Fmt,
    Suite::ClippyHost,
    Suite::ClippyWasm,
    Suite::Native,
    Suite::Api,
    Suite::Browser,
    Suite::Build,
    Suite::E2e,
];

impl Suite {
    fn name(self) -> &'static str {
        match self {
            Suite::Fmt => "fmt",
            Suite::ClippyHost => "clippy-host",
            Suite::ClippyWasm => "clippy-wasm",
            Suite::Native => "native",
            Suite::Api => "api",
            Suite::Browser => "browser",
            Suite::Build => "build",
            Suite::E2e => "e2e",
        }
    }
}

/// `--only a,b --only c` → those suites in their usual order (all if none).
/// `clippy` means both clippy suites; `e2e` brings `build` along, since it
/// tests `dist/`.
pub fn parse_only(args: &[String]) -> Result<Vec<Suite>> {
    let mut wanted = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let list = if arg == "--only" {
            args.next().context("`--only` needs a suite name")?.as_str()
        } else if let Some(list) = arg.strip_prefix("--only=") {
            list
        } else {
            bail!("unknown argument `{arg}` (try `cargo xtask help`)");
        };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "clippy" => wanted.extend([Suite::ClippyHost, Suite::ClippyWasm]),
                "e2e" => wanted.extend([Suite::Build, Suite::E2e]),
                _ => wanted.push(ALL.into_iter().find(|s| s.name() == name).with_context(|| {
                    let names: Vec<_> = ALL.iter().map(|s| s.name()).collect();
                    format!("unknown suite `{name}`; suites: {}", names.join(", "))
                })?),
            }
        }
    }
    if wanted.is_empty() {
        return Ok(ALL.to_vec());
    }
    Ok(ALL.into_iter().filter(|s| wanted.contains(s)).collect())
}

/// What one suite reported.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    passed: u32,
    failed: u32,
    note: String,
}

impl Counts {
    /// A format/lint/build step: one check.
    fn check(status: ExitStatus) -> Counts {
        Counts { passed: status.success().into(), failed: (!status.success()).into(), note: String::new() }
    }

    /// A failing command that reported no failed test still fails once.
    fn with_status(mut self, status: ExitStatus) -> Counts {
        if !status.success() && self.failed == 0 {
            self.failed = 1;
            let why = format!("exited with {status}");
            self.note = if self.note.is_empty() { why } else { format!("{}; {why}", self.note) };
        }
        self
    }
}

pub fn test(sh: &Shell, suites: &[Suite]) -> Result<ExitCode> {
    let wasm = setup::setup(sh, setup::Needs::Release)?;
    let mut rows = Vec::new();
    for (i, &suite) in suites.iter().enumerate() {
        println!("\n==> [{}/{}] {}", i + 1, suites.len(), suite.name());
        let start = Instant::now();
        let counts = run_suite(sh, &wasm, suite).unwrap_or_else(|err| {
            eprintln!("xtask: {} could not run: {err:#}", suite.name());
            Counts { passed: 0, failed: 1, note: format!("error: {err}") }
        });
        let took = start.elapsed();
        let result = if counts.failed == 0 { "ok" } else { "FAILED" };
        println!("<== {} {result} in {}", suite.name(), proc::secs(took));
        rows.push((suite, counts, took));
    }

    println!("\nsummary ({} route)", wasm.route.name());
    println!("  {:<12} {:<7} {:>6} {:>6} {:>8}  note", "suite", "result", "passed", "failed", "time");
    let (mut passed, mut failed) = (0, 0);
    for (suite, counts, took) in &rows {
        passed += counts.passed;
        failed += counts.failed;
        println!(
            "  {:<12} {:<7} {:>6} {:>6} {:>8}  {}",
            suite.name(),
            if counts.failed == 0 { "ok" } else { "FAILED" },
            counts.passed,
            counts.failed,
            proc::secs(*took),
            counts.note
        );
    }
    let total: Duration = rows.iter().map(|(_, _, took)| *took).sum();
    println!("  total time {}", proc::secs(total));
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn run_suite(sh: &Shell, wasm: &Wasm, suite: Suite) -> Result<Counts> {
    let host_packages: Vec<String> = HOST_PACKAGES.iter().map(|p| format!("-p{p}")).collect();
    match suite {
        Suite::Fmt => {
            let (status, _) = tee(wasm::host(sh, "cargo").args(["fmt", "--all", "--", "--check"]))?;
            Ok(Counts::check(status))
        }
        Suite::ClippyHost => {
            let cmd = wasm::host(sh, "cargo").arg("clippy").args(&host_packages).args([
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]);
            Ok(Counts::check(tee(cmd)?.0))
        }
        Suite::ClippyWasm => {
            // Twice: as the browser tests and `trunk serve` build it, and with
            // the release bundle's split points and fetched pinyin table
            // (`--no-default-features --features split`).
            let clippy = |features: &[&str]| {
                wasm.cmd(sh, "cargo")
                    .args(["clippy", "-p", APP_PACKAGE, "--target", TARGET, "--all-targets"])
                    .args(features)
                    .args(["--", "-D", "warnings"])
            };
            let plain = tee(clippy(&[]))?.0;
            let split = tee(clippy(&["--no-default-features", "--features", "split"]))?.0;
            Ok(Counts::check(if plain.success() { split } else { plain }))
        }
        Suite::Native => {
            let pg = postgres::start(sh)?;
            let cmd = wasm::host(sh, "cargo").arg("test").args(&host_packages).env(postgres::URL_VAR, &pg.url);
            let result = tee(cmd);
            pg.stop_if_started()?;
            let (status, out) = result?;
            Ok(cargo_test_counts(&out).with_status(status))
        }
        Suite::Api => {
            let (status, out) = tee(fuzz::command(sh)?)?;
            Ok(playwright_counts(&out).with_status(status))
        }
        Suite::Browser => {
            let root = sh.current_dir();
            let cmd = wasm
                .cmd(sh, "cargo")
                // `--tests`: lib, bins and tests/*.rs; not doctests, which
                // compile for wasm32 but have no runner there.
                .args(["test", "-p", APP_PACKAGE, "--target", TARGET, "--tests"])
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
                .env("CHROMEDRIVER", setup::CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root.join("webdriver.json"))
                .env("WASM_BINDGEN_TEST_TIMEOUT", env_or("WASM_BINDGEN_TEST_TIMEOUT", "120"))
                .env("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", env_or("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "30"));
            let (status, out) = tee(cmd)?;
            Ok(cargo_test_counts(&out).with_status(status))
        }
        Suite::Build => {
            let status = build_release(sh, wasm)?;
            let mut counts = Counts::check(status);
            if status.success() {
                let sizes = bundle::sizes(&sh.current_dir())?;
                println!("build: files (raw, gzip -9, brotli bytes):\n{}", sizes.table);
                let gate = size_gate(&sizes);
                counts.note = gate.note;
                println!("build: {}", counts.note);
                if !gate.ok {
                    counts.passed = 0;
                    counts.failed = 1;
                }
            }
            Ok(counts)
        }
        Suite::E2e => {
            if !sh.current_dir().join("dist/index.html").exists() {
                bail!("no dist/index.html: the build suite did not produce one");
            }
            // The sync specs start the real server: build it now, so it is never stale.
            wasm::host(sh, "cargo").args(["build", "--locked", "-p", "zhibu-server"]).run()?;
            let cmd = wasm::host(sh, "npx").args(["playwright", "test", "--reporter=list"]);
            let (status, out) = tee(cmd)?;
            Ok(playwright_counts(&out).with_status(status))
        }
    }
}

/// The release build into `dist/`: the `build` suite, and what `cargo xtask
/// bench` measures.
pub fn build_release(sh: &Shell, wasm: &Wasm) -> Result<ExitStatus> {
    bundle::build(sh, wasm)
}

/// The size gate's limits, gzip -9 bytes. Issue 16's budgets are 200 KB for
/// the first screen and 700 KB for the whole app; the gate holds what has
/// been reached so far (631,052 / 1,377,955 with std built for
/// immediate abort on the rustup route, the English texts fetched on
/// demand; ≈ 36 KB more where that route or rust-src is missing, and the
/// Debian toolchain differs a little), so no change can silently regress,
/// and comes down toward the budgets as the work goes on.
pub const FIRST_SCREEN_LIMIT: u64 = 670_000;
pub const WHOLE_APP_LIMIT: u64 = 1_400_000;
/// Issue 16's budgets, reported beside the limits.
pub const FIRST_SCREEN_BUDGET: u64 = 200_000;
pub const WHOLE_APP_BUDGET: u64 = 700_000;

struct Gate {
    ok: bool,
    note: String,
}

fn size_gate(sizes: &bundle::Sizes) -> Gate {
    let first_ok = sizes.first_gzip <= FIRST_SCREEN_LIMIT;
    let all_ok = sizes.all_gzip <= WHOLE_APP_LIMIT;
    let mark = |ok: bool| if ok { "within" } else { "OVER" };
    let note = format!(
        "first screen {} B gzip ({} limit {}; budget {}), whole app {} B gzip ({} limit {}; budget {})",
        thousands(sizes.first_gzip),
        mark(first_ok),
        thousands(FIRST_SCREEN_LIMIT),
        thousands(FIRST_SCREEN_BUDGET),
        thousands(sizes.all_gzip),
        mark(all_ok),
        thousands(WHOLE_APP_LIMIT),
        thousands(WHOLE_APP_BUDGET),
    );
    Gate { ok: first_ok && all_ok, note }
}

fn tee(cmd: Cmd<'_>) -> Result<(ExitStatus, String)> {
    let mut cmd = Command::from(cmd);
    cmd.envs(proc::colour_env());
    proc::tee(cmd)
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// Sums every `test result: ... N passed; M failed; ...` line.
fn cargo_test_counts(output: &str) -> Counts {
    let mut counts = Counts::default();
    for line in proc::strip_ansi(output).lines() {
        if let Some(result) = line.trim().strip_prefix("test result:") {
            counts.passed += count_of(result, "passed").unwrap_or(0);
            counts.failed += count_of(result, "failed").unwrap_or(0);
        }
    }
    counts
}

/// Playwright's closing `N passed` / `N failed` / `N flaky` lines.
fn playwright_counts(output: &str) -> Counts {
    let mut counts = Counts::default();
    let mut notes = Vec::new();
    for line in proc::strip_ansi(output).lines() {
        let Some((n, rest)) = line.trim().split_once(' ') else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        let what = rest.split(" (").next().unwrap_or(rest).trim();
        match what {
            "passed" => counts.passed += n,
            "failed" | "interrupted" => counts.failed += n,
            "flaky" => {
                counts.failed += n;
                notes.push(format!("{n} flaky"));
            }
            "skipped" | "did not run" => notes.push(format!("{n} {what}")),
            _ => {}
        }
    }
    counts.note = notes.join(", ");
    counts
}

/// The number just before `word` (`"ok. 5 passed; 0 failed"`, `"passed"` → 5).
fn count_of(text: &str, word: &str) -> Option<u32> {
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c == ';' || c == ',').filter(|w| !w.is_empty()).collect();
    words.windows(2).find(|pair| pair[1] == word).and_then(|pair| pair[0].parse().ok())
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
