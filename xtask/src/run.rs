//! `cargo xtask run`: set up, then build and serve the app with trunk.
//!
//! `trunk serve --release --offline` builds the release bundle into `dist/`,
//! serves it on <http://127.0.0.1:8080> and rebuilds when a source changes
//! (`Trunk.toml` says what is watched). `--offline` makes trunk use the
//! wasm-bindgen that set-up installed instead of downloading one, and passes
//! `--offline` on to cargo, so the crates are fetched first.

use anyhow::Result;
use xshell::Shell;

use crate::setup;

pub const ADDRESS: &str = "127.0.0.1";
pub const PORT: &str = "8080";

pub fn run(sh: &Shell) -> Result<()> {
    let wasm = setup::setup(sh)?;
    wasm.fetch(sh)?;
    println!("run: building, then serving http://{ADDRESS}:{PORT}/ (Ctrl-C stops)");
    wasm.cmd(sh, "trunk")
        .args([
            "serve",
            "--release",
            "--offline",
            "--address",
            ADDRESS,
            "--port",
            PORT,
        ])
        .run()?;
    Ok(())
}
