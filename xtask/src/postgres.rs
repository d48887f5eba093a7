//! PostgreSQL for the server's tests: a private cluster under `target/pg`
//! that listens on 127.0.0.1 only (no Unix socket) with trust
//! authentication, and a database `zhibu_test` made anew at every start.
//! The tests find it through [`URL_VAR`].
//!
//! - Binaries: `pg_config --bindir`, else the newest
//!   `/usr/lib/postgresql/*/bin`, else `initdb` on `PATH`. When there are
//!   none, Debian's `postgresql` is installed (with the rest of `cargo xtask
//!   setup`'s apt packages, or here for `cargo xtask postgres`).
//! - initdb and postgres refuse to run as root, so as root they run as the
//!   `postgres` system user (`runuser`; the user is created if missing),
//!   which owns the cluster's directory. When that user cannot reach
//!   `target/` (a work tree under a private home), the cluster lives in
//!   `$TMPDIR/zhibu-pg-<hash of the work tree>` instead.
//! - The port is 55432 unless that is taken, then any free one; it is kept
//!   in the cluster's configuration and in `<cluster>/port`.
//! - [`start`] reuses a running cluster (after an interrupted run, or one
//!   started by `cargo xtask postgres`); `cargo xtask test` stops the
//!   cluster afterwards only if it started it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xshell::Shell;

use crate::proc;
use crate::setup;

/// The variable that gives the tests the database's URL.
pub const URL_VAR: &str = "ZHIBU_TEST_PG_URL";
/// The Debian package that provides the server.
pub const DEBIAN_PACKAGE: &str = "postgresql";
const PREFERRED_PORT: u16 = 55432;
const DATABASE: &str = "zhibu_test";
/// The system user that runs the cluster when we are root.
const USER: &str = "postgres";

