//! `cargo xtask <command>`: the project's developer commands, written in Rust.
//!
//! - `cargo xtask setup` installs whatever is missing (idempotent; a warm run
//!   only checks files and `--version`s).
//! - `cargo xtask run` sets up, then builds the release app and serves it on
//!   <http://127.0.0.1:8080>; `cargo xtask dev` serves it with `trunk serve`
//!   (live reload, no service worker).
//! - `cargo xtask test [--only SUITE[,SUITE..]]` sets up, then runs every
//!   suite (format, lints, native, browser, release build, end-to-end) and
//!   ends with `N passed, N failed`.
//! - `cargo xtask bench` builds the release app like the `build` suite and
//!   measures it beside its baselines (`bench/README.md`).
//! - `cargo xtask postgres [start|stop]` runs the local PostgreSQL that the
//!   server's store tests use (`test` starts and stops it by itself).
//!
//! One module per task: [`setup`] (what is installed and how), [`wasm`] (the
//! route to a wasm32 toolchain and the environment every wasm command gets),
//! [`run`], [`test`], [`bench`]; [`proc`] holds the few process helpers they share.
//! Dependencies stay at `anyhow` and `xshell` so this compiles in seconds.

mod bench;
mod bundle;
mod fuzz;
mod postgres;
mod proc;
mod run;
mod setup;
mod test;
mod wasm;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use xshell::Shell;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup                     install whatever is missing (idempotent)
  run                       setup, then build the release app and serve it on http://127.0.0.1:8080
  dev                       setup, then the development server (trunk serve, live reload) on :8080
  test [--only SUITE,..]    setup, then run the test suites; ends with `N passed, N failed`
  bench [--only FIGURE,..]  setup, build the release app, print its figures beside baselines and budgets
  postgres [start|stop]     start (or stop) the local PostgreSQL the server's tests use; prints ZHIBU_TEST_PG_URL
  help                      this text

suites (in order): fmt, clippy-host, clippy-wasm, native, browser, build, e2e
  (`clippy` means both clippy suites; `e2e` also runs `build`, since it tests dist/)

environment:
  ZHIBU_WASM_ROUTE=rustup|debian   force the wasm32 toolchain route (default: detect)";

fn main() -> ExitCode {
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| "help".to_string());
    let rest: Vec<String> = args.collect();

    let sh = shell()?;
    match command.as_str() {
        "setup" => {
            no_args(&command, &rest)?;
            setup::setup(&sh, setup::Needs::Everything)?;
            Ok(ExitCode::SUCCESS)
        }
        "run" => {
            no_args(&command, &rest)?;
            run::run(&sh)?;
            Ok(ExitCode::SUCCESS)
        }
        "dev" => {
            no_args(&command, &rest)?;
            run::dev(&sh)?;
            Ok(ExitCode::SUCCESS)
        }
        "test" => {
            let only = test::parse_only(&rest)?;
            test::test(&sh, &only)
        }
        "bench" => bench::bench(&sh, &rest),
        "postgres" => postgres::command(&sh, &rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

fn no_args(command: &str, rest: &[String]) -> Result<()> {
    if let Some(arg) = rest.first() {
        bail!("`cargo xtask {command}` takes no arguments (got `{arg}`)\n\n{USAGE}");
    }
    Ok(())
}

/// A shell rooted at the workspace, with cargo's bin directory on `PATH`
/// (where `cargo install` puts trunk and wasm-bindgen).
fn shell() -> Result<Shell> {
    let sh = Shell::new()?;
    sh.change_dir(project_root());
    let bin = cargo_home().join("bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !std::env::split_paths(&path).any(|p| p == bin) {
        let joined =
            std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).context("joining PATH")?;
        sh.set_var("PATH", joined);
    }
    Ok(sh)
}

/// The workspace root: xtask's manifest directory is `<root>/xtask`.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn cargo_home() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"),
    }
}
