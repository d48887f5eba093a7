//! Everything an appraisal's screens show, read from the state once per change.

pub(super) use crate::pages::round::name_of;
use crate::pages::round::{View, view_of};
use std::collections::BTreeMap;
use zhibu_core::appraisal::{self, Count, Decision, SelfAssessment, SignedComment};
use zhibu_core::ids::{MemberId, RoundId};
use zhibu_core::state::State;

/// What the appraisal page shows.
#[derive(Clone, PartialEq)]
pub(super) struct Appraisal {
    /// The round's own view (turnout, seal, audit: as any round's).
    pub(super) round: View,
    /// Who is appraised, with their names, in roster order.
    pub(super) appraised: Vec<(MemberId, String)>,
    pub(super) cap: u32,
    pub(super) self_assessments: BTreeMap<MemberId, SelfAssessment>,
    pub(super) missing: Vec<MemberId>,
    pub(super) comments: Vec<SignedComment>,
    /// The count, once the ballot has closed.
    pub(super) count: Option<Count>,
    pub(super) decisions: BTreeMap<MemberId, Decision>,
}

pub(super) fn appraisal_of(state: &State, id: &RoundId) -> Option<Appraisal> {
    let view = view_of(state, id)?;
    let round = &view.round;
    let (appraised, cap) = super::rating_ballot_of(state, round);
    Some(Appraisal {
        cap,
        self_assessments: appraisal::self_assessments(state, id),
        missing: appraisal::missing_self_assessments(state, round),
        comments: appraisal::comments(state, id),
        count: appraisal::results(state, round),
        decisions: appraisal::decisions(state, id),
        appraised,
        round: view,
    })
}