/// A running cluster.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// `postgres://postgres@127.0.0.1:<port>/zhibu_test`
    pub url: String,
    /// Whether [`start`] started it (else it was running already).
    pub started: bool,
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`, if installed.
pub fn bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|b| dir.join(b).is_file());
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    if let Some(dir) = from_pg_config.filter(|d| has_server(d)) {
        return Some(dir);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((major, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Some(dir);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let initdb = proc::which("initdb", &path)?;
    // Debian links /usr/local/bin/initdb to the versioned directory.
    let initdb = std::fs::canonicalize(&initdb).unwrap_or(initdb);
    initdb.parent().map(Path::to_path_buf).filter(|d| has_server(d))
}

/// What apt must install for [`start`] to work (for `cargo xtask setup`).
pub fn missing_packages() -> Vec<&'static str> {
    if bindir().is_none() { vec![DEBIAN_PACKAGE] } else { Vec::new() }
}

/// Starts the cluster (installing and initialising it if needed) and
/// makes `zhibu_test` afresh.
pub fn start(sh: &Shell) -> Result<Cluster> {
    let bin = match bindir() {
        Some(bin) => bin,
        None => {
            println!("postgres: no PostgreSQL server binaries; installing Debian's `{DEBIAN_PACKAGE}`");
            setup::apt_install(sh, &[DEBIAN_PACKAGE])?;
            bindir().context("installed `postgresql`, but found no initdb/pg_ctl/postgres")?
        }
    };
    let dir = cluster_dir(&sh.current_dir())?;
    let data = dir.join("data");
    let major = server_major(&bin)?;
    match std::fs::read_to_string(data.join("PG_VERSION")) {
        Ok(version) if version.trim() == major => {}
        Ok(version) => {
            println!("postgres: {} holds a PostgreSQL {} cluster; making a {major} one", dir.display(), version.trim());
            let _ = pg(&bin, &dir, "pg_ctl").args(["stop", "-m", "immediate", "-D"]).arg(&data).status();
            std::fs::remove_dir_all(&data).with_context(|| format!("removing {}", data.display()))?;
        }
        Err(_) => {}
    }
    if !data.join("PG_VERSION").exists() {
        init(&bin, &dir, &data)?;
    }

    let mut port = read_port(&dir)?;
    let mut started = false;
    if !running(&bin, &dir, &data, port)? {
        if !port_free(port) {
            port = free_port();
            set_port(&dir, &data, port)?;
        }
        let log = dir.join("log");
        let status = pg(&bin, &dir, "pg_ctl")
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .status()
            .context("starting pg_ctl")?;
        if !status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!("PostgreSQL did not start ({status}); end of its log:\n{}", tail.join("\n"));
        }
        started = true;
    }
    let cluster = Cluster { url: format!("postgres://{USER}@127.0.0.1:{port}/{DATABASE}"), bin, dir, started };
    cluster.fresh_database(port)?;
    let how = if started { "started" } else { "already running" };
    println!("postgres: {how} at {} (cluster in {})", cluster.url, cluster.dir.display());
    Ok(cluster)
}

impl Cluster {
    /// Stops the cluster if [`start`] started it.
    pub fn stop_if_started(&self) -> Result<()> {
        if self.started { stop_dir(&self.bin, &self.dir) } else { Ok(()) }
    }

    /// Drops `zhibu_test` and any database a test left (`zhibu_t_*`), then
    /// creates `zhibu_test` empty.
    fn fresh_database(&self, port: u16) -> Result<()> {
        let script = format!(
            "SET client_min_messages = warning;\n\
             DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE);\n\
             SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database \
             WHERE datname LIKE 'zhibu\\_t\\_%' \\gexec\n\
             CREATE DATABASE {DATABASE};\n"
        );
        let psql = [self.bin.join("psql"), PathBuf::from("psql")]
            .into_iter()
            .find(|p| p.is_file())
            .unwrap_or_else(|| "psql".into());
        let mut child = Command::new(psql)
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", USER, "-d", "postgres", "-p"])
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .spawn()
            .context("starting psql")?;
        use std::io::Write;
        child.stdin.take().expect("piped stdin").write_all(script.as_bytes())?;
        let status = child.wait()?;
        if !status.success() {
            bail!("psql could not make database {DATABASE} ({status})");
        }
        Ok(())
    }
}

/// `cargo xtask postgres [start|stop]`: start the test cluster and print the
/// variable the server's tests read, or stop it.
pub fn command(sh: &Shell, args: &[String]) -> Result<ExitCode> {
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["start"] => {
            let cluster = start(sh)?;
            println!("\nexport {URL_VAR}={}", cluster.url);
            println!("(then `cargo test -p zhibu-server`; `cargo xtask postgres stop` stops it)");
        }
        ["stop"] => {
            let bin = bindir().context("PostgreSQL is not installed")?;
            let dir = cluster_dir(&sh.current_dir())?;
            let port = read_port(&dir).unwrap_or(PREFERRED_PORT);
            if dir.join("data/PG_VERSION").exists() && running(&bin, &dir, &dir.join("data"), port)? {
                stop_dir(&bin, &dir)?;
                println!("postgres: stopped");
            } else {
                println!("postgres: not running");
            }
        }
        other => bail!("usage: cargo xtask postgres [start|stop] (got {other:?})"),
    }
    Ok(ExitCode::SUCCESS)
}

fn stop_dir(bin: &Path, dir: &Path) -> Result<()> {
    let status = pg(bin, dir, "pg_ctl")
        .args(["stop", "-m", "fast", "-w", "-t", "60", "-D"])
        .arg(dir.join("data"))
        .stdout(Stdio::null())
        .status()
        .context("pg_ctl stop")?;
    if !status.success() {
        bail!("pg_ctl stop failed ({status})");
    }
    Ok(())
}

/// `target/pg`, or a directory in `$TMPDIR` when the `postgres` user cannot
/// reach `target/`; created, and owned by that user when we are root.
fn cluster_dir(root: &Path) -> Result<PathBuf> {
    let preferred = root.join("target").join("pg");
    if !proc::is_root() {
        std::fs::create_dir_all(&preferred).with_context(|| format!("creating {}", preferred.display()))?;
        return Ok(preferred);
    }
    ensure_user()?;
    let dir = if reachable_by_user(&preferred) {
        preferred
    } else {
        use std::hash::{Hash, Hasher};
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        root.hash(&mut hash);
        std::env::temp_dir().join(format!("zhibu-pg-{:016x}", hash.finish()))
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let status = Command::new("chown").args(["-R", &format!("{USER}:")]).arg(&dir).status().context("chown")?;
    if !status.success() {
        bail!("chown -R {USER}: {} failed", dir.display());
    }
    Ok(dir)
}

/// Whether the `postgres` user may enter every directory above `dir`.
fn reachable_by_user(dir: &Path) -> bool {
    let Some(parent) = dir.ancestors().skip(1).find(|a| a.exists()) else { return false };
    Command::new("runuser")
        .args(["-u", USER, "--", "test", "-x"])
        .arg(parent)
        .current_dir("/")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Creates the `postgres` system user when it does not exist.
fn ensure_user() -> Result<()> {
    let exists = Command::new("getent").args(["passwd", USER]).stdout(Stdio::null()).status()?.success();
    if exists {
        return Ok(());
    }
    println!("postgres: creating the `{USER}` system user");
    let status = Command::new("useradd")
        .args(["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent"])
        .args(["--shell", "/usr/sbin/nologin", USER])
        .status()
        .context("useradd")?;
    if !status.success() {
        bail!("useradd {USER} failed ({status})");
    }
    Ok(())
}

/// A PostgreSQL program, run as the `postgres` user when we are root, from
/// the cluster's directory (our own may not be reachable by that user).
fn pg(bin: &Path, dir: &Path, program: &str) -> Command {
    let mut cmd = if proc::is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", USER, "--"]).arg(bin.join(program));
        cmd
    } else {
        Command::new(bin.join(program))
    };
    cmd.current_dir(dir).env_remove("PGDATA").env_remove("PGPORT").env_remove("PGHOST");
    cmd
}

/// `15` from `pg_ctl (PostgreSQL) 15.18 (Debian …)`.
fn server_major(bin: &Path) -> Result<String> {
    let out = Command::new(bin.join("pg_ctl")).arg("--version").output().context("pg_ctl --version")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().nth(2).with_context(|| format!("unexpected `pg_ctl --version`: {text}"))?;
    Ok(version.split('.').next().unwrap_or(version).to_string())
}

/// initdb, then our settings appended to `postgresql.conf`.
fn init(bin: &Path, dir: &Path, data: &Path) -> Result<()> {
    let start = Instant::now();
    let status = pg(bin, dir, "initdb")
        .args(["-U", USER, "--auth=trust", "--encoding=UTF8", "--no-locale", "-D"])
        .arg(data)
        .stdout(Stdio::null())
        .status()
        .context("starting initdb")?;
    if !status.success() {
        bail!("initdb failed ({status})");
    }
    let port = if port_free(PREFERRED_PORT) { PREFERRED_PORT } else { free_port() };
    let settings = "\n# cargo xtask (xtask/src/postgres.rs): loopback only, no Unix socket.\n\
                    listen_addresses = '127.0.0.1'\n\
                    unix_socket_directories = ''\n\
                    max_connections = 200\n\
                    shared_buffers = 32MB\n";
    append(&data.join("postgresql.conf"), settings)?;
    set_port(dir, data, port)?;
    println!("postgres: initialised a cluster in {} ({})", data.display(), proc::secs(start.elapsed()));
    Ok(())
}

fn set_port(dir: &Path, data: &Path, port: u16) -> Result<()> {
    append(&data.join("postgresql.conf"), &format!("port = {port}\n"))?;
    let file = dir.join("port");
    std::fs::write(&file, format!("{port}\n")).with_context(|| format!("writing {}", file.display()))
}

fn read_port(dir: &Path) -> Result<u16> {
    let file = dir.join("port");
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    text.trim().parse().with_context(|| format!("{} does not hold a port", file.display()))
}

fn append(file: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut f =
        std::fs::OpenOptions::new().append(true).open(file).with_context(|| format!("opening {}", file.display()))?;
    f.write_all(text.as_bytes()).with_context(|| format!("writing {}", file.display()))
}

/// Whether our cluster runs and answers. A `postmaster.pid` whose server
/// does not answer within 10 s (its process was killed and the number
/// reused) is removed so that the cluster can start.
fn running(bin: &Path, dir: &Path, data: &Path, port: u16) -> Result<bool> {
    let status = pg(bin, dir, "pg_ctl").args(["status", "-D"]).arg(data).stdout(Stdio::null()).status()?;
    if !status.success() {
        return Ok(false);
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    println!("postgres: a postmaster.pid names a server that does not answer; removing it");
    let pid = data.join("postmaster.pid");
    std::fs::remove_file(&pid).with_context(|| format!("removing {}", pid.display()))?;
    Ok(false)
}

fn port_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).map_or(PREFERRED_PORT, |a| a.port())
}
