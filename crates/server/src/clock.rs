//! The server's time: the system's by default; a test hands the server a
//! [`ManualClock`] and moves it, so expiries and rate limits are tested
//! without sleeping. Everything that reads the time reads it here: token
//! and session expiry, invitations, last-seen, and the rate limiters.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use governor::nanos::Nanos;

/// Where the server reads the time (`Config::clock`).
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// The system's: wall time for expiries, monotonic time for the rate
    /// limiters (a wall clock stepped back must not block clients).
    #[default]
    System,
    /// Moved by hand: both readings come from its Unix milliseconds.
    Manual(ManualClock),
}

impl Clock {
    /// Now, Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => crate::auth::now_ms(),
            Clock::Manual(hand) => hand.now_ms(),
        }
    }
}

/// The rate limiters read the same clock.
impl governor::clock::Clock for Clock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        match self {
            Clock::System => {
                static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
                Nanos::from(START.get_or_init(Instant::now).elapsed())
            }
            // Milliseconds before the epoch read as 0 (only a test's hand goes there).
            Clock::Manual(hand) => Nanos::from(u64::try_from(hand.now_ms()).unwrap_or(0).saturating_mul(1_000_000)),
        }
    }
}

/// A clock that stands still until moved; clones share one time.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock at `ms` (Unix milliseconds).
    pub fn at(ms: i64) -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(ms)))
    }

    /// Now, as set.
    pub fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Moves it forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// The server's clock, reading this one.
    pub fn clock(&self) -> Clock {
        Clock::Manual(self.clone())
    }
}
