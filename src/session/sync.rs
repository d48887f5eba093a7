//! Sync's side of the session: the outbox, the first push's history, and
//! what a pull or a closed round's box brings in.

use super::{Session, joined_as_member};
use crate::storage::SaveError;
use zhibu_core::ballot::Ballot;
use zhibu_core::document;
use zhibu_core::event::Event;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::Stage;
use zhibu_core::sync::history;
use zhibu_core::sync::outbox::{Outbox, Settled};

impl Session {
    /// What this writer has waiting for the server.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Whether a sync connection is stored (in any tab).
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// A connection was stored (here or by another tab) or forgotten.
    /// Connecting puts this writer's unfolded events in its outbox (the
    /// history push covers what was folded before); forgetting empties it.
    pub fn set_connected(&mut self, connected: bool) {
        self.member_phone = joined_as_member();
        if connected == self.connected {
            return;
        }
        self.connected = connected;
        if connected {
            self.outbox.events.extend(self.own.iter().map(|(id, e)| (id.clone(), e.clone())));
        } else {
            self.outbox = Outbox::default();
        }
        self.save_outbox();
    }

    /// Writers whose outbox this tab may take over (gone for longer than
    /// the lease); call under the `zhibu-sync` lock.
    pub fn gone_outboxes(&self) -> Vec<String> {
        self.store.gone_outboxes().into_iter().map(|(writer, _)| writer).collect()
    }

    /// Removes from the outbox what the server confirmed or refused for good.
    pub fn settle(&mut self, settled: &Settled) {
        let before = self.outbox.clone();
        self.outbox.settle(settled);
        // A failed write only means these are sent again (the server
        // answers duplicates as such), so it is not reported.
        if self.outbox != before {
            drop(self.store.save_outbox(&self.outbox));
        }
    }

    /// The device's whole history for its first push: every register write
    /// of the snapshot as an event, the events since, and the rounds still
    /// voting whose box holds ballots.
    pub fn history(&self) -> Outbox {
        let mut outbox = Outbox::default();
        for event in history::unfold(self.records.snapshot()).into_iter().chain(self.records.pending().cloned()) {
            outbox.events.insert(event.id.clone(), event);
        }
        let state = self.records.state();
        outbox.rounds = state
            .ballots
            .0
            .iter()
            .filter(|(id, slots)| !slots.is_empty() && state.round(id).is_some_and(|r| r.stage() == Stage::Voting))
            .map(|(id, _)| id.clone())
            .collect();
        outbox
    }

    /// Takes in events pulled from the server: merged like another tab's,
    /// and written to this writer's log (never its outbox: the server has
    /// them), so that they are stored before the pull cursor moves past
    /// them. Returns how many were new; `Err`: they are only in memory.
    pub fn merge_pulled(&mut self, events: &[Event]) -> Result<usize, SaveError> {
        let fresh: Vec<&Event> = events
            .iter()
            .filter(|e| document::check_event(0, e).is_ok())
            .filter(|e| !self.records.state().covers(e))
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        self.records.merge_events(fresh.iter().copied());
        for event in &fresh {
            self.own.insert(event.id.clone(), (*event).clone());
        }
        self.saved = self.store.save_own(&self.own);
        self.saved.clone().map(|()| fresh.len())
    }

    /// Merges a closed round's box (slot, ballot), as the server holds it,
    /// into the local box.
    pub fn merge_box(&mut self, round: &RoundId, ballots: impl IntoIterator<Item = (String, Ballot)>) -> bool {
        let mut changed = false;
        for (slot, mut ballot) in ballots {
            // Sorted as a ballot cast here is, so the same ballot is equal.
            ballot.choices.sort();
            changed |= self.records.cast(round, &slot, ballot);
        }
        if changed && let Err(e) = self.store.save_boxes(&self.records) {
            self.saved = Err(e);
        }
        changed
    }
}
