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

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::{proc, setup, test, wasm};

/// Written after `npm ci --prefix bench`: a copy of the lockfile it installed.
const NPM_STAMP: &str = "bench/node_modules/.zhibu-lock";

pub fn bench(sh: &Shell, args: &[String]) -> Result<ExitCode> {
    let wasm = setup::setup(sh)?;
    bench_packages(sh, &sh.current_dir())?;
    println!("\n==> bench: release build (as `cargo xtask test --only build`)");
    let status = test::build_release(sh, &wasm)?;
    if !status.success() {
        bail!("the release build failed ({status})");
    }
    println!("\n==> bench: measuring (bench/bench.mjs; several minutes)");
    wasm::host(sh, "node")
        .arg("bench/bench.mjs")
        .args(args)
        .run()
        .context("bench/bench.mjs could not take every measurement")?;
    Ok(ExitCode::SUCCESS)
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
