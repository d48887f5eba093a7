//! Every change a user can make, one function each: from the branch's
//! state and an [`Act`] (who acts, when, with what randomness) to the
//! events to record, or the typed problem that refuses it. The app's
//! `Session` calls these and stores what they return; the domain tests
//! call the same functions, so a rule lives in exactly one place.
//!
//! A command never writes: it returns a [`Change`] (its events, not yet
//! stamped, plus what the screen needs back — a new id, the codes to
//! print, a receipt), and [`crate::records::Records::record_change`]
//! stamps and applies it.

pub mod appraisal;
pub mod attendance;
pub mod ballots;
pub mod meetings;
pub mod roster;
pub mod rounds;
pub mod training;

use crate::event::Payload;
use crate::ids::MemberId;

/// Who acts, when, and the randomness a command may draw on: everything a
/// command takes from outside the records.
pub struct Act<'a> {
    /// The member acting on their own phone; `None` on the organizer's
    /// device (its keeper is whom the sync server knows).
    pub by: Option<MemberId>,
    /// Wall-clock now, Unix milliseconds.
    pub now_ms: i64,
    random: &'a mut dyn FnMut() -> [u8; 16],
}

impl<'a> Act<'a> {
    /// An act at `now_ms` by `by`, drawing ids and codes from `random`
    /// (a CSPRNG in the app: ballot codes and slots come from it).
    pub fn new(by: Option<MemberId>, now_ms: i64, random: &'a mut dyn FnMut() -> [u8; 16]) -> Act<'a> {
        Act { by, now_ms, random }
    }

    /// Now, Unix seconds (what meetings and rounds are timed in).
    pub fn now(&self) -> i64 {
        self.now_ms.div_euclid(1000)
    }

    /// Sixteen fresh random bytes.
    pub fn random(&mut self) -> [u8; 16] {
        (self.random)()
    }

    /// The seed of a new id made now.
    pub(crate) fn id_seed(&mut self) -> (u64, [u8; 16]) {
        (self.now_ms.max(0) as u64, self.random())
    }
}

/// An event a command decided on, before the device stamps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The member the event names as acting (their own check-in, vote,
    /// nomination); `None` for the device's keeper.
    pub actor: Option<MemberId>,
    /// What happened.
    pub payload: Payload,
}

/// What a command decided: the events to record, in order, and what the
/// screen needs back.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a command's events must be recorded"]
pub struct Change<T = ()> {
    /// The events to record (none: nothing changed).
    pub events: Vec<Draft>,
    /// What the caller gets back.
    pub value: T,
}

impl<T> Change<T> {
    /// Events by the device's keeper.
    pub fn keeper(payloads: Vec<Payload>, value: T) -> Change<T> {
        Change { events: payloads.into_iter().map(|payload| Draft { actor: None, payload }).collect(), value }
    }

    /// One event naming its actor.
    pub fn one(actor: Option<MemberId>, payload: Payload, value: T) -> Change<T> {
        Change { events: vec![Draft { actor, payload }], value }
    }

    /// Nothing to record.
    pub fn nothing(value: T) -> Change<T> {
        Change { events: Vec::new(), value }
    }
}
