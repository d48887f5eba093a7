//! Education's commands: a training class (its sessions are meetings, made
//! by [`super::meetings::save_meeting`] with the class named), a member's
//! self-study, its withdrawal and its confirmation.

use super::{Act, Change};
use crate::date::Date;
use crate::event::Payload;
use crate::ids::{ClassId, MemberId, StudyId};
use crate::state::State;
use crate::study::{self, StudyDraft, StudyProblem};
use crate::training::{self, ClassDraft, ClassProblem};

/// Creates a class from the form (`id` `None`) or records what an edit
/// changed; returns the class's id.
pub fn save_class(
    state: &State,
    act: &mut Act,
    id: Option<&ClassId>,
    draft: &ClassDraft,
) -> Result<Change<ClassId>, Vec<ClassProblem>> {
    let existing = id.and_then(|id| state.class(id));
    if id.is_some() && existing.is_none() {
        return Err(vec![ClassProblem::UnknownClass]);
    }
    let values = draft.validate(state, existing.as_ref())?;
    let (class, changes) = match existing {
        Some(existing) => (existing.id.clone(), training::edit_changes(&existing, values)),
        None => {
            let (ms, random) = act.id_seed();
            (ClassId::generate(ms, random), values)
        }
    };
    if changes.is_empty() {
        return Ok(Change::nothing(class));
    }
    Ok(Change::keeper(vec![Payload::ClassSaved { class: class.clone(), changes }], class))
}

/// A member's own self-study record, made as them; `today` is the local date.
pub fn record_study(
    state: &State,
    act: &mut Act,
    member: &MemberId,
    draft: &StudyDraft,
    today: Date,
) -> Result<Change<StudyId>, Vec<StudyProblem>> {
    let record = draft.validate(state, member, today)?;
    let (ms, random) = act.id_seed();
    let study = StudyId::generate(ms, random);
    let payload = Payload::SelfStudyRecorded { study: study.clone(), record };
    Ok(Change::one(Some(member.clone()), payload, study))
}

/// A member withdraws their own self-study record.
pub fn withdraw_study(state: &State, member: &MemberId, id: &StudyId) -> Result<Change, StudyProblem> {
    let record = state.studies.get(id).ok_or(StudyProblem::UnknownRecord)?;
    if record.member != *member {
        return Err(StudyProblem::NotOwnRecord);
    }
    if record.withdrawn {
        return Ok(Change::nothing(()));
    }
    let record = study::SelfStudy { withdrawn: true, ..record.clone() };
    Ok(Change::one(Some(member.clone()), Payload::SelfStudyRecorded { study: id.clone(), record }, ()))
}

/// A confirmer's answer to someone else's self-study record, made as them.
pub fn decide_study(
    state: &State,
    id: &StudyId,
    by: &MemberId,
    confirmed: bool,
    note: &str,
) -> Result<Change, StudyProblem> {
    let decision = study::decide(state, id, by, confirmed, note)?;
    Ok(Change::one(Some(by.clone()), Payload::SelfStudyDecided { study: id.clone(), decision }, ()))
}
