//! Ballots on the server: the same rules as in the app (stage, eligibility,
//! one ballot per voter or code, valid choices), and secrecy by structure.
//!
//! A ballot arrives beside its roll entry (`Voted`) in one push, but is
//! stored apart from it: in its round's box, one row holding every ballot
//! sorted by slot, with no voter, token, device or time. A box is served
//! only once voting is closed, all at once, so watching it grow cannot
//! pair ballots with the roll. A revision's key is checked against its
//! slot and dropped: nothing kept pairs a slot with a voter.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{self, Mode, Round, Stage, Voter};
use zhibu_core::sync::{BallotPush, BallotResult, BoxResponse, Outcome, Principal};
use zhibu_core::{ballot, code_batches};

use crate::app::App;
use crate::auth::Caller;
use crate::branches::{Branch, ServerBox};
use crate::error::{ApiResult, Failure};
use crate::limits::PathArg;
use crate::store::StoreError;

/// Copies of the boxes a push touches, written back only if it commits.
#[derive(Default)]
pub struct Boxes(BTreeMap<RoundId, (ServerBox, bool)>);

impl Boxes {
    fn get<'a>(&'a mut self, branch: &Branch, round: &RoundId) -> &'a mut ServerBox {
        &mut self
            .0
            .entry(round.clone())
            .or_insert_with(|| (branch.boxes.get(round).cloned().unwrap_or_default(), false))
            .0
    }

    fn put(&mut self, branch: &Branch, round: &RoundId, slot: &str, rev: u32, choices: Vec<MemberId>) {
        self.get(branch, round).ballots.insert(slot.to_owned(), (rev, choices));
        self.0.get_mut(round).expect("just read").1 = true;
    }

    /// The boxes that changed.
    pub fn changed(&self) -> impl Iterator<Item = (&RoundId, &ServerBox)> {
        self.0.iter().filter(|(_, (_, changed))| *changed).map(|(round, (b, _))| (round, b))
    }

    /// Writes the changed boxes back into the branch's cache.
    pub fn store_into(self, boxes: &mut BTreeMap<RoundId, ServerBox>) {
        for (round, (b, changed)) in self.0 {
            if changed {
                boxes.insert(round, b);
            }
        }
    }
}

fn words(problem: rounds::RoundProblem) -> String {
    use rounds::RoundProblem as P;
    match problem {
        P::WrongStage { needed, actual } => format!("the round is at stage {actual:?}, not {needed:?}"),
        P::WrongMode => "the round does not vote this way".into(),
        P::NotEntitled => "not entitled to vote in this round".into(),
        P::AlreadyVoted => {
            "already voted in this round (a revision replaces the ballot without a new roll entry)".into()
        }
        P::NotCandidate => "a choice is not a candidate".into(),
        P::Duplicate => "a candidate is chosen twice".into(),
        P::TooMany(k) => format!("more than {k} choices"),
        P::SelfVote => "this round does not allow voting for oneself".into(),
        P::NoRevision => "this ballot may not be revised (only a voter's own, in a round that allows it)".into(),
        P::KeyRequired => "a revision must present its slot's key (update the app: sync protocol 2)".into(),
        P::WrongKey => "the key does not open this ballot's slot".into(),
        P::StaleRevision => "a revision must have a higher revision number".into(),
        P::SlotTaken => "a first ballot needs a new slot".into(),
        P::UnknownCode => "not one of this round's codes".into(),
        P::UsedCode => "this code has been used".into(),
        P::VoidedCode => "this ballot code has been voided (a new batch was issued)".into(),
        P::DropsUsedCode => {
            "the new batch drops a code already used here: sync, then void the unused codes again".into()
        }
        other => format!("{other:?}"),
    }
}

