//! The sync server: one branch's phones and the organizer's laptop share
//! one set of records through it.
//!
//! A thin shell around `zhibu-core`: the core validates every event and
//! ballot it accepts (`document::check_event`, `sync::may_push`,
//! `rounds::may_vote`/`check_choices`); this crate adds accounts, tokens,
//! storage (`store`: SQLite or PostgreSQL) and HTTP (axum).
//!
//! Data flow of a push: `auth` finds the caller from its bearer token →
//! `push` parses each event on its own, checks it, folds it into the
//! branch's cached state (`branches`) and checks ballots against that state
//! → `store::Db::commit` stores events and boxes in one transaction if the
//! branch has not moved meanwhile (else catch up and check again).

pub mod accounts;
pub mod app;
pub mod auth;
pub mod ballots;
pub mod branches;
pub mod clock;
pub mod config;
pub mod error;
pub mod headers;
pub mod limits;
pub mod openapi;
pub mod push;
pub mod quota;
pub mod routes;
pub mod serve;
pub mod store;
pub mod visibility;
pub mod web;

pub use app::App;
pub use config::Config;
pub use routes::router;
