//! What waits to reach the server, as plain data: the outbox, how it is cut
//! into pushes, and what a push's answer confirms.
//!
//! An outbox holds events (as recorded: phone numbers are removed only on
//! the way out, since the branch may start sharing them) and the rounds
//! whose ballot box holds a ballot cast here that the server may lack. It
//! never names a ballot: a push that carries any roll entry (`Voted`) of a
//! round, or a round marked here, carries that round's whole box beside
//! it, and the server answers `duplicate` for the ballots it has. So
//! nothing stored outside the box links a slot to a voter or a time.

use crate::ballot::{self, Boxes};
use crate::document;
use crate::event::{Event, Payload};
use crate::ids::{EventId, RoundId};
use crate::sync::{self, BallotPush, Outcome, Principal, PushResponse, Reason};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One writer's events and marked rounds not yet confirmed by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    /// Events by id.
    pub events: BTreeMap<EventId, Event>,
    /// Rounds whose box holds a ballot cast here and not yet confirmed.
    pub rounds: BTreeSet<RoundId>,
}

impl Outbox {
    /// Nothing waits.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.rounds.is_empty()
    }

    /// What the user is told waits: events, and a round's box counts one.
    pub fn len(&self) -> usize {
        self.events.len() + self.rounds.len()
    }

    /// Takes another outbox in (an adopted one, or the history).
    pub fn extend(&mut self, other: Outbox) {
        self.events.extend(other.events);
        self.rounds.extend(other.rounds);
    }

    /// Removes what a push confirmed (or the server refused for good).
    pub fn settle(&mut self, done: &Settled) {
        for id in done.confirmed.iter().chain(done.rejected.iter().filter_map(|r| r.id.as_ref())) {
            self.events.remove(id);
        }
        for round in &done.rounds {
            self.rounds.remove(round);
        }
    }

    /// The stored text: a document of the events, plus the marked rounds.
    pub fn to_json(&self) -> String {
        let mut value: serde_json::Value =
            serde_json::from_str(&document::events_to_json(self.events.values())).unwrap_or_default();
        value["rounds"] = serde_json::json!(self.rounds);
        value.to_string()
    }

    /// Reads a stored outbox (older schemas migrate like any document).
    pub fn parse(text: &str) -> Result<Outbox, document::DocError> {
        let mut value: serde_json::Value = serde_json::from_str(text).map_err(|_| document::DocError::NotZhibu)?;
        let rounds: BTreeSet<RoundId> = value
            .as_object_mut()
            .and_then(|o| o.remove("rounds"))
            .and_then(|r| serde_json::from_value(r).ok())
            .unwrap_or_default();
        let doc = document::parse(&value.to_string())?;
        Ok(Outbox { events: doc.events.into_iter().map(|e| (e.id.clone(), e)).collect(), rounds })
    }
}

/// One push request's content, with what was settled without sending.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Events as they go out (phone numbers removed unless shared).
    pub events: Vec<Event>,
    /// Ballots (whole boxes of the rounds in `rounds`, or a part of one).
    pub ballots: Vec<BallotPush>,
    /// Rounds whose box is (wholly) in this push.
    pub rounds: Vec<RoundId>,
}

/// What the server refused (or this device knew it would), for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The event's id (`None` for a ballot: its slot is never kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<EventId>,
    /// The event's kind (`voted`, …) or `ballot`.
    pub kind: String,
    /// Why (one stored before reasons were codes reads as `Unknown`).
    #[serde(default)]
    pub reason: Reason,
    /// The server's particulars (English; not shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What a push (or the cut before it) settled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Events the server has now (accepted or duplicate), or that had
    /// nothing left to send once phone numbers were removed.
    pub confirmed: Vec<EventId>,
    /// Refused for good: not sent again.
    pub rejected: Vec<Rejection>,
    /// Rounds whose box went through (or was refused for good).
    pub rounds: Vec<RoundId>,
}

impl Settled {
    /// Adds another's.
    pub fn extend(&mut self, other: Settled) {
        self.confirmed.extend(other.confirmed);
        self.rejected.extend(other.rejected);
        self.rounds.extend(other.rounds);
    }
}

/// A round's roll entries and its box, which travel together.
struct Group {
    round: RoundId,
    events: Vec<Event>,
    ballots: Vec<BallotPush>,
}

fn box_of(boxes: &Boxes, round: &RoundId) -> Vec<BallotPush> {
    let slots = boxes.0.get(round).into_iter().flatten();
    slots
        .map(|(slot, b)| BallotPush {
            round: round.clone(),
            slot: slot.clone(),
            rev: b.rev,
            choices: b.choices.clone(),
            ratings: b.ratings.clone(),
            key: None,
        })
        .collect()
}

/// Adds to each revision the key behind its slot, where `secret_of` gives
/// the round's secret and it opens the slot (a ballot cast elsewhere, or
/// in a random slot, gets none). The server replaces a ballot only for it.
pub fn with_keys(mut ballots: Vec<BallotPush>, secret_of: impl Fn(&RoundId) -> Option<[u8; 16]>) -> Vec<BallotPush> {
    for b in ballots.iter_mut().filter(|b| b.rev > 0) {
        let key = secret_of(&b.round).map(|s| ballot::key_of_secret(&s));
        b.key = key.filter(|key| ballot::opens(&b.round, &b.slot, key));
    }
    ballots
}

