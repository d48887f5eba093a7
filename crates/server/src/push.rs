//! `POST /api/sync/push` and `GET /api/sync/pull`: the sync protocol.
//!
//! A push is idempotent by event id: each event is answered accepted,
//! duplicate (already stored) or rejected with a reason, and one bad event
//! never refuses the others. Accepted events and ballots are stored in one
//! transaction, so a lost answer can be re-sent safely.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use zhibu_core::bounds;
use zhibu_core::document::{self, DocError};
use zhibu_core::event::{Event, Payload};
use zhibu_core::sync::{
    self, BallotPush, BallotResult, EventResult, MAX_PULL_BYTES, MAX_PULL_EVENTS, MAX_PUSH_BALLOTS, MAX_PUSH_EVENTS,
    Outcome, Principal, PullResponse, PushRequest, PushResponse, Reason, Role,
};

use crate::app::App;
use crate::auth::Caller;
use crate::ballots::{self, Boxes};
use crate::branches::Branch;
use crate::error::{ApiResult, Failure};
use crate::limits::{JsonBody, QueryArgs};
use crate::quota;
use crate::store::StoreError;
use crate::visibility;

/// How often a push re-validates after another instance committed first.
const RETRIES: usize = 8;

/// An event after the checks that need no state, or its id (as pushed,
/// cut) and why it was refused.
pub(crate) type Checked = Result<Event, (String, Refused)>;

/// A refusal as the answer gives it: the code the app words, and the
/// particulars for people reading the API.
#[derive(Clone, Debug)]
pub struct Refused {
    reason: Reason,
    detail: Option<String>,
}

impl Refused {
    fn new(reason: Reason, detail: impl std::fmt::Display) -> Refused {
        Refused { reason, detail: Some(sync::detail(&detail.to_string())) }
    }
}

impl From<Reason> for Refused {
    fn from(reason: Reason) -> Refused {
        Refused { reason, detail: None }
    }
}

fn check(value: &serde_json::Value, who: &Principal) -> Checked {
    // Named in the answer, never echoed whole (ids are refused above
    // `bounds::MAX_ID` bytes, and a parser's message may quote a value:
    // `sync::detail` cuts it).
    let id = bounds::echo(value.get("i").and_then(|v| v.as_str()).unwrap_or_default()).to_owned();
    let event: Event =
        serde_json::from_value(value.clone()).map_err(|e| (id.clone(), Refused::new(Reason::Malformed, e)))?;
    document::check_event(0, &event).map_err(|e| (id.clone(), refused(&e)))?;
    sync::may_push(who, &event).map_err(|r| (id, Refused::new(Reason::from(&r), &r)))?;
    Ok(event)
}

/// What `document::check_event` refused, as the answer names it.
fn refused(e: &DocError) -> Refused {
    match e {
        DocError::Bounds { problem, .. } => Refused::new(Reason::OutOfBounds, problem),
        DocError::Content { problem, .. } => Refused::new(Reason::from(problem), problem),
        DocError::InvalidEvent { .. } => Refused::new(Reason::InvalidFields, e),
        // Not among what `check_event` gives an event already read.
        DocError::NotJson { .. } | DocError::NotZhibu | DocError::TooNew { .. } | DocError::Invalid { .. } => {
            Refused::new(Reason::Malformed, e)
        }
    }
}

/// What a push will store, decided against the branch's state.
struct Plan {
    events: Vec<EventResult>,
    ballots: Vec<Option<BallotResult>>,
    rows: Vec<(String, String)>,
    ids: Vec<zhibu_core::ids::EventId>,
    boxes: Boxes,
    /// No vote or ballot was checked (those checks read the state).
    stateless: bool,
}

fn result(id: &str, outcome: Outcome) -> EventResult {
    EventResult { id: id.to_owned(), outcome, reason: None, detail: None }
}

fn rejected(id: &str, why: impl Into<Refused>) -> EventResult {
    let Refused { reason, detail } = why.into();
    EventResult { id: id.to_owned(), outcome: Outcome::Rejected, reason: Some(reason), detail }
}

