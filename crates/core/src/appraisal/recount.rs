//! The anonymous appraisal box anyone can recount, as a 评选's box export
//! is: the count's numbers, who was appraised, every ballot's ratings
//! (sorted; no slots), every receipt, and the count the app made.

use super::*;
use crate::ballot::{self, RecountProblem};
use crate::rounds::Round;
use crate::state::State;
use std::collections::BTreeMap;

/// Marks an appraisal's export file.
pub const EXPORT_KIND: &str = "zhibu-appraisal-box";

/// The export of a closed appraisal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalExport {
    /// Marks the file.
    pub kind: String,
    /// The appraisal's title.
    pub title: String,
    /// Rules fingerprint.
    pub fingerprint: String,
    /// The count's numbers.
    pub rules: CountRules,
    /// The appraised: id and name.
    pub appraised: Vec<(MemberId, String)>,
    /// Every ballot's ratings, sorted.
    pub ballots: Vec<BTreeMap<MemberId, Rating>>,
    /// Every receipt, sorted.
    pub receipts: Vec<String>,
    /// The count the app made.
    pub count: Count,
}

/// The export; `None` before the ballot has closed.
pub fn export(state: &State, round: &Round) -> Option<AppraisalExport> {
    let count = results(state, round)?;
    let mut ballots: Vec<_> = ballot::box_of(state, &round.id).into_iter().map(|b| b.ratings).collect();
    ballots.sort();
    let appraised = appraised(state, round)
        .into_iter()
        .map(|m| {
            let name = state.member(&m).map(|m| m.fields.name).unwrap_or_default();
            (m, name)
        })
        .collect();
    Some(AppraisalExport {
        kind: EXPORT_KIND.to_owned(),
        title: round.rules.title.clone(),
        fingerprint: round.rules.fingerprint(),
        rules: count_rules(state, round),
        appraised,
        ballots,
        receipts: ballot::receipts(state, &round.id),
        count,
    })
}

/// What a recount of an appraisal's export found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recounted {
    /// It agrees with the count in the file.
    Agrees(Count),
    /// It does not: the recount's.
    Differs(Count),
}

/// Recounts an exported appraisal box from its ballots and numbers alone.
pub fn recount(json: &str) -> Result<Recounted, RecountProblem> {
    let export: AppraisalExport =
        serde_json::from_str(json).map_err(|e| RecountProblem::Unreadable { line: e.line(), column: e.column() })?;
    if export.kind != EXPORT_KIND {
        return Err(RecountProblem::NotAnExport);
    }
    let appraised: Vec<MemberId> = export.appraised.iter().map(|(m, _)| m.clone()).collect();
    let again = count(&export.rules, &appraised, &export.ballots);
    Ok(if again == export.count { Recounted::Agrees(again) } else { Recounted::Differs(again) })
}
