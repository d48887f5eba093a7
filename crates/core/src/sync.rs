//! Sync between a device and the branch's sync server, the pure half: what
//! the app and the server both use, tested natively.
//!
//! - `wire` — the protocol's JSON bodies (push, pull, box, sessions,
//!   invitations, devices, errors) and limits.
//! - `push_rules` — who may push which event ([`may_push`]) and what of it
//!   leaves the device ([`without_phone`]).
//!
//! Events travel as they are stored (`event::Event`). Ballots are not
//! events: they travel in a push beside the roll entry (`Voted`) they go
//! with, carry no voter, and come back only as a closed round's whole box.
//! The app's half (HTTP, the outbox, when to sync) is in the app's `sync`
//! module.

mod push_rules;
mod wire;

pub use push_rules::*;
pub use wire::*;
