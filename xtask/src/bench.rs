//! `cargo xtask bench [--only FIGURE,..]`: set up, build the release app
//! exactly as the `build` suite does ([`test::build_release`]), then run
//! `bench/bench.mjs`, which measures it beside its baselines, prints the
//! table and writes `target/bench/bench.json` (see `bench/README.md`).
//!
//! Lighthouse lives in `bench/package.json`, apart from the root package, so
//! the test suites' `npm ci` stays lean; it is installed here when
//! `bench/node_modules` is missing or was installed from another lockfile.
//! A missed budget is a figure, not a failure: this fails only when the
//! build fails or a measurement cannot be taken.
//!
//! The figure `server` (in everything, or `--only server[,…]`) is the sync
//! server's: [`server`] builds `zhibu-server` and its bench
//! (`crates/server/examples/bench.rs`) in the `server` profile, starts the test
//! PostgreSQL ([`postgres::start`]) and runs the bench against SQLite and
//! PostgreSQL (SQLite only, with a note, when PostgreSQL cannot start).
//! `--only server` alone needs neither the app's set-up nor its build.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::{bundle, postgres, proc, setup, test, wasm};

/// Written after `npm ci --prefix bench`: a copy of the lockfile it installed.
const NPM_STAMP: &str = "bench/node_modules/.zhibu-lock";

pub fn bench(sh: &Shell, args: &[String]) -> Result<ExitCode> {
    let (browser, with_server) = split_server(args);
    if let Some(browser) = browser {
        browser_bench(sh, &browser)?;
    }
    if with_server {
        server(sh)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The figure that is not `bench.mjs`'s.
const SERVER: &str = "server";

/// `bench.mjs`'s arguments, if any of its figures is asked for, and
/// whether the server's figure is: everything without `--only`.
fn split_server(args: &[String]) -> (Option<Vec<String>>, bool) {
    let mut rest = Vec::new();
    let mut only: Option<Vec<String>> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let list = match arg.strip_prefix("--only=") {
            Some(list) => Some(list.to_owned()),
            None if arg == "--only" => args.next().cloned(),
            None => None,
        };
        match list {
            Some(list) => only.get_or_insert_with(Vec::new).extend(list.split(',').map(|f| f.trim().to_owned())),
            None => rest.push(arg.clone()),
        }
    }
    let Some(figures) = only else { return (Some(rest), true) };
    let with_server = figures.iter().any(|f| f == SERVER);
    let browser: Vec<String> = figures.into_iter().filter(|f| f != SERVER && !f.is_empty()).collect();
    if browser.is_empty() {
        return (None, with_server);
    }
    rest.extend(["--only".to_owned(), browser.join(",")]);
    (Some(rest), with_server)
}

/// The sync server under load beside its database's own rate
/// (`crates/server/examples/bench.rs`; `bench/README.md`).
fn server(sh: &Shell) -> Result<()> {
    println!("\n==> bench: server (zhibu-server and examples/bench.rs, `server` profile)");
    wasm::host(sh, "cargo")
        .args([
            "build",
            "--profile",
            "server",
            "--locked",
            "-p",
            "zhibu-server",
            "--bin",
            "zhibu-server",
            "--example",
            "bench",
        ])
        .run()
        .context("building the server bench")?;
    let pg = match postgres::start(sh) {
        Ok(pg) => Some(pg),
        Err(e) => {
            println!("bench: PostgreSQL could not start ({e:#}): the server is measured on SQLite only");
            None
        }
    };
    let mut cmd = wasm::host(sh, "target/server/examples/bench").env_remove(postgres::URL_VAR);
    if let Some(pg) = &pg {
        cmd = cmd.args(["--postgres", &pg.url]);
    }
    let result = cmd.run().context("the server bench could not take its measurements");
    if let Some(pg) = &pg {
        pg.stop_if_started()?;
    }
    result?;
    Ok(())
}

/// `bench.mjs`'s figures: set up, build the release app, measure.
fn browser_bench(sh: &Shell, args: &[String]) -> Result<()> {
    let wasm = setup::setup(sh, setup::Needs::Release)?;
    bench_packages(sh, &sh.current_dir())?;
    println!("\n==> bench: release build (as `cargo xtask test --only build`)");
    let status = test::build_release(sh, &wasm)?;
    if !status.success() {
        bail!("the release build failed ({status})");
    }
    let sizes = bundle::sizes(&sh.current_dir())?;
    println!("\nbench: files of dist/ (raw, gzip -9, brotli bytes; `first` = loaded for the first screen):");
    println!("{}", sizes.table);
    twiggy(sh)?;
    wasm::host(sh, "node")
        .arg("bench/breakdown.mjs")
        .arg(bundle::named_main(&sh.current_dir()))
        .run()
        .context("bench/breakdown.mjs")?;
    println!("\n==> bench: measuring (bench/bench.mjs; several minutes)");
    wasm::host(sh, "node")
        .arg("bench/bench.mjs")
        .args(args)
        .run()
        .context("bench/bench.mjs could not take every measurement")?;
    Ok(())
}

/// twiggy (the first screen's breakdown by crate), installed when missing.
fn twiggy(sh: &Shell) -> Result<()> {
    const VERSION: &str = "0.8.0";
    let found = proc::probe(wasm::host(sh, "twiggy").arg("--version"));
    if found.is_some_and(|v| v.contains(VERSION)) {
        return Ok(());
    }
    println!("bench: cargo install twiggy {VERSION} (the first screen's breakdown)");
    wasm::host(sh, "cargo")
        .args(["install", "twiggy", "--version", VERSION, "--locked"])
        .run()
        .context("installing twiggy")
}

/// `npm ci --prefix bench` unless `bench/node_modules` came from this lockfile.
fn bench_packages(sh: &Shell, root: &Path) -> Result<()> {
    let lock = std::fs::read(root.join("bench/package-lock.json")).context("reading bench/package-lock.json")?;
    let stamp = root.join(NPM_STAMP);
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) {
        return Ok(());
    }
    println!("bench: npm ci --prefix bench (lighthouse)");
    let start = Instant::now();
    wasm::host(sh, "npm")
        .args(["ci", "--prefix", "bench", "--no-audit", "--no-fund"])
        .run()
        .context("npm ci --prefix bench")?;
    std::fs::write(&stamp, &lock).with_context(|| format!("writing {}", stamp.display()))?;
    println!("bench: lighthouse installed in {}", proc::secs(start.elapsed()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split_server;

    fn check(args: &str, browser: Option<&str>, server: bool) {
        let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        let (got, with_server) = split_server(&args);
        assert_eq!((got.map(|a| a.join(" ")).as_deref(), with_server), (browser, server), "{args:?}");
    }

    #[test]
    fn the_server_figure_is_split_from_the_browser_figures() {
        check("", Some(""), true);
        check("--only server", None, true);
        check("--only=server", None, true);
        check("--only startup,server", Some("--only startup"), true);
        check("--only=transfer,tally", Some("--only transfer,tally"), false);
    }
}
