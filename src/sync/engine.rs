//! When to sync, and the run: push the outboxes → pull → closed boxes.
//!
//! A run holds the `zhibu-sync` Web Lock, so one tab syncs at a time; each
//! tab pushes its own outbox (and those of gone writers), and pulled events
//! go to the running tab's log, from which every other tab merges them.
//! Runs start at load (when connected), on `online`, ~2 s after a change
//! here, every minute while the page is visible (or has something to
//! push), and on request; a failure retries with growing delays. A 401
//! stops syncing until the user connects again: local data stays.

use super::api::Failure;
use super::{Connection, update_connection};
use crate::context::SessionSignal;
use crate::platform;
use crate::storage;
use leptos::prelude::*;
use std::time::Duration;
use zhibu_core::event::Payload;
use zhibu_core::ids::RoundId;
use zhibu_core::sync::BoxResponse;

/// Delay between a local change and the push it triggers.
const DEBOUNCE: Duration = Duration::from_secs(2);
/// Periodic sync while the page is visible.
const PERIOD: Duration = Duration::from_secs(60);
/// First retry after a failure; doubled each time up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);

/// What the engine is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the next run.
    Idle,
    /// A run is on: events pulled so far, of how many (0: unknown).
    Running {
        /// Events pushed and pulled so far.
        done: u64,
        /// All there are to move (0 while unknown).
        total: u64,
    },
    /// The last run failed.
    Failed(Failure),
}

/// What the header and the settings page show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The stored connection (`None`: not connected; nothing is shown).
    pub connection: Option<Connection>,
    /// Events (and marked boxes) waiting for the server, in every tab.
    pub pending: usize,
    /// The engine's phase.
    pub phase: Phase,
}

/// One sync run's work, as the sync chunk's entry returns it.
pub type RunFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Failure>>>>;

/// The tab's sync engine (a handle: copy it freely).
#[derive(Clone, Copy)]
pub struct Engine {
    /// The status, for the views.
    pub status: RwSignal<Status>,
    pub(super) session: SessionSignal,
    running: StoredValue<bool>,
    again: StoredValue<bool>,
    failures: StoredValue<u32>,
    timer: StoredValue<Option<TimeoutHandle>>,
}

/// The engine from context.
pub fn use_sync() -> Engine {
    expect_context::<Engine>()
}

fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Whether the browser believes it is offline.
pub fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

impl Engine {
    /// Makes the engine, provides it as context and starts its triggers.
    pub fn start(session: SessionSignal) -> Engine {
        let engine = Engine {
            status: RwSignal::new(Status { connection: None, pending: 0, phase: Phase::Idle }),
            session,
            running: StoredValue::new(false),
            again: StoredValue::new(false),
            failures: StoredValue::new(0),
            timer: StoredValue::new(None),
        };
        provide_context(engine);
        engine.refresh();
        let _ = window_event_listener(leptos::ev::online, move |_| engine.sync_now());
        let _ = set_interval_with_handle(
            move || {
                if visible() || session.with_untracked(|s| !s.outbox().is_empty()) {
                    engine.sync_now();
                }
            },
            PERIOD,
        );
        // A change recorded here: push it shortly (changes in a burst wait
        // for each other).
        Effect::new(move |previous: Option<usize>| {
            let waiting = session.with(|s| s.outbox().len());
            if previous.is_some_and(|p| waiting > p) {
                engine.later(DEBOUNCE);
            }
            engine.refresh();
            waiting
        });
        engine.sync_now();
        engine
    }

    /// Reads the stored connection and what waits, for the views.
    pub fn refresh(self) {
        let connection = Connection::load();
        let pending = match &connection {
            Some(c) => {
                let waiting: usize = storage::outboxes().iter().map(|(_, o)| o.len()).sum();
                waiting + if c.history { c.history_len } else { 0 }
            }
            None => 0,
        };
        self.status.update(|s| {
            s.connection = connection;
            s.pending = pending;
        });
    }

    /// Another tab stored, changed or forgot the connection.
    pub fn on_foreign_change(self) {
        let connected = storage::sync_text().is_some();
        self.session.update(|s| s.set_connected(connected));
        self.refresh();
    }