/// A slot is an opaque id the voter's device made: short and plain.
fn slot_ok(slot: &str) -> bool {
    (8..=64).contains(&slot.len()) && slot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn voting_open(round: &Round, b: &ServerBox) -> Result<(), String> {
    if b.closed {
        return Err("voting is closed on the server".into());
    }
    if round.stage() != Stage::Voting {
        return Err(words(rounds::RoundProblem::WrongStage { needed: Stage::Voting, actual: round.stage() }));
    }
    Ok(())
}

/// A phone's nomination or objection, under the app's rules for the
/// round's stage now (an offline one that arrives after the stage moved
/// on is refused, as a late vote is). The organizer's own records are not
/// re-judged: they may carry a round's whole history.
pub fn admit_round_act(branch: &Branch, event: &zhibu_core::event::Event) -> Result<(), String> {
    use zhibu_core::event::Payload;
    let state = &branch.state;
    match &event.payload {
        Payload::Nominated { round, record, .. } => {
            let round = state.round(round).ok_or("no such round")?;
            rounds::nominate(state, &round, &record.by, &record.nominee, &record.deeds).map(|_| ()).map_err(words)
        }
        Payload::ObjectionFiled { round, record, .. } => {
            let round = state.round(round).ok_or("no such round")?;
            rounds::object(&round, record.about.as_ref(), &record.text).map(|_| ()).map_err(words)
        }
        _ => Ok(()),
    }
}

/// The organizer's new batch of codes: one that would win its register
/// must keep every code this server has counted (their ballots are in the
/// box for good; `code_batches`).
pub fn admit_codes(branch: &Branch, event: &zhibu_core::event::Event) -> Result<(), String> {
    let zhibu_core::event::Payload::RoundSaved { round, changes } = &event.payload else { return Ok(()) };
    let stamp = event.stamp();
    changes.iter().try_for_each(|c| code_batches::check_write(&branch.state, round, c, &stamp).map_err(words))
}

/// Checks a roll entry. A named one (from the voter's own device, as
/// `sync::may_push` made sure) or a keeper's paper entry must bring its
/// ballot, in a slot new to the box, in the same push, and that ballot is
/// admitted here with it. One roll entry per voter: a second is refused
/// (a revision comes alone, with its key). Codes' ballots come unpaired.
pub fn admit_vote(
    branch: &Branch,
    boxes: &mut Boxes,
    who: &Principal,
    round_id: &RoundId,
    voter: &Voter,
    pushed: &[BallotPush],
    answers: &mut [Option<BallotResult>],
) -> Result<(), String> {
    let state = &branch.state;
    let round = state.round(round_id).ok_or("no such round")?;
    voting_open(&round, boxes.get(branch, round_id))?;
    let member = match voter {
        Voter::Member(member) if who.member.as_ref() == Some(member) => member,
        Voter::Paper(member) if who.role.keeps_records() => member,
        Voter::Member(_) | Voter::Paper(_) => return Err(zhibu_core::sync::Refusal::OwnDeviceOnly.to_string()),
        // The app's rule (a voided code is refused, the void wins).
        Voter::Code(hash) => return code_batches::check_hash(state, &round, hash).map_err(words),
    };
    rounds::may_vote(state, &round, member).map_err(words)?;
    let in_box = boxes.get(branch, round_id);
    let (i, ballot) = pushed
        .iter()
        .enumerate()
        .find(|(i, b)| &b.round == round_id && answers[*i].is_none() && !in_box.ballots.contains_key(&b.slot))
        .ok_or("a vote must come with its ballot, in a new slot, in the same push")?;
    let checked = (|| {
        if !slot_ok(&ballot.slot) {
            return Err("the ballot's slot is malformed".to_owned());
        }
        // A paper ballot is entered once: it has no key to revise with.
        if matches!(voter, Voter::Paper(_)) && ballot.rev != 0 {
            return Err("a paper ballot has revision 0".to_owned());
        }
        // Paper entries pushed together pair with their ballots in slot
        // order, not by who wrote which (the keeper's device checked the
        // self-vote rule at entry): judge a paper ballot for nobody.
        let judged_for = if matches!(voter, Voter::Paper(_)) { None } else { Some(member) };
        rounds::check_choices(state, &round, judged_for, &ballot.choices).map_err(words)
    })();
    let choices = match checked {
        Ok(choices) => choices,
        Err(why) => {
            // The vote and its ballot stand or fall together.
            answers[i] = Some(BallotResult {
                round: round_id.0.clone(),
                slot: ballot.slot.clone(),
                outcome: Outcome::Rejected,
                reason: Some(why.clone()),
            });
            return Err(why);
        }
    };
    boxes.put(branch, round_id, &ballot.slot, ballot.rev, choices);
    answers[i] = Some(BallotResult {
        round: round_id.0.clone(),
        slot: ballot.slot.clone(),
        outcome: Outcome::Accepted,
        reason: None,
    });
    Ok(())
}

/// A ballot not paired with a vote of this push: a re-sent one (duplicate),
/// a revision (with its key), or a code's ballot from the kiosk.
pub fn admit_unpaired(branch: &Branch, boxes: &mut Boxes, who: &Principal, ballot: &BallotPush) -> BallotResult {
    let answer = |outcome, reason: Option<String>| BallotResult {
        round: ballot.round.0.clone(),
        slot: ballot.slot.clone(),
        outcome,
        reason,
    };
    match admit_unpaired_inner(branch, boxes, who, ballot) {
        Ok(outcome) => answer(outcome, None),
        Err(why) => answer(Outcome::Rejected, Some(why)),
    }
}

fn admit_unpaired_inner(
    branch: &Branch,
    boxes: &mut Boxes,
    who: &Principal,
    ballot: &BallotPush,
) -> Result<Outcome, String> {
    let state = &branch.state;
    let round = state.round(&ballot.round).ok_or("no such round")?;
    if !slot_ok(&ballot.slot) {
        return Err("the ballot's slot is malformed".into());
    }
    let mut sorted = ballot.choices.clone();
    sorted.sort();
    let current = boxes.get(branch, &ballot.round).ballots.get(&ballot.slot).cloned();
    if current.as_ref() == Some(&(ballot.rev, sorted)) {
        return Ok(Outcome::Duplicate);
    }
    voting_open(&round, boxes.get(branch, &ballot.round))?;
    let choices = match current {
        // A revision: by a voter on the roll from their own device, with
        // the key behind the slot (so knowing a slot gives no power).
        Some((rev, _)) => {
            let me = who.member.as_ref().ok_or_else(|| words(rounds::RoundProblem::NoRevision))?;
            rounds::may_revise(state, &round, me).map_err(words)?;
            ballot::check_revision(&ballot.round, &ballot.slot, ballot.rev, ballot.key.as_deref(), rev)
                .map_err(words)?;
            rounds::check_choices(state, &round, Some(me), &ballot.choices).map_err(words)?
        }
        None => {
            if round.rules.mode != Mode::Codes || !who.role.keeps_records() {
                return Err("a ballot must come with its vote in the same push".into());
            }
            let (on_roll, _) = rounds::turnout(state, &round);
            if boxes.get(branch, &ballot.round).ballots.len() >= on_roll {
                return Err("the box would hold more ballots than voters on the roll".into());
            }
            if ballot.rev != 0 {
                return Err("a first ballot has revision 0".into());
            }
            rounds::check_choices(state, &round, None, &ballot.choices).map_err(words)?
        }
    };
    boxes.put(branch, &ballot.round, &ballot.slot, ballot.rev, choices);
    Ok(Outcome::Accepted)
}

fn response(round: &RoundId, b: &ServerBox) -> BoxResponse {
    BoxResponse { round: round.0.clone(), closed: b.closed, ballots: b.list() }
}

/// Closes voting on the server and returns the whole box: the organizer's
/// device calls this before it records the close, so its seal covers every
/// ballot any phone cast. Afterwards no ballot is taken for the round.
#[utoipa::path(post, path = "/api/rounds/{round}/box", tag = "ballots",
    params(("round" = String, Path, description = "The round's id")),
    responses((status = 200, body = BoxResponse), (status = 403, body = zhibu_core::sync::ApiError),
        (status = 404, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn close(
    State(app): State<App>,
    caller: Caller,
    PathArg(round): PathArg<String>,
) -> ApiResult<Json<BoxResponse>> {
    caller.keeper()?;
    let round = RoundId(round);
    let entry = app.branches.entry(caller.branch());
    for _ in 0..8 {
        let mut branch = entry.lock().await;
        branch.catch_up(&app.db, caller.branch()).await?;
        if branch.state.round(&round).is_none() {
            return Err(Failure::NotFound("no such round"));
        }
        let mut b = branch.boxes.get(&round).cloned().unwrap_or_default();
        if b.closed {
            return Ok(Json(response(&round, &b)));
        }
        b.closed = true;
        match app.db.commit(caller.branch(), branch.version, &[], &[b.row(&round)]).await {
            Ok(done) => {
                branch.version = done.version;
                branch.boxes.insert(round.clone(), b.clone());
                tracing::info!(branch = caller.branch(), round = %round, "voting closed on the server");
                return Ok(Json(response(&round, &b)));
            }
            // Nothing was folded: catching up reads the new box.
            Err(StoreError::Conflict) => {}
            Err(e) => {
                *branch = Branch::default();
                return Err(e.into());
            }
        }
    }
    Err(Failure::Conflict("the branch is busy; try again".into()))
}

/// A closed round's box, for every device of the branch to count.
#[utoipa::path(get, path = "/api/rounds/{round}/box", tag = "ballots",
    params(("round" = String, Path, description = "The round's id")),
    responses((status = 200, body = BoxResponse), (status = 409, description = "Voting is still open", body = zhibu_core::sync::ApiError),
        (status = 404, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn fetch(
    State(app): State<App>,
    caller: Caller,
    PathArg(round): PathArg<String>,
) -> ApiResult<Json<BoxResponse>> {
    let round = RoundId(round);
    let entry = app.branches.entry(caller.branch());
    let mut branch = entry.lock().await;
    branch.catch_up(&app.db, caller.branch()).await?;
    let Some(r) = branch.state.round(&round) else { return Err(Failure::NotFound("no such round")) };
    let b = branch.boxes.get(&round).cloned().unwrap_or_default();
    if !b.closed && r.stage() < Stage::Closed {
        return Err(Failure::Conflict("voting is still open: the box is shown once it closes".into()));
    }
    Ok(Json(response(&round, &b)))
}