/// Cuts `outbox` into pushes of at most [`sync::MAX_PUSH_EVENTS`] events
/// and [`sync::MAX_PUSH_BALLOTS`] ballots, in clock order, each round's
/// roll entries in the push that carries its box. Events `who` may not
/// push (a phone holding the branch's roster from a join card) are settled
/// as confirmed: they are not this device's to send. Phone numbers leave
/// only if `share_phones`; an edit of nothing but a phone is settled.
pub fn batches(outbox: &Outbox, boxes: &Boxes, who: &Principal, share_phones: bool) -> (Vec<Batch>, Settled) {
    let mut settled = Settled::default();
    let mut events: Vec<&Event> = outbox.events.values().collect();
    events.sort_by(|a, b| (a.clock, &a.device, &a.id).cmp(&(b.clock, &b.device, &b.id)));
    // Each round with roll entries here, or marked, is one group.
    let mut groups: BTreeMap<RoundId, Group> = BTreeMap::new();
    let mut order: Vec<Result<Event, RoundId>> = Vec::new();
    let group_of = |groups: &mut BTreeMap<RoundId, Group>, order: &mut Vec<Result<Event, RoundId>>, round: &RoundId| {
        if !groups.contains_key(round) {
            order.push(Err(round.clone()));
            groups.insert(
                round.clone(),
                Group { round: round.clone(), events: Vec::new(), ballots: box_of(boxes, round) },
            );
        }
    };
    for event in events {
        if let Err(refusal) = sync::may_push(who, event) {
            // A redacted author (another's objection, as pulled) acted elsewhere.
            if event.actor.as_ref().is_some_and(|a| !crate::visibility::is_redacted(a)) {
                // Someone acted on this device as a member it may not speak
                // for: never sent, and said so (the server would refuse it).
                settled.rejected.push(Rejection {
                    id: Some(event.id.clone()),
                    kind: sync::kind(&event.payload).to_owned(),
                    reason: Reason::from(&refusal),
                    detail: Some(refusal.to_string()),
                });
            } else {
                // Record keeping this phone only holds (the organizer's, as
                // a join card brought it, or pulled): not its to send.
                settled.confirmed.push(event.id.clone());
            }
            continue;
        }
        let out = if share_phones || !sync::carries_phone(event) { event.clone() } else { sync::without_phone(event) };
        if matches!(&out.payload, Payload::MemberEdited { changes, .. } if changes.is_empty()) {
            settled.confirmed.push(out.id.clone());
            continue;
        }
        match &out.payload {
            Payload::Voted { round, .. } => {
                let round = round.clone();
                group_of(&mut groups, &mut order, &round);
                groups.get_mut(&round).expect("just made").events.push(out);
            }
            _ => order.push(Ok(out)),
        }
    }
    for round in &outbox.rounds {
        group_of(&mut groups, &mut order, round);
    }
    let mut out: Vec<Batch> = Vec::new();
    let mut current = Batch::default();
    let full = |b: &Batch, events: usize, ballots: usize| {
        b.events.len() + events > sync::MAX_PUSH_EVENTS || b.ballots.len() + ballots > sync::MAX_PUSH_BALLOTS
    };
    for item in order {
        match item {
            Ok(event) => {
                if full(&current, 1, 0) {
                    out.push(std::mem::take(&mut current));
                }
                current.events.push(event);
            }
            Err(round) => {
                let Some(group) = groups.remove(&round) else { continue };
                if full(&current, group.events.len(), group.ballots.len()) && !is_empty(&current) {
                    out.push(std::mem::take(&mut current));
                }
                if !full(&current, group.events.len(), group.ballots.len()) {
                    current.events.extend(group.events);
                    current.ballots.extend(group.ballots);
                    current.rounds.push(group.round);
                    continue;
                }
                // A box too big for one push: its parts side by side.
                let parts = group
                    .events
                    .len()
                    .div_ceil(sync::MAX_PUSH_EVENTS)
                    .max(group.ballots.len().div_ceil(sync::MAX_PUSH_BALLOTS));
                let mut events = group.events.into_iter();
                let mut ballots = group.ballots.into_iter();
                for part in 0..parts {
                    let batch = Batch {
                        events: events.by_ref().take(sync::MAX_PUSH_EVENTS).collect(),
                        ballots: ballots.by_ref().take(sync::MAX_PUSH_BALLOTS).collect(),
                        rounds: if part + 1 == parts { vec![round.clone()] } else { Vec::new() },
                    };
                    out.push(batch);
                }
            }
        }
    }
    if !is_empty(&current) {
        out.push(current);
    }
    (out, settled)
}

fn is_empty(batch: &Batch) -> bool {
    batch.events.is_empty() && batch.ballots.is_empty() && batch.rounds.is_empty()
}

/// What the server's answer to `batch` settles. An event or ballot the
/// answer does not name (a short or garbled answer) stays to be sent again.
pub fn settle(batch: &Batch, response: &PushResponse) -> Settled {
    let mut settled = Settled::default();
    for (event, result) in batch.events.iter().zip(&response.events) {
        if result.id != event.id.as_str() {
            continue;
        }
        match result.outcome {
            Outcome::Accepted | Outcome::Duplicate => settled.confirmed.push(event.id.clone()),
            Outcome::Rejected => settled.rejected.push(Rejection {
                id: Some(event.id.clone()),
                kind: sync::kind(&event.payload).to_owned(),
                reason: result.reason.unwrap_or_default(),
                detail: result.detail.clone(),
            }),
        }
    }
    let answered = response.ballots.len() == batch.ballots.len()
        && batch.ballots.iter().zip(&response.ballots).all(|(b, r)| r.slot == b.slot && r.round == b.round.as_str());
    if answered {
        for result in response.ballots.iter().filter(|r| r.outcome == Outcome::Rejected) {
            let (reason, detail) = (result.reason.unwrap_or_default(), result.detail.clone());
            settled.rejected.push(Rejection { id: None, kind: "ballot".into(), reason, detail });
        }
        settled.rounds.extend(batch.rounds.iter().cloned());
    }
    settled
}