    /// A run in `delay` (replacing one already planned).
    pub fn later(self, delay: Duration) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || self.sync_now(), delay).ok();
        self.timer.set_value(handle);
    }

    /// A run now (or right after the current one).
    pub fn sync_now(self) {
        if self.running.get_value() {
            self.again.set_value(true);
            return;
        }
        match Connection::load() {
            Some(c) if !c.revoked => {}
            _ => return self.refresh(),
        }
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        self.running.set_value(true);
        self.phase(Phase::Running { done: 0, total: 0 });
        leptos::task::spawn_local(async move {
            let outcome = storage::locked("zhibu-sync", move || self.run()).await;
            self.running.set_value(false);
            if let Some((token, result)) = outcome {
                self.finish(&token, result);
            }
            if self.again.get_value() {
                self.again.set_value(false);
                self.sync_now();
            }
        });
    }

    pub(super) fn phase(self, phase: Phase) {
        self.status.update(|s| s.phase = phase);
    }

    fn finish(self, token: &str, result: Result<(), Failure>) {
        match result {
            Ok(()) => {
                self.failures.set_value(0);
                update_connection(token, |c| {
                    c.last_sync = Some(platform::now_ms());
                    c.last_error = None;
                });
                self.phase(Phase::Idle);
            }
            Err(failure) => {
                let revoked = failure.is_unauthorized();
                update_connection(token, |c| {
                    c.last_error = Some(failure.clone());
                    c.revoked |= revoked;
                });
                self.phase(Phase::Failed(failure));
                if !revoked {
                    let n = self.failures.get_value();
                    self.failures.set_value(n + 1);
                    let delay = FIRST_RETRY.saturating_mul(1 << n.min(6)).min(MAX_RETRY);
                    self.later(delay);
                }
            }
        }
        self.refresh();
    }

    /// One run under the lock: the token it ran with, and how it went.
    async fn run(self) -> (String, Result<(), Failure>) {
        let Some(connection) = Connection::load().filter(|c| !c.revoked) else { return (String::new(), Ok(())) };
        let token = connection.session.token.clone();
        // The run itself (push, pull, the history, the boxes) is a chunk of
        // its own (src/chunks.rs): a phone draws its first screen first.
        let result = match crate::chunks::sync_run().await {
            Ok(run) => run(self, connection).await,
            Err(_) => Err(Failure::Network("the sync part of the app could not be downloaded".into())),
        };
        (token, result)
    }

    /// [`Engine::run`]'s work, boxed for the chunk's entry.
    pub fn run_boxed(self, connection: Connection) -> RunFuture {
        Box::pin(self.run_with(connection))
    }

    /// A run now, awaited (after one in progress here or in another tab).
    pub async fn sync_and_wait(self) -> Result<(), Failure> {
        let outcome = storage::locked("zhibu-sync", move || self.run()).await;
        match outcome {
            Some((token, result)) => {
                self.finish(&token, result.clone());
                result
            }
            None => Ok(()),
        }
    }

    /// Before the organizer closes a round on this device: every ballot cast
    /// here reaches the server, then the server closes its box and hands it
    /// over, and it joins the local box, so the seal the close records
    /// covers every ballot any phone cast. `Ok` without a connection.
    pub async fn close_box(self, round: RoundId) -> Result<(), Failure> {
        let Some(connection) = Connection::load() else { return Ok(()) };
        if connection.revoked {
            let why = zhibu_core::sync::ApiError { error: "unauthorized".into(), message: String::new() };
            return Err(Failure::Status(401, why));
        }
        let token = connection.session.token.clone();
        self.sync_and_wait().await?;
        let waiting = self.session.with_untracked(|s| {
            let outbox = s.outbox();
            outbox.rounds.contains(&round)
                || outbox.events.values().any(|e| matches!(&e.payload, Payload::Voted { round: r, .. } if *r == round))
        });
        if waiting || storage::outboxes().iter().any(|(_, o)| o.rounds.contains(&round)) {
            return Err(Failure::Pending);
        }
        let found: BoxResponse = connection.server().post_empty(&format!("/api/rounds/{round}/box")).await?;
        self.take_box(&token, &round, &found);
        self.refresh();
        Ok(())
    }

    /// Stores a new connection (a login, a new branch or an accepted
    /// invitation) and starts the first sync, which pushes the history.
    pub fn connect(self, server: &str, session: zhibu_core::sync::Session) -> Result<(), storage::SaveError> {
        let mut connection = Connection::new(server, session);
        let principal = connection.principal();
        connection.history_len = self.session.with_untracked(|s| {
            let history = s.history();
            history.events.values().filter(|e| zhibu_core::sync::may_push(&principal, e).is_ok()).count()
        });
        connection.save()?;
        self.failures.set_value(0);
        self.session.update(|s| s.set_connected(true));
        self.refresh();
        self.sync_now();
        Ok(())
    }

    /// Forgets the connection on this device (records and other tabs'
    /// data stay; connecting again pushes the history again).
    pub fn disconnect(self) {
        storage::forget_sync();
        storage::clear_outboxes();
        self.session.update(|s| s.set_connected(false));
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        self.phase(Phase::Idle);
        self.refresh();
    }
}