/// Folds the acceptable events into `branch.state` (in request order, so an
/// event may build on an earlier one of the same push) and admits ballots.
fn plan(branch: &mut Branch, who: &Principal, checked: &[Checked], pushed: &[BallotPush]) -> Plan {
    let mut plan = Plan {
        events: Vec::with_capacity(checked.len()),
        ballots: vec![None; pushed.len()],
        rows: Vec::new(),
        ids: Vec::new(),
        boxes: Boxes::default(),
        stateless: pushed.is_empty(),
    };
    let mut seen = HashSet::new();
    // Against the branch before this push, so one push moves the highest
    // clock by at most one step.
    let highest = branch.state.max_clock;
    for item in checked {
        let event = match item {
            Err((id, why)) => {
                plan.events.push(rejected(id, why.clone()));
                continue;
            }
            Ok(event) => event,
        };
        let id = event.id.as_str();
        if branch.ids.contains(&event.id) || !seen.insert(event.id.clone()) {
            plan.events.push(result(id, Outcome::Duplicate));
            continue;
        }
        if let Err(ahead) = bounds::clock_step(highest, event.clock) {
            plan.events.push(rejected(id, Refused::new(Reason::ClockAhead, ahead)));
            continue;
        }
        if !branch.share_phones && sync::carries_phone(event) {
            plan.events.push(rejected(id, Reason::PhonesNotKept));
            continue;
        }
        if matches!(event.payload, Payload::Voted { .. }) {
            plan.stateless = false;
            // The same roll entry under another id (a phone's history,
            // unfolded after it connects again) is the same write.
            if branch.state.covers(event) {
                plan.events.push(result(id, Outcome::Duplicate));
                continue;
            }
        }
        if who.role == Role::Member
            && let Err(why) = ballots::admit_round_act(branch, event)
        {
            plan.stateless = false;
            plan.events.push(rejected(id, why));
            continue;
        }
        if let Err(why) = ballots::admit_codes(branch, event) {
            plan.events.push(rejected(id, why));
            continue;
        }
        if let Payload::Voted { round, voter } = &event.payload
            && let Err(why) = ballots::admit_vote(branch, &mut plan.boxes, who, round, voter, pushed, &mut plan.ballots)
        {
            plan.events.push(rejected(id, why));
            continue;
        }
        branch.state.apply(event);
        plan.rows.push((id.to_owned(), serde_json::to_string(event).expect("an event serializes")));
        plan.ids.push(event.id.clone());
        plan.events.push(result(id, Outcome::Accepted));
    }
    for (i, ballot) in pushed.iter().enumerate() {
        if plan.ballots[i].is_none() {
            plan.ballots[i] = Some(ballots::admit_unpaired(branch, &mut plan.boxes, who, ballot));
        }
    }
    plan
}

