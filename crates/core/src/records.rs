//! The branch's records on one writer: a snapshot, the events since, and the
//! state both fold to. The app and the server hold one of these each.

use crate::event::{Event, Payload};
use crate::ids::{DeviceId, EventId, MemberId};
use crate::state::State;
use std::collections::BTreeMap;

/// Snapshot + pending events + their fold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Records {
    snapshot: State,
    pending: BTreeMap<EventId, Event>,
    state: State,
}

/// What a merge did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Events that changed the state.
    pub added: usize,
    /// Events already known (duplicates), left out.
    pub known: usize,
}

impl Records {
    /// Records starting from a snapshot.
    pub fn from_snapshot(snapshot: State) -> Self {
        Records { state: snapshot.clone(), snapshot, pending: BTreeMap::new() }
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The last snapshot.
    pub fn snapshot(&self) -> &State {
        &self.snapshot
    }

    /// Events since the snapshot, in id order.
    pub fn pending(&self) -> impl Iterator<Item = &Event> {
        self.pending.values()
    }

    /// Number of events since the snapshot.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Makes a new event on this writer and applies it.
    pub fn record(&mut self, stamp: EventStamp, payload: Payload) -> Event {
        let event = Event {
            id: EventId::generate(stamp.unix_ms.max(0) as u64, stamp.random),
            device: stamp.device,
            clock: self.state.next_clock(),
            actor: stamp.actor,
            at: stamp.unix_ms,
            payload,
        };
        self.state.apply(&event);
        self.pending.insert(event.id.clone(), event.clone());
        event
    }

    /// Stamps and applies a command's events, in order, on this writer at
    /// `unix_ms`; returns them (to store and send) and the command's value.
    pub fn record_change<T>(
        &mut self,
        device: &DeviceId,
        unix_ms: i64,
        random: &mut dyn FnMut() -> [u8; 16],
        change: crate::commands::Change<T>,
    ) -> (Vec<Event>, T) {
        let events = change
            .events
            .into_iter()
            .map(|draft| {
                let stamp = EventStamp { device: device.clone(), actor: draft.actor, unix_ms, random: random() };
                self.record(stamp, draft.payload)
            })
            .collect();
        (events, change.value)
    }

    /// Puts a ballot in a round's box. A ballot is not an event: it goes
    /// into the state with nothing but its slot and choices (see
    /// [`crate::ballot`]); the next compaction carries it into the snapshot.
    pub fn cast(&mut self, round: &crate::ids::RoundId, slot: &str, ballot: crate::ballot::Ballot) -> bool {
        self.state.cast(round, slot, ballot)
    }

    /// Unions events in. An event is kept only if it is new by id and it
    /// changes the state; so merging the same events twice changes nothing.
    pub fn merge_events<'a>(&mut self, events: impl IntoIterator<Item = &'a Event>) -> MergeReport {
        let mut report = MergeReport::default();
        for event in events {
            if self.pending.contains_key(&event.id) || !self.state.apply(event) {
                report.known += 1;
            } else {
                self.pending.insert(event.id.clone(), event.clone());
                report.added += 1;
            }
        }
        report
    }

    /// Joins another writer's snapshot in. Returns whether anything changed.
    pub fn merge_snapshot(&mut self, snapshot: &State) -> bool {
        self.snapshot.join(snapshot);
        self.state.join(snapshot)
    }

    /// Folds the pending events into the snapshot.
    pub fn compact(&mut self) {
        self.snapshot = self.state.clone();
        self.pending.clear();
    }

    /// Drops pending events that `snapshot` already covers (applying them to
    /// it changes nothing); returns how many were dropped.
    pub fn drop_covered(&mut self, snapshot: &State) -> usize {
        let before = self.pending.len();
        self.pending.retain(|_, event| !snapshot.covers(event));
        before - self.pending.len()
    }
}

/// Who, when and the randomness for a new event: what the shell supplies.
#[derive(Clone, Debug)]
pub struct EventStamp {
    /// This writer.
    pub device: DeviceId,
    /// The acting member, where known.
    pub actor: Option<MemberId>,
    /// Wall-clock now, Unix milliseconds.
    pub unix_ms: i64,
    /// Random bytes for the event id.
    pub random: [u8; 16],
}
