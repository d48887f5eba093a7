//! The route to a `wasm32-unknown-unknown` toolchain, and the environment
//! every wasm command (cargo, clippy, trunk, the browser tests) runs with.
//!
//! - **rustup**: the normal route where rustup can download the target's
//!   standard library. Ordinary cargo; wasm artifacts in `target/wasm`.
//! - **debian**: where it cannot (see `../shared/docs/toolchain.md`). Debian's
//!   `rustc-web`/`cargo-web` 1.96 build the standard library from
//!   `rust-web-src` (`build-std`, allowed by `RUSTC_BOOTSTRAP=1`) and link with
//!   `wasm-ld-19`; clippy is `rust-web-clippy`. `/usr/bin` goes first on
//!   `PATH` so Debian's `cargo`, `rustc` and `cargo-clippy` win over rustup's
//!   proxies. Artifacts in `target/wasm-debian`, so switching routes never
//!   evicts the other route's build.
//!
//! Host builds keep `target/` either way. `cargo xtask` itself runs inside
//! `cargo run`, which hands us variables about the xtask package (`CARGO`,
//! `CARGO_PKG_*`, `RUSTUP_TOOLCHAIN`, `LD_LIBRARY_PATH`...); every command we
//! start drops the package ones, and the Debian route drops the rustup ones
//! too, or Debian's cargo would call back into rustup's (`CARGO` is what
//! cargo and `cargo_metadata` use to find "themselves").

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xshell::{Cmd, Shell, cmd};

use crate::proc;

pub const TARGET: &str = "wasm32-unknown-unknown";

/// What the Debian route needs from apt.
pub const DEBIAN_PACKAGES: &[&str] = &["rustc-web", "cargo-web", "rust-web-src", "lld-19", "rust-web-clippy"];

/// How long `rustup target add` may try before we fall back.
const RUSTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Set by `cargo run` for the xtask package; meaningless (or harmful) for the
/// commands we start.
const CARGO_RUN_VARS: &[&str] = &[
    "CARGO",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_PKG_AUTHORS",
    "CARGO_PKG_DESCRIPTION",
    "CARGO_PKG_HOMEPAGE",
    "CARGO_PKG_LICENSE",
    "CARGO_PKG_LICENSE_FILE",
    "CARGO_PKG_NAME",
    "CARGO_PKG_README",
    "CARGO_PKG_REPOSITORY",
    "CARGO_PKG_RUST_VERSION",
    "CARGO_PKG_VERSION",
    "CARGO_PKG_VERSION_MAJOR",
    "CARGO_PKG_VERSION_MINOR",
    "CARGO_PKG_VERSION_PATCH",
    "CARGO_PKG_VERSION_PRE",
];

/// Point at the host (rustup) toolchain: set by rustup's proxies and by
/// `cargo run`, or by a user. On the Debian route they would send Debian's
/// cargo back to rustup's compiler or libraries.
const HOST_TOOLCHAIN_VARS: &[&str] = &[
    "RUSTUP_TOOLCHAIN",
    "RUSTUP_TOOLCHAIN_SOURCE",
    "RUST_RECURSION_COUNT",
    "LD_LIBRARY_PATH",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_WRAPPER",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Rustup,
    Debian,
}

impl Route {
    pub fn name(self) -> &'static str {
        match self {
            Route::Rustup => "rustup",
            Route::Debian => "debian",
        }
    }
}

/// What [`choose_route`] decided.
pub struct Choice {
    pub route: Route,
    /// A few words on why.
    pub why: String,
    /// Whether rustup just added the target.
    pub added: bool,
}

fn choice(route: Route, why: impl Into<String>, added: bool) -> Result<Choice> {
    Ok(Choice { route, why: why.into(), added })
}

/// The chosen route with everything a wasm command needs.
#[derive(Clone, Debug)]
pub struct Wasm {
    pub route: Route,
    /// `CARGO_TARGET_DIR` for every wasm command.
    pub target_dir: PathBuf,
    /// `PATH` for every wasm command.
    path: OsString,
}

impl Wasm {
    pub fn new(sh: &Shell, route: Route) -> Wasm {
        let root = sh.current_dir();
        // npm's tools first: trunk takes `wasm-opt` from PATH and must find
        // binaryen 132 there, not an older system one in /usr/bin.
        let mut path = root.join("node_modules/.bin").into_os_string();
        let dir = match route {
            Route::Rustup => "target/wasm",
            Route::Debian => {
                path.push(":/usr/bin");
                "target/wasm-debian"
            }
        };
        path.push(":");
        path.push(sh.var_os("PATH").unwrap_or_default());
        Wasm { route, target_dir: root.join(dir), path }
    }

