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
use zhibu_core::ballot::Ballot;
use zhibu_core::commands::ballots::{Marks, checked};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::rounds::{self, Mode, Round, Stage, Voter};
use zhibu_core::sync::{BallotPush, BallotResult, BoxResponse, Outcome, Principal, Reason};
use zhibu_core::{appraisal, ballot, code_batches};

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

    fn put(&mut self, branch: &Branch, round: &RoundId, slot: &str, ballot: Ballot) {
        self.get(branch, round).ballots.insert(slot.to_owned(), ballot);
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

/// A round rule's problem, as the answer names it.
fn reason(problem: rounds::RoundProblem) -> Reason {
    Reason::from(&problem)
}

/// A pushed ballot judged as the app judges it: choices for a 评选,
/// ratings for an appraisal (`commands::ballots::checked`).
fn judge(
    state: &zhibu_core::state::State,
    round: &Round,
    voter: Option<&MemberId>,
    ballot: &BallotPush,
    rev: u32,
) -> Result<Ballot, Reason> {
    let marks = Marks::of(&ballot.choices, &ballot.ratings).map_err(reason)?;
    checked(state, round, voter, marks, rev).map_err(reason)
}

/// A slot is an opaque id the voter's device made: short and plain.
fn slot_ok(slot: &str) -> bool {
    (8..=64).contains(&slot.len()) && slot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn voting_open(round: &Round, b: &ServerBox) -> Result<(), Reason> {
    if b.closed {
        return Err(Reason::VotingClosed);
    }
    if round.stage() != Stage::Voting {
        return Err(Reason::WrongStage);
    }
    Ok(())
}

/// 自评 and 互评 end when the ballot closes, and this server closes it first.
fn writing_open(branch: &Branch, round: &RoundId) -> Result<(), Reason> {
    if branch.boxes.get(round).is_some_and(|b| b.closed) { Err(Reason::WrongStage) } else { Ok(()) }
}

/// A phone's nomination or objection, under the app's rules for the
/// round's stage now (an offline one that arrives after the stage moved
/// on is refused, as a late vote is). The organizer's own records are not
/// re-judged: they may carry a round's whole history.
pub fn admit_round_act(branch: &Branch, event: &zhibu_core::event::Event) -> Result<(), Reason> {
    use zhibu_core::event::Payload;
    let state = &branch.state;
    match &event.payload {
        Payload::Nominated { round, record, .. } => {
            let round = state.round(round).ok_or(Reason::NoSuchRound)?;
            rounds::nominate(state, &round, &record.by, &record.nominee, &record.deeds).map(|_| ()).map_err(reason)
        }
        Payload::ObjectionFiled { round, record, .. } => {
            let round = state.round(round).ok_or(Reason::NoSuchRound)?;
            rounds::object(&round, record.about.as_ref(), &record.text).map(|_| ()).map_err(reason)
        }
        // An appraisal's 自评 and 互评 while they are open (an offline one
        // arriving after the ballot closed is refused, as a late vote is:
        // from the box's close on this server, before the close is recorded).
        Payload::SelfAssessed { round, member, assessment } => {
            writing_open(branch, round)?;
            let round = state.round(round).ok_or(Reason::NoSuchRound)?;
            appraisal::self_assess(state, &round, member, &assessment.text, assessment.on_paper)
                .map(|_| ())
                .map_err(reason)
        }
        Payload::Commented { round, by, about, comment } => {
            writing_open(branch, round)?;
            let round = state.round(round).ok_or(Reason::NoSuchRound)?;
            appraisal::comment(state, &round, by, about, &comment.text).map(|_| ()).map_err(reason)
        }
        _ => Ok(()),
    }
}

/// The organizer's new batch of codes: one that would win its register
/// must keep every code this server has counted (their ballots are in the
/// box for good; `code_batches`).
pub fn admit_codes(branch: &Branch, event: &zhibu_core::event::Event) -> Result<(), Reason> {
    let zhibu_core::event::Payload::RoundSaved { round, changes } = &event.payload else { return Ok(()) };
    let stamp = event.stamp();
    changes.iter().try_for_each(|c| code_batches::check_write(&branch.state, round, c, &stamp).map_err(reason))
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
) -> Result<(), Reason> {
    let state = &branch.state;
    let round = state.round(round_id).ok_or(Reason::NoSuchRound)?;
    voting_open(&round, boxes.get(branch, round_id))?;
    let member = match voter {
        Voter::Member(member) if who.member.as_ref() == Some(member) => member,
        Voter::Paper(member) if who.role.keeps_records() => member,
        Voter::Member(_) | Voter::Paper(_) => return Err(Reason::OwnDeviceOnly),
        // The app's rule (a voided code is refused, the void wins).
        Voter::Code(hash) => return code_batches::check_hash(state, &round, hash).map_err(reason),
    };
    rounds::may_vote(state, &round, member).map_err(reason)?;
    let in_box = boxes.get(branch, round_id);
    let (i, ballot) = pushed
        .iter()
        .enumerate()
        .find(|(i, b)| &b.round == round_id && answers[*i].is_none() && !in_box.ballots.contains_key(&b.slot))
        .ok_or(Reason::BallotMissing)?;
    let checked = (|| {
        if !slot_ok(&ballot.slot) {
            return Err(Reason::BadSlot);
        }
        // A paper ballot is entered once: it has no key to revise with.
        if matches!(voter, Voter::Paper(_)) && ballot.rev != 0 {
            return Err(Reason::FirstRevision);
        }
        // Paper entries pushed together pair with their ballots in slot
        // order, not by who wrote which (the keeper's device checked the
        // self-vote rule at entry): judge a paper ballot for nobody.
        let judged_for = if matches!(voter, Voter::Paper(_)) { None } else { Some(member) };
        judge(state, &round, judged_for, ballot, ballot.rev)
    })();
    let judged = match checked {
        Ok(judged) => judged,
        Err(why) => {
            // The vote and its ballot stand or fall together.
            answers[i] = Some(BallotResult {
                round: round_id.0.clone(),
                slot: ballot.slot.clone(),
                outcome: Outcome::Rejected,
                reason: Some(why),
                detail: None,
            });
            return Err(why);
        }
    };
    boxes.put(branch, round_id, &ballot.slot, judged);
    answers[i] = Some(BallotResult {
        round: round_id.0.clone(),
        slot: ballot.slot.clone(),
        outcome: Outcome::Accepted,
        reason: None,
        detail: None,
    });
    Ok(())
}

/// A ballot not paired with a vote of this push: a re-sent one (duplicate),
/// a revision (with its key), or a code's ballot from the kiosk.
pub fn admit_unpaired(branch: &Branch, boxes: &mut Boxes, who: &Principal, ballot: &BallotPush) -> BallotResult {
    let answer = |outcome, reason: Option<Reason>| BallotResult {
        round: ballot.round.0.clone(),
        slot: ballot.slot.clone(),
        outcome,
        reason,
        detail: None,
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
) -> Result<Outcome, Reason> {
    let state = &branch.state;
    let round = state.round(&ballot.round).ok_or(Reason::NoSuchRound)?;
    if !slot_ok(&ballot.slot) {
        return Err(Reason::BadSlot);
    }
    let mut sorted = ballot.choices.clone();
    sorted.sort();
    let current = boxes.get(branch, &ballot.round).ballots.get(&ballot.slot).cloned();
    let same = Ballot { rev: ballot.rev, choices: sorted, ratings: ballot.ratings.clone() };
    if current.as_ref() == Some(&same) {
        return Ok(Outcome::Duplicate);
    }
    voting_open(&round, boxes.get(branch, &ballot.round))?;
    let judged = match current {
        // A revision: by a voter on the roll from their own device, with
        // the key behind the slot (so knowing a slot gives no power).
        Some(Ballot { rev, .. }) => {
            let me = who.member.as_ref().ok_or(Reason::NoRevision)?;
            rounds::may_revise(state, &round, me).map_err(reason)?;
            ballot::check_revision(&ballot.round, &ballot.slot, ballot.rev, ballot.key.as_deref(), rev)
                .map_err(reason)?;
            judge(state, &round, Some(me), ballot, ballot.rev)?
        }
        None => {
            if round.rules.mode != Mode::Codes || !who.role.keeps_records() {
                return Err(Reason::VoteMissing);
            }
            let (on_roll, _) = rounds::turnout(state, &round);
            if boxes.get(branch, &ballot.round).ballots.len() >= on_roll {
                return Err(Reason::BoxFull);
            }
            if ballot.rev != 0 {
                return Err(Reason::FirstRevision);
            }
            judge(state, &round, None, ballot, 0)?
        }
    };
    boxes.put(branch, &ballot.round, &ballot.slot, judged);
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

/// A closed round's box, for every device of the branch to count; an
/// appraisal's for record keepers only (how each member was rated is the
/// committee's, and a member's phone shows only its own final grade).
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
    if r.rules.is_appraisal() {
        caller.keeper()?;
    }
    let b = branch.boxes.get(&round).cloned().unwrap_or_default();
    if !b.closed && r.stage() < Stage::Closed {
        return Err(Failure::Conflict("voting is still open: the box is shown once it closes".into()));
    }
    Ok(Json(response(&round, &b)))
}
