//! One sync run, step by step: push this tab's outbox (and gone writers'),
//! settle what the server answered, pull what others pushed, then fetch the
//! boxes of rounds closed elsewhere. `engine.rs` decides when a run starts.

use super::api::{Failure, Server};
use super::engine::{Engine, Phase};
use super::{Connection, update_connection};
use crate::session::Session;
use crate::storage;
use leptos::prelude::*;
use zhibu_core::ballot::Ballot;
use zhibu_core::document;
use zhibu_core::ids::RoundId;
use zhibu_core::rounds::Stage;
use zhibu_core::state::State;
use zhibu_core::sync::outbox::{self, Outbox, Settled};
use zhibu_core::sync::{BoxResponse, BranchSettings, MAX_PULL_EVENTS, PullResponse, PushRequest, PushResponse};

impl Engine {
    pub(super) async fn run_with(self, connection: Connection) -> Result<(), Failure> {
        let server = connection.server();
        let token = connection.session.token.clone();
        let settings: BranchSettings = server.get("/api/branch").await?;
        update_connection(&token, |c| c.share_phones = settings.share_phones);
        let mut cursor = connection.cursor;
        let mut known = None;
        if connection.history {
            // First run: all the server has, so the history push sends only
            // what it lacks (and never a pulled event back).
            let empty = PushRequest { schema: document::SCHEMA, ..Default::default() };
            let probe: PushResponse = server.send_json("POST", "/api/sync/push", &empty).await?;
            let mut seen = State::default();
            cursor = self.pull(&server, &token, 0, probe.cursor, Some(&mut seen)).await?;
            known = Some(seen);
        }
        let seq = self.push(&server, &connection, settings.share_phones, known.as_ref()).await?;
        if connection.history {
            update_connection(&token, |c| c.history = false);
        }
        self.pull(&server, &token, cursor, seq.unwrap_or(0), None).await?;
        self.fetch_boxes(&server, &token, connection.keeps_records()).await
    }

    /// Pushes this tab's outbox, gone writers' outboxes and (the first
    /// time) the history. Returns the server's sequence after the last push.
    async fn push(
        self,
        server: &Server,
        connection: &Connection,
        share_phones: bool,
        known: Option<&State>,
    ) -> Result<Option<u64>, Failure> {
        let token = &connection.session.token;
        let adopted: Vec<String> = self.session.with_untracked(|s| s.gone_outboxes());
        let mut all = self.session.with_untracked(|s| s.outbox().clone());
        for writer in &adopted {
            all.extend(storage::outbox_of(writer));
        }
        if let Some(known) = known {
            let mut history = self.session.with_untracked(Session::history);
            history.events.retain(|_, e| !known.covers(e));
            all.extend(history);
        }
        if all.is_empty() {
            return Ok(None);
        }
        let boxes = self.session.with_untracked(|s| s.records().state().ballots.clone());
        let (batches, settled) = outbox::batches(&all, &boxes, &connection.principal(), share_phones);
        self.settle(token, &adopted, settled);
        let total: u64 = batches.iter().map(|b| (b.events.len() + b.ballots.len()) as u64).sum();
        let mut done = 0;
        let mut seq = None;
        for batch in batches {
            self.phase(Phase::Running { done, total });
            let events = batch.events.iter().map(|e| serde_json::to_value(e).unwrap_or_default()).collect();
            // A revision shows the key behind its slot (read here, never kept in the outbox).
            let ballots = outbox::with_keys(batch.ballots.clone(), crate::session::ballot_secret);
            let request = PushRequest { schema: document::SCHEMA, events, ballots };
            let response: PushResponse = server.send_json("POST", "/api/sync/push", &request).await?;
            self.settle(token, &adopted, outbox::settle(&batch, &response));
            done += (batch.events.len() + batch.ballots.len()) as u64;
            seq = Some(response.cursor);
        }
        Ok(seq)
    }

    /// Applies what a push settled to every outbox it came from.
    fn settle(self, token: &str, adopted: &[String], settled: Settled) {
        self.session.update(|s| s.settle(&settled));
        for writer in adopted {
            let mut outbox: Outbox = storage::outbox_of(writer);
            outbox.settle(&settled);
            let _ = storage::save_outbox_of(writer, &outbox);
        }
        if !settled.rejected.is_empty() {
            update_connection(token, |c| c.note_rejected(settled.rejected));
        }
        self.refresh();
    }

    /// Pulls from `since` until the server has no more, merging each page
    /// (and folding it into `seen`, when asked). Returns the cursor reached.
    async fn pull(
        self,
        server: &Server,
        token: &str,
        since: u64,
        seq: u64,
        mut seen: Option<&mut State>,
    ) -> Result<u64, Failure> {
        let mut cursor = since;
        loop {
            let total = seq.saturating_sub(since);
            self.phase(Phase::Running { done: cursor - since, total });
            let page: PullResponse =
                server.get(&format!("/api/sync/pull?since={cursor}&limit={MAX_PULL_EVENTS}")).await?;
            if page.schema > document::SCHEMA {
                return Err(Failure::Newer(page.schema));
            }
            if let Some(seen) = seen.as_deref_mut() {
                for event in &page.events {
                    seen.apply(event);
                }
            }
            let mut saved = Ok(0);
            self.session.update(|s| saved = s.merge_pulled(&page.events));
            // Stored first, then the cursor: a pull cut short is pulled again.
            saved.map_err(|e| Failure::Local(format!("{e:?}")))?;
            cursor = page.next.max(cursor);
            update_connection(token, |c| c.cursor = c.cursor.max(cursor));
            if !page.more || page.events.is_empty() {
                return Ok(cursor);
            }
        }
    }

    /// Closed rounds' boxes from the server, once each, so every device
    /// counts the same ballots. An appraisal's box is the committee's: the
    /// server refuses it to a member's phone, which must not ask (a refusal
    /// fails the run, every run).
    async fn fetch_boxes(self, server: &Server, token: &str, keeper: bool) -> Result<(), Failure> {
        let fetched = Connection::load().map(|c| c.boxes).unwrap_or_default();
        let closed: Vec<RoundId> = self.session.with_untracked(|s| {
            let state = s.records().state();
            let wanted =
                |r: &zhibu_core::rounds::Round| r.stage() >= Stage::Closed && (keeper || !r.rules.is_appraisal());
            let closed = state.ext.rounds.keys().filter(|id| state.round(id).is_some_and(|r| wanted(&r)));
            closed.filter(|id| !fetched.contains(*id)).cloned().collect()
        });
        for round in closed {
            match server.get::<BoxResponse>(&format!("/api/rounds/{round}/box")).await {
                Ok(found) => self.take_box(token, &round, &found),
                // Not on the server, or still open there: asked again later.
                Err(Failure::Status(404 | 409, _)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    pub(super) fn take_box(self, token: &str, round: &RoundId, found: &BoxResponse) {
        self.session.update(|s| {
            let ballots = found.ballots.iter().map(|b| {
                (b.slot.clone(), Ballot { rev: b.rev, choices: b.choices.clone(), ratings: b.ratings.clone() })
            });
            s.merge_box(round, ballots);
        });
        update_connection(token, |c| {
            c.boxes.insert(round.clone());
        });
    }
}
