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
//! | PostgreSQL (tests) | see [`crate::postgres::bindir`]               | apt `postgresql`                                |
//! | host rustfmt, clippy | `cargo fmt/clippy --version` work             | `rustup component add rustfmt clippy`           |
//! | wasm-bindgen-cli  | `wasm-bindgen --version` = Cargo.lock's version | `cargo install wasm-bindgen-cli --version V`    |
//! | trunk (`dev` only) | `trunk --version` = [`TRUNK_VERSION`]         | `cargo install trunk --version V --locked`      |
//! | wasm-split-cli    | `cargo install --list` has its crate at 0.2.4  | `cargo install wasm_split_cli_support --features build-binary --locked` |
//! | npm packages      | `node_modules/.zhibu-lock` = `package-lock.json` | `npm ci`                                      |

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::postgres;
use crate::proc;
use crate::wasm::{self, Route, Wasm};

pub const TRUNK_VERSION: &str = "0.21.14";
/// The release bundle's splitter (`crate::bundle`). It has no `--version`:
/// `cargo install --list` tells its version.
const WASM_SPLIT: Tool<'static> = Tool {
    crate_name: "wasm_split_cli_support",
    binary: "wasm-split-cli",
    version: "0.2.4",
    locked: Locked::Always,
    features: &["build-binary"],
};
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Copy of the `package-lock.json` that `node_modules` was installed from.
const NPM_STAMP: &str = "node_modules/.zhibu-lock";

/// What a command needs set up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Building, testing and serving the release bundle (`run`, `test`,
    /// `bench`): no trunk, which only `trunk serve` uses. Trunk is the
    /// longest install (≈ 7 min on 2 cores), so a first `cargo xtask run`
    /// skips it.
    Release,
    /// `dev` and `setup`: everything, trunk included.
    Everything,
}

/// Installs what is missing; returns the wasm route every later step uses.
pub fn setup(sh: &Shell, needs: Needs) -> Result<Wasm> {
    let mut report = Report::new();
    let root = sh.current_dir();
    let bindgen_version = wasm::locked_wasm_bindgen(&root)?;

    // 1. The wasm32 toolchain route (may try rustup for up to a minute, once).
    let choice = wasm::choose_route(sh)?;
    let wasm = Wasm::new(sh, choice.route);
    let route = format!("{} route ({})", choice.route.name(), choice.why);
    report.item("wasm32 toolchain", choice.added, &route);

    // 2. Everything apt provides, in one install.
    let mut apt: Vec<&'static str> = Vec::new();
    if choice.route == Route::Debian {
        apt.extend(wasm::missing_debian_packages(sh));
    }
    let debian_wasm_missing = !apt.is_empty();
    let chromium_missing = !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists());
    if chromium_missing {
        apt.extend(["chromium", "chromium-driver"]);
    }
    let path = sh.var_os("PATH").unwrap_or_default();
    let node_missing = proc::which("node", &path).is_none() || proc::which("npm", &path).is_none();
    if node_missing {
        apt.extend(["nodejs", "npm"]);
    }
    let postgres_missing = postgres::missing_packages();
    apt.extend(&postgres_missing);
    if !apt.is_empty() {
        let took = apt_install(sh, &apt)?;
        report.item("apt-get install", true, &format!("{} ({took})", apt.join(" ")));
    }
    if choice.route == Route::Debian {
        if debian_wasm_missing {
            let still = wasm::missing_debian_packages(sh);
            if !still.is_empty() {
                bail!("still missing after apt-get install: {}", still.join(" "));
            }
        }
        let packages = wasm::DEBIAN_PACKAGES.join(" ");
        report.item("debian wasm packages", debian_wasm_missing, &packages);
    }
    let chromium = format!("{CHROMIUM}, {CHROMEDRIVER}");
    report.item("chromium", chromium_missing, &chromium);
    let node = proc::probe(wasm::host(sh, "node").arg("--version")).unwrap_or_default();
    let npm = proc::probe(wasm::host(sh, "npm").arg("--version")).unwrap_or_default();
    report.item("node, npm", node_missing, &format!("node {node}, npm {npm}"));
    let pg_bin = postgres::bindir().context("PostgreSQL is still missing after apt-get install")?;
    report.item("postgresql", !postgres_missing.is_empty(), &pg_bin.display().to_string());

    // 3. Rust tools: the host's rustfmt and clippy, then the pinned ones.
    host_components(sh, &mut report)?;
    // Not `--locked`: 0.2.130's own lockfile names a webpki-roots that the
    // registry here does not serve, so a locked install always fails first.
    let bindgen = Tool {
        crate_name: "wasm-bindgen-cli",
        binary: "wasm-bindgen",
        version: &bindgen_version,
        locked: Locked::Never,
        features: &[],
    };
    cargo_tool(sh, &wasm, &bindgen, &mut report)?;
    if proc::which("wasm-bindgen-test-runner", wasm.path()).is_none() {
        bail!("wasm-bindgen-cli is installed but `wasm-bindgen-test-runner` is not on PATH");
    }
    cargo_tool(sh, &wasm, &WASM_SPLIT, &mut report)?;
    if needs == Needs::Everything {
        let trunk = Tool {
            crate_name: "trunk",
            binary: "trunk",
            version: TRUNK_VERSION,
            locked: Locked::Always,
            features: &[],
        };
        cargo_tool(sh, &wasm, &trunk, &mut report)?;
    }

    // 4. npm packages, from the committed lockfile.
    npm_packages(sh, &root, &mut report)?;

    report.finish();
    Ok(wasm)
}

