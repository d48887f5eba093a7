//! Configuration: flags, each with an environment variable (`--help`
//! lists both).

use crate::clock::Clock;
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// 支部 sync server: serves the app and keeps one set of records per branch
/// for its phones and the organizer's laptop.
#[derive(Clone, Debug, Parser)]
#[command(name = "zhibu-server", version, about, long_about = None)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ZHIBU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory of the embedded SQLite database (created if missing).
    /// Ignored when --database-url is given.
    #[arg(long, env = "ZHIBU_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user:pass@host:port/db). When set, the
    /// server uses PostgreSQL instead of SQLite; many instances may share it.
    #[arg(long, env = "ZHIBU_DATABASE_URL")]
    pub database_url: Option<String>,

    /// The built app to serve at / (trunk's dist directory). Without it
    /// only /api is served.
    #[arg(long, env = "ZHIBU_DIST")]
    pub dist: Option<PathBuf>,

    /// Largest request body, in bytes (larger: 413).
    #[arg(long, env = "ZHIBU_MAX_BODY", default_value_t = 4 * 1024 * 1024)]
    pub max_body: usize,

    /// Most storage one branch may use on this server, in MiB (its events
    /// and ballot boxes); a push past it is refused. 0: no quota.
    #[arg(long, env = "ZHIBU_BRANCH_QUOTA_MB", default_value_t = 64)]
    pub branch_quota_mb: u64,

    /// Requests per second allowed per token (burst: twice as many); 0: no limit.
    #[arg(long, env = "ZHIBU_RATE_TOKEN", default_value_t = 20)]
    pub rate_per_token: u32,

    /// Requests per second allowed per client address (burst: twice as
    /// many); 0: no limit.
    #[arg(long, env = "ZHIBU_RATE_ADDRESS", default_value_t = 50)]
    pub rate_per_address: u32,

    /// Password and invitation attempts per minute per client address
    /// (brute-force defence); 0: no limit.
    #[arg(long, env = "ZHIBU_RATE_LOGIN", default_value_t = 10)]
    pub rate_login: u32,

    /// Take the client's address from the last X-Forwarded-For entry, the
    /// one the reverse proxy appended (only behind a proxy that appends it;
    /// the entries before it are the client's own words).
    #[arg(long, env = "ZHIBU_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// Seconds a client has to send a request's headers (and to start the
    /// next one on a kept-alive connection); slower ones are disconnected.
    #[arg(long, env = "ZHIBU_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,

    /// Seconds a client has to send a request's whole body (slower: 408,
    /// and the connection is closed).
    #[arg(long, env = "ZHIBU_BODY_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,

    /// Days an organizer's login session lasts.
    #[arg(long, env = "ZHIBU_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,

    /// Days a member's device token lasts.
    #[arg(long, env = "ZHIBU_DEVICE_DAYS", default_value_t = 365)]
    pub device_days: u32,

    /// Hours an invitation can be redeemed.
    #[arg(long, env = "ZHIBU_INVITATION_HOURS", default_value_t = 72)]
    pub invitation_hours: u32,

    /// Whether anyone who can reach the server may create a branch
    /// (true/false). Default: on when --bind is a loopback address (the
    /// local server `cargo xtask run` starts), off otherwise: on a public
    /// server the admin turns it on while branches are being created.
    #[arg(long, env = "ZHIBU_OPEN_SIGNUP", action = clap::ArgAction::Set)]
    pub open_signup: Option<bool>,

    /// Log format.
    #[arg(long, env = "ZHIBU_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Where the server reads the time: not a flag (the system's; a test
    /// sets its own, `clock::ManualClock`).
    #[arg(skip)]
    pub clock: Clock,
}

/// How logs are written (the level comes from RUST_LOG, default info).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Config {
    /// The defaults, as if run with no flags (tests start from this).
    pub fn defaults() -> Config {
        Config::parse_from(["zhibu-server"])
    }

    /// The branch quota in bytes (0: none).
    pub fn branch_quota(&self) -> u64 {
        self.branch_quota_mb.saturating_mul(1 << 20)
    }

    /// Whether a caller without a session may create a branch: as set, else
    /// only on a loopback address (only this machine can reach it).
    pub fn signup_open(&self) -> bool {
        self.open_signup.unwrap_or_else(|| self.bind.ip().is_loopback())
    }
}
