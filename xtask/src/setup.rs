//! `cargo xtask setup`: install whatever is missing, idempotently.
//!
//! Every check is a file test or a `--version` (plus one `dpkg-query` on the
//! Debian route), so a machine with everything installed is done in about a
//! second. apt runs at most once (`apt-get update` + one `apt-get install`);
//! without root, the exact command is printed and set-up stops.
//!
//! | item              | present when                                   | installed with                                  |
//! |-------------------|------------------------------------------------|-------------------------------------------------|
//! | wasm32 toolchain  | see [`crate::wasm::choose_route`]              | rustup, or apt ([`crate::wasm::DEBIAN_PACKAGES`]) |
//! | Chromium          | `/usr/bin/chromium`, `/usr/bin/chromedriver`    | apt `chromium chromium-driver`                  |
//! | node, npm         | both on `PATH`                                 | apt `nodejs npm`                                |
//! | wasm-bindgen-cli  | `wasm-bindgen --version` = Cargo.lock's version | `cargo install wasm-bindgen-cli --version V`    |
//! | trunk             | `trunk --version` = [`TRUNK_VERSION`]          | `cargo install trunk --version V --locked`      |
//! | npm packages      | `node_modules/.zhibu-lock` = `package-lock.json` | `npm ci`                                      |

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::proc;
use crate::wasm::{self, Route, Wasm};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Copy of the `package-lock.json` that `node_modules` was installed from.
const NPM_STAMP: &str = "node_modules/.zhibu-lock";

/// Installs what is missing; returns the wasm route every later step uses.
pub fn setup(sh: &Shell) -> Result<Wasm> {
    let start = Instant::now();
    let root = sh.current_dir();
    let bindgen_version = wasm::locked_wasm_bindgen(&root)?;

    // 1. The wasm32 toolchain route (may try rustup for up to a minute once).
    let (route, why) = wasm::choose_route(sh)?;
    let wasm = Wasm::new(sh, route);
    item(
        "wasm32 toolchain",
        &format!("{} route ({why})", route.name()),
    );

    // 2. Everything apt provides, in one install.
    let mut apt: Vec<&'static str> = Vec::new();
    if route == Route::Debian {
        apt.extend(wasm::missing_debian_packages(sh));
    }
    let chromium_present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !chromium_present {
        apt.extend(["chromium", "chromium-driver"]);
    }
    let path = sh.var_os("PATH").unwrap_or_default();
    let node_present = proc::which("node", &path).is_some() && proc::which("npm", &path).is_some();
    if !node_present {
        apt.extend(["nodejs", "npm"]);
    }
    if !apt.is_empty() {
        apt_install(sh, &apt)?;
    }
    if route == Route::Debian {
        let still = wasm::missing_debian_packages(sh);
        if !still.is_empty() {
            bail!("still missing after apt-get: {}", still.join(" "));
        }
        item(
            "debian wasm packages",
            &status(
                apt.contains(&"rustc-web") || apt.contains(&"rust-web-clippy"),
                &wasm::DEBIAN_PACKAGES.join(" "),
            ),
        );
    }
    item(
        "chromium",
        &status(!chromium_present, &format!("{CHROMIUM}, {CHROMEDRIVER}")),
    );
    let node = proc::probe(wasm::host(sh, "node").arg("--version")).unwrap_or_default();
    let npm = proc::probe(wasm::host(sh, "npm").arg("--version")).unwrap_or_default();
    item(
        "node, npm",
        &status(!node_present, &format!("node {node}, npm {npm}")),
    );

    // 3. Rust tools, at the versions the project pins.
    // `--locked` is tried first; 0.2.130's own lockfile names a webpki-roots
    // that the registry here does not serve, so it falls back to resolving.
    cargo_tool(
        sh,
        &wasm,
        "wasm-bindgen-cli",
        "wasm-bindgen",
        &bindgen_version,
        Locked::Prefer,
    )?;
    let runner = proc::which("wasm-bindgen-test-runner", wasm.path());
    if runner.is_none() {
        bail!("wasm-bindgen-cli is installed but `wasm-bindgen-test-runner` is not on PATH");
    }
    cargo_tool(sh, &wasm, "trunk", "trunk", TRUNK_VERSION, Locked::Always)?;

    // 4. npm packages, from the committed lockfile.
    npm_packages(sh, &root)?;

    item("total", &proc::secs(start.elapsed()));
    Ok(wasm)
}