/// Pushes events (and ballots beside their votes).
#[utoipa::path(post, path = "/api/sync/push", tag = "sync",
    request_body = PushRequest,
    responses(
        (status = 200, description = "Per event and ballot: accepted, duplicate or rejected", body = PushResponse),
        (status = 401, body = zhibu_core::sync::ApiError), (status = 413, body = zhibu_core::sync::ApiError),
        (status = 422, body = zhibu_core::sync::ApiError), (status = 429, body = zhibu_core::sync::ApiError),
        (status = 507, description = "The branch's storage quota is full", body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn push(
    State(app): State<App>,
    caller: Caller,
    JsonBody(request): JsonBody<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    if request.schema > document::SCHEMA {
        return Err(Failure::Invalid(format!(
            "the events are written in schema {}; this server reads up to {} (update the server)",
            request.schema,
            document::SCHEMA
        )));
    }
    if request.events.len() > MAX_PUSH_EVENTS || request.ballots.len() > MAX_PUSH_BALLOTS {
        return Err(Failure::TooLarge(format!(
            "at most {MAX_PUSH_EVENTS} events and {MAX_PUSH_BALLOTS} ballots per push"
        )));
    }
    let who = caller.principal();
    let checked: Vec<Checked> = request.events.iter().map(|v| check(v, &who)).collect();
    let branch_id = caller.branch();
    let entry = app.branches.entry(branch_id);
    for attempt in 0..RETRIES {
        let mut branch = entry.lock().await;
        if !branch.catch_up(&app.db, branch_id).await? {
            return Err(Failure::NotFound("no such branch"));
        }
        // Before the plan, which folds the push into the cache: a full
        // branch's phones retrying must not cost a reload each time.
        quota::admit(&branch, app.config.branch_quota(), &checked, &request.ballots)?;
        let plan = plan(&mut branch, &who, &checked, &request.ballots);
        let ballots: Vec<BallotResult> = plan
            .ballots
            .into_iter()
            .map(|b| {
                let b = b.expect("every ballot answered");
                // As pushed, which may be anything: named, not echoed whole.
                BallotResult { round: bounds::echo(&b.round).to_owned(), slot: bounds::echo(&b.slot).to_owned(), ..b }
            })
            .collect();
        if plan.rows.is_empty() && plan.boxes.changed().next().is_none() {
            return Ok(Json(PushResponse { events: plan.events, ballots, cursor: branch.seq }));
        }
        let rows: Vec<_> = plan.boxes.changed().map(|(round, b)| b.row(round)).collect();
        match app.db.commit(branch_id, branch.version, &plan.rows, &rows).await {
            Ok(done) => {
                quota::stored(&mut branch, &plan.rows, &rows);
                branch.seq = done.seq;
                branch.version = done.version;
                branch.ids.extend(plan.ids);
                plan.boxes.store_into(&mut branch.boxes);
                let accepted = plan.rows.len();
                tracing::info!(branch = branch_id, accepted, seq = done.seq, "push stored");
                return Ok(Json(PushResponse { events: plan.events, ballots, cursor: done.seq }));
            }
            Err(StoreError::Conflict) if plan.stateless && attempt + 1 < RETRIES => {
                // Another instance committed first. The fold holds this
                // push's events, whose checks did not depend on the state:
                // folding them again is idempotent, so catch up from here
                // instead of re-reading the whole branch.
            }
            Err(StoreError::Conflict) => {
                // Votes were checked against a state that is now stale (or
                // this was the last try, and the fold holds events that
                // were never stored).
                *branch = Branch::default();
            }
            Err(e) => {
                *branch = Branch::default();
                return Err(e.into());
            }
        }
    }
    Err(Failure::Conflict("the branch is busy; try again".into()))
}

/// `since` and `limit` of a pull.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PullQuery {
    /// The cursor from the previous page (0: from the start).
    #[serde(default)]
    pub since: u64,
    /// Most events to return (≤ 1000; fewer when they pass 1 MiB).
    pub limit: Option<usize>,
}

/// Pulls the branch's events after a cursor, one page at a time, as the
/// caller may see them (`visibility`): a member's phone gets no other
/// member's own records. Pages go by the server's sequence, so `next`
/// moves past withheld events; a page the caller may see nothing of is
/// skipped, never answered empty with more to come.
#[utoipa::path(get, path = "/api/sync/pull", tag = "sync", params(PullQuery),
    responses((status = 200, body = PullResponse), (status = 401, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn pull(
    State(app): State<App>,
    caller: Caller,
    QueryArgs(query): QueryArgs<PullQuery>,
) -> ApiResult<Json<PullResponse>> {
    let limit = query.limit.unwrap_or(MAX_PULL_EVENTS).clamp(1, MAX_PULL_EVENTS);
    let who = caller.principal();
    let mut since = query.since;
    loop {
        let page = app.db.events_since(caller.branch(), since, limit, MAX_PULL_BYTES).await?;
        let more = page.more;
        let next = page.events.last().map_or(since, |e| e.seq);
        let events = page
            .events
            .iter()
            .map(|stored| {
                serde_json::from_str(&stored.body)
                    .map_err(|e| Failure::Unavailable(format!("stored event {} is unreadable: {e}", stored.id)))
            })
            .collect::<Result<Vec<Event>, Failure>>()?;
        let events = visibility::seen_by(&app, caller.branch(), &who, events).await?;
        // Ends: each turn reads after the last (`next`), up to the last page.
        if events.is_empty() && more {
            since = next;
            continue;
        }
        return Ok(Json(PullResponse { schema: document::SCHEMA, events, next, more }));
    }
}