/// One line per item, then the total.
struct Report {
    start: Instant,
    installed: usize,
}

impl Report {
    fn new() -> Report {
        Report { start: Instant::now(), installed: 0 }
    }

    fn item(&mut self, what: &str, installed: bool, detail: &str) {
        let status = if installed { "installed" } else { "present" };
        self.installed += usize::from(installed);
        println!("setup: {what:<22} {status:<9} {detail}");
    }

    fn finish(self) {
        let took = proc::secs(self.start.elapsed());
        match self.installed {
            0 => println!("setup: nothing to install ({took})"),
            n => println!("setup: installed {n} item(s) in {took}"),
        }
    }
}

/// `apt-get update` once, then one `apt-get install`; without root, the
/// command to run instead.
pub fn apt_install(sh: &Shell, packages: &[&str]) -> Result<String> {
    let list = packages.join(" ");
    if !proc::is_root() {
        bail!(
            "missing system packages; run this, then run the command again:\n\n    \
             sudo apt-get update && sudo apt-get install -y {list}\n"
        );
    }
    let start = Instant::now();
    wasm::host(sh, "apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive").run().context("apt-get update")?;
    wasm::host(sh, "apt-get")
        .args(["install", "-y"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
        .with_context(|| format!("apt-get install -y {list}"))?;
    Ok(proc::secs(start.elapsed()))
}

/// `cargo fmt` and `cargo clippy` for the host toolchain (rustup's default
/// profile has them; a minimal one does not).
fn host_components(sh: &Shell, report: &mut Report) -> Result<()> {
    let fmt = proc::probe(wasm::host(sh, "cargo").args(["fmt", "--version"]));
    let clippy = proc::probe(wasm::host(sh, "cargo").args(["clippy", "--version"]));
    if fmt.is_none() || clippy.is_none() {
        let rustup = proc::probe(wasm::host(sh, "rustup").arg("--version")).is_some();
        if !rustup {
            bail!("the host toolchain lacks rustfmt or clippy; install them with it");
        }
        wasm::host(sh, "rustup")
            .args(["component", "add", "rustfmt", "clippy"])
            .run()
            .context("rustup component add rustfmt clippy")?;
        report.item("host rustfmt, clippy", true, "rustup component add");
    } else {
        report.item("host rustfmt, clippy", false, &clippy.unwrap_or_default());
    }
    Ok(())
}

/// Whether `cargo install` uses the crate's own lockfile.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Locked {
    Always,
    /// Resolved afresh: the crate's lockfile cannot be used here.
    Never,
}

/// A tool that `cargo install` provides, at a pinned version.
struct Tool<'a> {
    crate_name: &'a str,
    binary: &'a str,
    version: &'a str,
    locked: Locked,
    /// `cargo install --features`; such a tool is found by
    /// `cargo install --list` (it may have no `--version`).
    features: &'a [&'a str],
}

/// Ensures `binary --version` reports the version (as the wasm commands would
/// find it on `PATH`), else `cargo install crate --version V`.
fn cargo_tool(sh: &Shell, wasm: &Wasm, tool: &Tool<'_>, report: &mut Report) -> Result<()> {
    let Tool { crate_name, binary, version, locked, features } = *tool;
    let found = || {
        if features.is_empty() {
            return proc::probe(wasm.cmd(sh, binary).arg("--version"));
        }
        // `crate vX.Y.Z:` then its binaries, indented; the binary must be on PATH too.
        proc::which(binary, wasm.path())?;
        let list = proc::probe(wasm::host(sh, "cargo").args(["install", "--list"]))?;
        let line = list.lines().find(|l| l.starts_with(&format!("{crate_name} v")))?;
        Some(line.trim_end_matches(':').replacen(" v", " ", 1))
    };
    let matches = |out: &Option<String>| out.as_deref().is_some_and(|v| v.split_whitespace().nth(1) == Some(version));
    let before = found();
    if matches(&before) {
        report.item(crate_name, false, version);
        return Ok(());
    }
    let start = Instant::now();
    let install = |with_lock: bool| {
        let mut cmd = wasm::host(sh, "cargo").args(["install", crate_name, "--version", version]);
        if !features.is_empty() {
            cmd = cmd.arg("--features").arg(features.join(","));
        }
        if with_lock { cmd.arg("--locked") } else { cmd }.run()
    };
    install(locked == Locked::Always).with_context(|| format!("installing {crate_name} {version}"))?;
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
    let took = proc::secs(start.elapsed());
    report.item(crate_name, true, &format!("{version} ({was}; {took})"));
    Ok(())
}

/// `npm ci` unless `node_modules` was installed from this very lockfile.
fn npm_packages(sh: &Shell, root: &Path, report: &mut Report) -> Result<()> {
    let lock = std::fs::read(root.join("package-lock.json")).context("reading package-lock.json")?;
    let stamp = root.join(NPM_STAMP);
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) {
        report.item("npm packages", false, "node_modules matches package-lock.json");
        return Ok(());
    }
    let start = Instant::now();
    wasm::host(sh, "npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .run()
        .context("npm ci")?;
    std::fs::write(&stamp, &lock).with_context(|| format!("writing {}", stamp.display()))?;
    let took = proc::secs(start.elapsed());
    report.item("npm packages", true, &format!("npm ci ({took})"));
    Ok(())
}
