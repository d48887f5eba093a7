//! Sync between a device and the branch's sync server, the pure half: what
//! the app and the server both use, tested natively.
//!
//! - `wire` — the protocol's JSON bodies (push, pull, box, sessions,
//!   invitations, devices, errors) and limits.
//! - `push_rules` — who may push which event ([`may_push`]) and what of it
//!   leaves the device ([`without_phone`]).
//! - `reason` — why a push refused an event or a ballot ([`Reason`]: a
//!   stable code the app words).
//! - [`history`] — a device's registers unfolded into events, for its first
//!   push to a server.
//! - [`outbox`] — what waits to reach the server, cut into pushes, settled
//!   by the server's answers.
//!
//! Events travel as they are stored (`event::Event`). Ballots are not
//! events: they travel in a push beside the roll entry (`Voted`) they go
//! with, carry no voter, and come back only as a closed round's whole box.
//! The app's half (HTTP, where the outbox is stored, when to sync) is in
//! the app's `sync` and `storage` modules.

pub mod history;
pub mod outbox;
mod push_rules;
mod reason;
mod wire;

pub use push_rules::*;
pub use reason::{Reason, detail};
pub use wire::*;
