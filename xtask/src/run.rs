//! `cargo xtask run` and `cargo xtask dev`.
//!
//! `run` is what a branch uses: set up, build the release bundle into `dist/`
//! (`crate::bundle`: split into chunks, the same build the tests load,
//! with its service worker) and the sync server, then start the server on
//! <http://127.0.0.1:8080>: it serves the app and `/api` from one origin,
//! with its SQLite database in `data/`. The app works offline after the
//! first visit there; phones sync through the server when it is reachable.
//!
//! `dev` is the development server: `trunk serve` rebuilds on every change
//! and live-reloads the page. Its bundle goes to `target/serve` (never
//! `dist/`), and there is no service worker under it (`pwa/precache.mjs`
//! writes one that removes itself), so nothing is served stale.
//!
//! `--offline` makes trunk use the tools set-up installed instead of
//! downloading them, and passes `--offline` on to cargo, so the crates are
//! fetched first.

use anyhow::Result;
use xshell::Shell;

use crate::{bundle, setup, wasm};

pub const ADDRESS: &str = "127.0.0.1";
pub const PORT: &str = "8080";
/// Where `trunk serve` writes its bundle (kept apart from `dist/`).
pub const SERVE_DIST: &str = "target/serve";

pub fn run(sh: &Shell) -> Result<()> {
    let wasm = setup::setup(sh, setup::Needs::Release)?;
    println!("run: building the release bundle into dist/ (a few minutes on a fresh machine)");
    let status = bundle::build(sh, &wasm)?;
    if !status.success() {
        anyhow::bail!("the release bundle failed to build ({status})");
    }
    println!("run: building the sync server");
    wasm::host(sh, "cargo").args(["build", "--profile", "server", "--locked", "-p", "zhibu-server"]).run()?;
    println!("run: serving http://{ADDRESS}:{PORT}/ with its database in data/ (Ctrl-C stops)");
    wasm::host(sh, "target/server/zhibu-server")
        .args(["--bind", &format!("{ADDRESS}:{PORT}"), "--data-dir", "data", "--dist", "dist"])
        .run()?;
    Ok(())
}

pub fn dev(sh: &Shell) -> Result<()> {
    let wasm = setup::setup(sh, setup::Needs::Everything)?;
    wasm.fetch(sh)?;
    println!("dev: building, then serving http://{ADDRESS}:{PORT}/ with live reload (Ctrl-C stops)");
    wasm.cmd(sh, "trunk")
        .args(["serve", "--release", "--offline", "--address", ADDRESS, "--port", PORT, "--dist", SERVE_DIST])
        .env("ZHIBU_PWA", "off")
        .run()?;
    Ok(())
}
