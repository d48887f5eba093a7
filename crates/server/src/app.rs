//! What every request shares: the database, each branch's fold as this
//! instance last read it, the rate limiters and the configuration.

use std::sync::Arc;

use crate::branches::Branches;
use crate::config::Config;
use crate::limits::Limits;
use crate::store::Db;

/// Shared by every request.
#[derive(Clone)]
pub struct App(Arc<Inner>);

/// What [`App`] holds.
pub struct Inner {
    /// The database.
    pub db: Db,
    /// Branches as this instance last folded them.
    pub branches: Branches,
    /// Rate limiters.
    pub limits: Limits,
    /// The configuration.
    pub config: Config,
}

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl App {
    /// The shared state over an open database.
    pub fn new(db: Db, config: Config) -> App {
        App(Arc::new(Inner { db, branches: Branches::default(), limits: Limits::new(&config), config }))
    }

    /// Now, Unix milliseconds, by the configured clock.
    pub fn now(&self) -> i64 {
        self.config.clock.now_ms()
    }
}