fn item(what: &str, how: &str) {
    println!("setup: {what:<22} {how}");
}

fn status(installed: bool, what: &str) -> String {
    format!(
        "{} ({what})",
        if installed { "installed" } else { "present" }
    )
}

/// `apt-get update` once, then one `apt-get install`; without root, the
/// command to run instead.
fn apt_install(sh: &Shell, packages: &[&str]) -> Result<()> {
    let list = packages.join(" ");
    if !proc::is_root() {
        bail!(
            "missing system packages; run this, then run the command again:\n\n    \
             sudo apt-get update && sudo apt-get install -y {list}\n"
        );
    }
    let start = Instant::now();
    wasm::host(sh, "apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
        .context("apt-get update")?;
    wasm::host(sh, "apt-get")
        .args(["install", "-y"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
        .with_context(|| format!("apt-get install -y {list}"))?;
    item(
        "apt-get install",
        &format!("{list} ({})", proc::secs(start.elapsed())),
    );
    Ok(())
}

/// Whether `cargo install` uses the crate's own lockfile.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Locked {
    Always,
    /// `--locked`, and without it if that fails to resolve.
    Prefer,
}

/// Ensures `binary --version` reports `version` (as the wasm commands would
/// find it on `PATH`), else `cargo install crate_name --version version`.
fn cargo_tool(
    sh: &Shell,
    wasm: &Wasm,
    crate_name: &str,
    binary: &str,
    version: &str,
    locked: Locked,
) -> Result<()> {
    let found = || proc::probe(wasm.cmd(sh, binary).arg("--version"));
    let matches = |out: &Option<String>| {
        out.as_deref()
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(version))
    };
    let before = found();
    if matches(&before) {
        item(crate_name, &format!("present ({version})"));
        return Ok(());
    }
    let start = Instant::now();
    let install = |with_lock: bool| {
        let cmd = wasm::host(sh, "cargo").args(["install", crate_name, "--version", version]);
        if with_lock { cmd.arg("--locked") } else { cmd }.run()
    };
    if let Err(err) = install(true) {
        if locked == Locked::Always {
            return Err(err).with_context(|| format!("installing {crate_name} {version}"));
        }
        eprintln!(
            "setup: `cargo install --locked {crate_name}` failed ({err}); retrying without --locked"
        );
        install(false).with_context(|| format!("installing {crate_name} {version}"))?;
    }
    let after = found();
    if !matches(&after) {
        let at = proc::which(binary, wasm.path());
        bail!(
            "installed {crate_name} {version}, but `{binary} --version` says {:?} (found at {:?}); \
             is another {binary} earlier on PATH?",
            after.unwrap_or_default(),
            at
        );
    }
    let was = before.map_or("missing".to_string(), |b| format!("was {b}"));
    item(
        crate_name,
        &format!(
            "installed ({version}; {was}; {})",
            proc::secs(start.elapsed())
        ),
    );
    Ok(())
}

/// `npm ci` unless `node_modules` was installed from this very lockfile.
fn npm_packages(sh: &Shell, root: &Path) -> Result<()> {
    let lock =
        std::fs::read(root.join("package-lock.json")).context("reading package-lock.json")?;
    let stamp = root.join(NPM_STAMP);
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) {
        item(
            "npm packages",
            "present (node_modules matches package-lock.json)",
        );
        return Ok(());
    }
    let start = Instant::now();
    wasm::host(sh, "npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .run()
        .context("npm ci")?;
    std::fs::write(&stamp, &lock).with_context(|| format!("writing {}", stamp.display()))?;
    item(
        "npm packages",
        &format!("installed (npm ci, {})", proc::secs(start.elapsed())),
    );
    Ok(())
}