    /// `program` with the wasm environment of this route.
    pub fn cmd<'a>(&self, sh: &'a Shell, program: &str) -> Cmd<'a> {
        let cmd = host(sh, program).env("PATH", &self.path).env("CARGO_TARGET_DIR", &self.target_dir);
        match self.route {
            Route::Rustup => cmd,
            Route::Debian => HOST_TOOLCHAIN_VARS
                .iter()
                .fold(cmd, |cmd, var| cmd.env_remove(var))
                .env("RUSTC", "/usr/bin/rustc")
                .env("RUSTDOC", "/usr/bin/rustdoc")
                .env("RUSTC_BOOTSTRAP", "1")
                // `-Zbuild-std`; cargo adds `test` itself when building tests.
                .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-19"),
        }
    }

    /// Downloads every crate the wasm build needs: trunk runs cargo with
    /// `--offline`, which cannot. A no-op when all are cached.
    pub fn fetch(&self, sh: &Shell) -> Result<()> {
        self.cmd(sh, "cargo").args(["fetch", "--target", TARGET]).run().context("cargo fetch")
    }

    /// `PATH` as wasm commands see it (to find trunk, wasm-bindgen...).
    pub fn path(&self) -> &std::ffi::OsStr {
        &self.path
    }
}

/// `program` for the host, without the variables `cargo run` set for xtask.
pub fn host<'a>(sh: &'a Shell, program: &str) -> Cmd<'a> {
    CARGO_RUN_VARS.iter().fold(sh.cmd(program), |cmd, var| cmd.env_remove(var))
}

/// Picks the route: `ZHIBU_WASM_ROUTE` if set; rustup if the target is
/// installed or `rustup target add` succeeds within a minute; else Debian.
/// A timed-out attempt is remembered in `target/xtask/wasm-route` so later
/// runs do not wait again (delete the file to retry).
pub fn choose_route(sh: &Shell) -> Result<Choice> {
    let forced = std::env::var("ZHIBU_WASM_ROUTE").ok().filter(|v| !v.is_empty());
    let rustup = proc::probe(host(sh, "rustup").arg("--version")).is_some();

    match forced.as_deref() {
        Some("debian") => return choice(Route::Debian, "ZHIBU_WASM_ROUTE=debian", false),
        Some("rustup") if !rustup => bail!("ZHIBU_WASM_ROUTE=rustup but rustup is not on PATH"),
        Some("rustup") if rustup_has_target(sh) => {
            return choice(Route::Rustup, "ZHIBU_WASM_ROUTE=rustup", false);
        }
        Some("rustup") => {
            return match rustup_add_target(sh)? {
                Ok(took) => choice(
                    Route::Rustup,
                    format!("ZHIBU_WASM_ROUTE=rustup; target added in {}", proc::secs(took)),
                    true,
                ),
                Err(why) => bail!("ZHIBU_WASM_ROUTE=rustup but `rustup target add {TARGET}` {why}"),
            };
        }
        Some(other) => bail!("ZHIBU_WASM_ROUTE must be `rustup` or `debian`, not `{other}`"),
        None => {}
    }

    if !rustup {
        return choice(Route::Debian, "no rustup on PATH", false);
    }
    if rustup_has_target(sh) {
        return choice(Route::Rustup, "target installed", false);
    }
    let stamp = route_stamp(sh);
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == "debian") {
        let why = format!("rustup could not add the target earlier; delete {} to retry", stamp.display());
        return choice(Route::Debian, why, false);
    }
    match rustup_add_target(sh)? {
        Ok(took) => choice(Route::Rustup, format!("target added in {}", proc::secs(took)), true),
        Err(why) => {
            std::fs::create_dir_all(stamp.parent().expect("stamp has a parent"))?;
            std::fs::write(&stamp, "debian\n")?;
            choice(Route::Debian, format!("`rustup target add` {why}"), false)
        }
    }
}

fn rustup_has_target(sh: &Shell) -> bool {
    proc::probe(host(sh, "rustup").args(["target", "list", "--installed"]))
        .is_some_and(|list| list.lines().any(|l| l.trim() == TARGET))
}

