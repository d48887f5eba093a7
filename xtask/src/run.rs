//! `cargo xtask run`: set up, then build and serve the app with trunk.
//!
//! `trunk serve --release --offline` builds the release bundle, serves it on
//! <http://127.0.0.1:8080> and rebuilds when a source changes (`Trunk.toml`
//! says what is watched). Its bundle goes to `target/serve`, not `dist/`:
//! trunk serve adds a live-reload script to it, and `dist/` belongs to
//! `cargo xtask test` (the release build the end-to-end tests load). `--offline` makes trunk use the
//! wasm-bindgen that set-up installed instead of downloading one, and passes
//! `--offline` on to cargo, so the crates are fetched first.

use anyhow::Result;
use xshell::Shell;

use crate::setup;

pub const ADDRESS: &str = "127.0.0.1";
pub const PORT: &str = "8080";
/// Where `trunk serve` writes its bundle (kept apart from `dist/`).
pub const SERVE_DIST: &str = "target/serve";

pub fn run(sh: &Shell) -> Result<()> {
    let wasm = setup::setup(sh)?;
    wasm.fetch(sh)?;
    println!("run: building, then serving http://{ADDRESS}:{PORT}/ (Ctrl-C stops)");
    wasm.cmd(sh, "trunk")
        .args(["serve", "--release", "--offline", "--address", ADDRESS, "--port", PORT, "--dist", SERVE_DIST])
        .run()?;
    Ok(())
}
