//! Everything a round's screens show, read from the state once per change.

use crate::components::ballot_form::Choice;
use zhibu_core::ballot;
use zhibu_core::ids::{MemberId, ObjectionId, RoundId};
use zhibu_core::outcome;
use zhibu_core::rounds::{self, AuditEntry, Handling, Nominee, Objection, Round, Stage};
use zhibu_core::state::State;
use zhibu_core::tally::Tally;

/// Everything the page shows.
#[derive(Clone, PartialEq)]
pub struct View {
    pub(crate) round: Round,
    pub(crate) nominees: Vec<Nominee>,
    pub(super) candidates: Vec<MemberId>,
    pub(crate) turnout: (usize, usize),
    /// Paper ballots on the roll (entered by the organizer).
    pub(super) paper: usize,
    pub(crate) tally: Option<Tally>,
    pub(crate) receipts: Vec<String>,
    pub(crate) sealed_ok: bool,
    /// More ballots in the box than voters on the roll (data merged from
    /// elsewhere); shown, never silently fixed.
    pub(crate) excess: bool,
    /// Fewer ballots than voters on the roll (a ballot not saved).
    pub(crate) short: bool,
    pub(crate) audit: Vec<AuditEntry>,
    pub(super) objections: Vec<(ObjectionId, Objection, Option<Handling>)>,
    pub(super) honoured: Vec<MemberId>,
    pub(crate) branch: String,
    /// Whom objections go to: the branch's 委员会, by name once it has one.
    pub(super) committee: Option<String>,
    /// What the count allows next (the core's word; the page only shows it).
    pub(crate) next: Option<outcome::Next>,
}

pub(crate) fn view_of(state: &State, id: &RoundId) -> Option<View> {
    let round = state.round(id)?;
    let tally = rounds::results(state, &round);
    let sealed_ok = round.stage.sealed.as_ref().is_none_or(|(n, digest)| {
        let b = ballot::box_of(state, id);
        b.len() as u32 == *n && ballot::digest(&b) == *digest
    });
    let objections = state
        .objections
        .0
        .iter()
        .filter(|((r, _), _)| r == id)
        .map(|((r, o), reg)| (o.clone(), reg.value.clone(), state.handlings.get(&(r.clone(), o.clone())).cloned()))
        .collect();
    let (in_box, on_roll) = (ballot::box_of(state, id).len(), rounds::turnout(state, &round).0);
    let (excess, short) = (in_box > on_roll, in_box < on_roll);
    Some(View {
        excess,
        short,
        nominees: rounds::nominees(state, id),
        candidates: rounds::candidates(state, &round),
        turnout: rounds::turnout(state, &round),
        paper: rounds::paper_count(state, id),
        receipts: if round.stage() >= Stage::Closed { ballot::receipts(state, id) } else { Vec::new() },
        audit: rounds::audit(state, id),
        honoured: rounds::honoured(state, &round),
        next: outcome::after_count(state, &round),
        branch: state.settings().branch_name,
        committee: zhibu_core::branch_identity::committee(&state.settings()),
        tally,
        sealed_ok,
        objections,
        round,
    })
}

pub(crate) fn name_of(state: &State, id: &MemberId) -> String {
    state.member(id).map_or_else(|| id.to_string(), |m| m.fields.name)
}

/// The ballot's candidates with their deeds.
pub(crate) fn choices(state: &State, view: &View) -> Vec<Choice> {
    view.candidates
        .iter()
        .map(|c| {
            let m = state.member(c);
            Choice {
                id: c.clone(),
                name: m.as_ref().map_or_else(|| c.to_string(), |m| m.fields.name.clone()),
                group: m.map(|m| m.fields.group).unwrap_or_default(),
                deeds: zhibu_core::deeds::of(state, &view.round.id, c),
            }
        })
        .collect()
}
