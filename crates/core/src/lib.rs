//! Zhibu's domain: the branch's records as events, their merge, and the
//! roster's rules and file formats.
//!
//! This crate knows nothing of the browser, the network or the disk: no
//! leptos, web-sys, wasm-bindgen or I/O. Time and randomness come in as
//! arguments. The app and the sync server are thin shells around it, and it
//! is tested natively.
//!
//! Data flow: the shell runs a command from [`commands`] (every change a
//! user can make, with its rules) and records the events it returns with
//! [`records::Records::record_change`]; [`state::State`] is the fold of all events
//! and is a join-semilattice, so merging devices is order-free;
//! [`document`] is the versioned JSON that is stored, exported and imported;
//! [`snapshot`] is its compact form of a folded state.
#![deny(missing_docs)]

pub mod alerts;
pub mod appraisal;
pub mod attendance;
pub mod ballot;
pub mod bounds;
pub mod branch_identity;
pub mod checkin;
pub mod clock;
pub mod code_batches;
pub mod commands;
pub mod compliance;
pub mod content;
mod csv_lines;
pub mod date;
pub mod deeds;
pub mod document;
pub mod event;
pub mod fullwidth;
pub mod hanzi;
pub mod held;
pub mod hours;
pub mod ids;
pub mod import_rejects;
pub mod join;
pub mod ledger;
pub mod marking;
pub mod meetings;
pub mod outcome;
pub mod pinyin_table;
pub mod records;
pub mod roster;
pub mod roster_csv;
pub mod roster_order;
pub mod rounds;
pub mod search;
pub mod settings;
pub mod sheet;
pub mod snapshot;
pub mod state;
pub mod study;
pub mod sync;
pub mod table;
pub mod tally;
pub mod token;
pub mod training;
pub mod visibility;
pub mod xlsx;
pub mod zone;
