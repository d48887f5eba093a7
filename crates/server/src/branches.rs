//! Each branch's state as this instance last saw it: the fold of its
//! events, their ids, and its ballot boxes, with the sequence and version
//! they reflect. A cache: the database is the truth, and `catch_up` reads
//! whatever other instances committed since. One lock per branch, so this
//! instance validates and commits a branch's pushes one at a time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use zhibu_core::ballot::Ballot;
use zhibu_core::event::Event;
use zhibu_core::ids::{EventId, RoundId};
use zhibu_core::state::State;
use zhibu_core::sync::BoxedBallot;

use crate::error::Failure;
use crate::store::{BoxRow, Db};

/// Events read per page while catching up, and their most bytes.
const CATCH_UP_PAGE: usize = 2000;
const CATCH_UP_BYTES: usize = 4 << 20;

/// A round's box on the server: ballots by slot, and whether it is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerBox {
    /// Ballots by slot: revision and choices (or an appraisal's ratings).
    pub ballots: BTreeMap<String, Ballot>,
    /// No more ballots.
    pub closed: bool,
}

impl ServerBox {
    /// The stored row: ballots in slot order, nothing else.
    pub fn row(&self, round: &RoundId) -> BoxRow {
        BoxRow {
            round: round.0.clone(),
            closed: self.closed,
            ballots: serde_json::to_string(&self.list()).expect("json"),
        }
    }

    /// The ballots in slot order.
    pub fn list(&self) -> Vec<BoxedBallot> {
        self.ballots
            .iter()
            .map(|(slot, b)| BoxedBallot {
                slot: slot.clone(),
                rev: b.rev,
                choices: b.choices.clone(),
                ratings: b.ratings.clone(),
            })
            .collect()
    }

    fn from_row(row: &BoxRow) -> Result<ServerBox, Failure> {
        let list: Vec<BoxedBallot> = serde_json::from_str(&row.ballots)
            .map_err(|e| Failure::Unavailable(format!("a stored ballot box is unreadable: {e}")))?;
        let ballots = list.into_iter().map(|b| (b.slot, Ballot { rev: b.rev, choices: b.choices, ratings: b.ratings }));
        Ok(ServerBox { ballots: ballots.collect(), closed: row.closed })
    }
}

/// One branch as folded from the database.
#[derive(Debug, Default)]
pub struct Branch {
    /// The fold of every stored event.
    pub state: State,
    /// Ids of every stored event.
    pub ids: HashSet<EventId>,
    /// Ballot boxes by round.
    pub boxes: BTreeMap<RoundId, ServerBox>,
    /// Sequence of the last event folded.
    pub seq: u64,
    /// The branch version this reflects (0: never loaded).
    pub version: u64,
    /// Whether phone numbers may be stored.
    pub share_phones: bool,
    /// Bytes of the stored event bodies.
    pub event_bytes: u64,
    /// Bytes of the stored ballot boxes.
    pub box_bytes: u64,
}

impl Branch {
    /// Bytes the branch holds on the server (what its quota counts).
    pub fn bytes(&self) -> u64 {
        self.event_bytes + self.box_bytes
    }

    /// Reads what other writers committed since this was last read. Returns
    /// false when the branch does not exist.
    pub async fn catch_up(&mut self, db: &Db, id: &str) -> Result<bool, Failure> {
        let Some(row) = db.branch(id).await? else { return Ok(false) };
        self.share_phones = row.share_phones;
        if row.version == self.version {
            return Ok(true);
        }
        loop {
            let page = db.events_since(id, self.seq, CATCH_UP_PAGE, CATCH_UP_BYTES).await?;
            for stored in &page.events {
                let event: Event = serde_json::from_str(&stored.body)
                    .map_err(|e| Failure::Unavailable(format!("stored event {} is unreadable: {e}", stored.id)))?;
                self.state.apply(&event);
                self.ids.insert(event.id);
                self.seq = stored.seq;
                self.event_bytes += stored.body.len() as u64;
            }
            if !page.more {
                break;
            }
        }
        let rows = db.boxes(id).await?;
        self.box_bytes = rows.iter().map(BoxRow::bytes).sum();
        self.boxes = rows
            .iter()
            .map(|row| Ok((RoundId(row.round.clone()), ServerBox::from_row(row)?)))
            .collect::<Result<_, Failure>>()?;
        // The version read before the events: if more landed meanwhile, the
        // next commit conflicts and this runs again.
        self.version = row.version;
        Ok(true)
    }
}

/// Every branch this instance has touched, each behind its own lock.
#[derive(Default)]
pub struct Branches {
    map: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Branch>>>>,
}

impl Branches {
    /// The branch's entry (empty until caught up).
    pub fn entry(&self, id: &str) -> Arc<tokio::sync::Mutex<Branch>> {
        let mut map = self.map.lock().expect("branches lock");
        map.entry(id.to_owned()).or_default().clone()
    }
}