/// `Ok(Ok(took))` if the target was added, `Ok(Err(why))` if not.
fn rustup_add_target(sh: &Shell) -> Result<Result<Duration, String>> {
    eprintln!("setup: trying `rustup target add {TARGET}` (time-out {}s)", RUSTUP_TIMEOUT.as_secs());
    let start = Instant::now();
    let cmd = cmd!(sh, "rustup target add {TARGET}");
    let status = proc::run_with_timeout(cmd.into(), RUSTUP_TIMEOUT)?;
    Ok(match status {
        Some(s) if s.success() => Ok(start.elapsed()),
        Some(s) => Err(format!("failed ({s})")),
        None => Err(format!("timed out after {}s", RUSTUP_TIMEOUT.as_secs())),
    })
}

/// Whether the release bundle can build std itself with
/// `-Cpanic=immediate-abort` (no panic messages or unwinding tables: the
/// first screen's wasm ≈ 35 KB gzip smaller). Only on the rustup route,
/// which then needs its `rust-src` component (added here, within the same
/// time-out as the target); `Err(why)` means a plain build.
pub fn immediate_abort(sh: &Shell, route: Route) -> Result<(), String> {
    if route != Route::Rustup {
        return Err("the Debian route's rustc predates -Cpanic=immediate-abort".into());
    }
    let installed = proc::probe(host(sh, "rustup").args(["component", "list", "--installed"]))
        .is_some_and(|list| list.lines().any(|l| l.trim().starts_with("rust-src")));
    if installed {
        return Ok(());
    }
    eprintln!("setup: trying `rustup component add rust-src` (time-out {}s)", RUSTUP_TIMEOUT.as_secs());
    let status = proc::run_with_timeout(cmd!(sh, "rustup component add rust-src").into(), RUSTUP_TIMEOUT)
        .map_err(|e| e.to_string())?;
    match status {
        Some(s) if s.success() => Ok(()),
        Some(s) => Err(format!("`rustup component add rust-src` failed ({s})")),
        None => Err(format!("`rustup component add rust-src` timed out after {}s", RUSTUP_TIMEOUT.as_secs())),
    }
}

fn route_stamp(sh: &Shell) -> PathBuf {
    sh.current_dir().join("target/xtask/wasm-route")
}

/// The Debian packages of [`DEBIAN_PACKAGES`] that are not installed.
pub fn missing_debian_packages(sh: &Shell) -> Vec<&'static str> {
    missing_packages(sh, DEBIAN_PACKAGES)
}

/// Those of `packages` that dpkg does not list as installed.
pub fn missing_packages(sh: &Shell, packages: &[&'static str]) -> Vec<&'static str> {
    let out = host(sh, "dpkg-query")
        .args(["-W", "-f=${Package} ${db:Status-Abbrev}\n"])
        .args(packages)
        .quiet()
        .ignore_status()
        .ignore_stderr()
        .read()
        .unwrap_or_default();
    packages
        .iter()
        .copied()
        .filter(|pkg| {
            !out.lines().any(|line| {
                let mut words = line.split_whitespace();
                words.next() == Some(pkg) && words.next() == Some("ii")
            })
        })
        .collect()
}

/// The `wasm-bindgen` version pinned in `Cargo.lock` (the CLI must equal it).
pub fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = root.join("Cargo.lock");
    let text = std::fs::read_to_string(&lock)
        .with_context(|| format!("reading {} (cargo creates it on any build)", lock.display()))?;
    locked_version(&text, "wasm-bindgen").with_context(|| format!("no `wasm-bindgen` package in {}", lock.display()))
}

/// The version of package `name` in a Cargo.lock's text.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line == wanted {
            let version = lines.next()?.strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-backend"
version = "0.2.129"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn locked_version_reads_the_exact_package() {
        let check = |name: &str, expected: Option<&str>| {
            assert_eq!(locked_version(LOCK, name).as_deref(), expected, "{name}");
        };
        check("wasm-bindgen", Some("0.2.130"));
        check("wasm-bindgen-backend", Some("0.2.129"));
        check("wasm", None);
    }

    #[test]
    fn the_workspace_lock_pins_wasm_bindgen() {
        let version = locked_wasm_bindgen(&crate::project_root()).unwrap();
        assert!(version.starts_with("0.2."), "{version}");
    }
}
