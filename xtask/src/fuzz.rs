//! The `api` suite: the real server fuzzed against its own OpenAPI document
//! by a pinned schemathesis (`tests/api/fuzz.py` drives it), with no token,
//! an organizer's and a member phone's. Schemathesis lives in a virtual
//! environment under `target/`, made on first use.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use xshell::{Cmd, Shell};

use crate::setup;
use crate::wasm;

/// The schemathesis release the suite runs (new releases add checks, so a
/// pinned one keeps a passing run passing).
pub const SCHEMATHESIS: &str = "4.32.5";

/// The virtual environment with schemathesis at [`SCHEMATHESIS`].
fn environment(sh: &Shell) -> Result<PathBuf> {
    let venv = sh.current_dir().join("target/fuzz-venv");
    let st = venv.join("bin/schemathesis");
    let stamp = venv.join(".zhibu-schemathesis");
    if std::fs::read_to_string(&stamp).is_ok_and(|v| v == SCHEMATHESIS) && st.exists() {
        return Ok(venv);
    }
    let make = || wasm::host(sh, "python3").args(["-m", "venv", "--clear"]).arg(&venv).run();
    if make().is_err() {
        // Debian's python3 leaves venv out.
        setup::apt_install(sh, &["python3-venv"])?;
        make().context("python3 -m venv")?;
    }
    let pip = venv.join("bin/pip");
    wasm::host(sh, &pip.display().to_string())
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("schemathesis=={SCHEMATHESIS}"))
        .run()
        .context("installing schemathesis")?;
    std::fs::write(&stamp, SCHEMATHESIS)?;
    Ok(venv)
}

/// The command that runs the suite (after building the server).
pub fn command<'a>(sh: &'a Shell) -> Result<Cmd<'a>> {
    let venv = environment(sh)?;
    wasm::host(sh, "cargo").args(["build", "--locked", "-p", "zhibu-server"]).run()?;
    let server = target_dir(&sh.current_dir()).join("debug/zhibu-server");
    Ok(wasm::host(sh, &venv.join("bin/python").display().to_string())
        .arg("tests/api/fuzz.py")
        .arg("--server")
        .arg(server)
        .arg("--schemathesis")
        .arg(venv.join("bin/schemathesis")))
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}
