//! What a pull hands each caller: `zhibu_core::visibility` applied to a
//! page. Record keepers get the page as stored; a member's phone gets its
//! own records and the branch's public ones, objections without who filed
//! them.

use std::collections::{BTreeMap, BTreeSet};

use zhibu_core::event::{Event, Payload};
use zhibu_core::ids::{MemberId, StudyId};
use zhibu_core::sync::Principal;
use zhibu_core::visibility;

use crate::app::App;
use crate::error::Failure;

/// The page's events as `who` may see them, in the same order.
pub async fn seen_by(app: &App, branch: &str, who: &Principal, page: Vec<Event>) -> Result<Vec<Event>, Failure> {
    if who.role.keeps_records() {
        return Ok(page);
    }
    let owners = study_owners(app, branch, &page).await?;
    Ok(page.iter().filter_map(|e| visibility::as_seen(who, e, |s| owners.get(s).cloned())).collect())
}

/// Whose self-study each decision in the page answers (a decision does not
/// say). Only then is the branch's fold read: caught up after the page was
/// read, it holds every record the page's decisions answer.
async fn study_owners(app: &App, branch: &str, page: &[Event]) -> Result<BTreeMap<StudyId, MemberId>, Failure> {
    let wanted: BTreeSet<&StudyId> = page
        .iter()
        .filter_map(|e| match &e.payload {
            Payload::SelfStudyDecided { study, .. } => Some(study),
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return Ok(BTreeMap::new());
    }
    let entry = app.branches.entry(branch);
    let mut fold = entry.lock().await;
    if !fold.catch_up(&app.db, branch).await? {
        return Err(Failure::NotFound("no such branch"));
    }
    let studies = &fold.state.ext.studies;
    Ok(wanted.into_iter().filter_map(|s| Some((s.clone(), studies.get(s)?.member.clone()))).collect())
}
