//! The roster's commands: add, edit, archive/restore, import, and the
//! organizer confirming whose phone a device is.

use super::{Act, Change};
use crate::event::{ImportedMember, Payload};
use crate::ids::MemberId;
use crate::roster::{FieldError, MemberFields};
use crate::state::State;

/// Why a roster change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RosterProblem {
    /// Fields that do not pass the roster's rules (each named).
    Fields(Vec<FieldError>),
    /// No such member in these records.
    UnknownMember,
}

fn new_id(act: &mut Act) -> MemberId {
    let (ms, random) = act.id_seed();
    MemberId::generate(ms, random)
}

/// A new member (fields as the form's `MemberDraft::validate` gave them,
/// checked again here); returns their id.
pub fn add_member(act: &mut Act, fields: MemberFields) -> Result<Change<MemberId>, RosterProblem> {
    fields.revalidate().map_err(RosterProblem::Fields)?;
    let member = new_id(act);
    Ok(Change::keeper(vec![Payload::MemberAdded { member: member.clone(), fields }], member))
}

/// What the user changed in a form opened on `baseline`. Only those fields
/// are recorded, so another tab's edit of other fields made while the form
/// was open survives.
pub fn edit_member(
    state: &State,
    member: &MemberId,
    baseline: &MemberFields,
    fields: &MemberFields,
) -> Result<Change, RosterProblem> {
    state.member(member).ok_or(RosterProblem::UnknownMember)?;
    fields.revalidate().map_err(RosterProblem::Fields)?;
    let changes = baseline.changes(fields);
    if changes.is_empty() {
        return Ok(Change::nothing(()));
    }
    Ok(Change::keeper(vec![Payload::MemberEdited { member: member.clone(), changes }], ()))
}

/// Archives (hides from the active roster, keeps every record) or restores.
pub fn set_archived(state: &State, member: &MemberId, archived: bool) -> Result<Change, RosterProblem> {
    let found = state.member(member).ok_or(RosterProblem::UnknownMember)?;
    if found.archived == archived {
        return Ok(Change::nothing(()));
    }
    let member = member.clone();
    let payload = if archived { Payload::MemberArchived { member } } else { Payload::MemberRestored { member } };
    Ok(Change::keeper(vec![payload], ()))
}

/// The accepted rows of a roster import, as one event (each row checked
/// again: rows come from a preview the user may have held for a while).
pub fn import_members(act: &mut Act, rows: Vec<MemberFields>) -> Result<Change<usize>, RosterProblem> {
    if let Some(errors) = rows.iter().find_map(|fields| fields.revalidate().err()) {
        return Err(RosterProblem::Fields(errors));
    }
    let n = rows.len();
    let members = rows.into_iter().map(|fields| ImportedMember { id: new_id(act), fields }).collect();
    Ok(Change::keeper(vec![Payload::MembersImported { members }], n))
}

/// The organizer confirms a phone belongs to a member.
pub fn confirm_device(state: &State, device: &str, member: &MemberId) -> Result<Change, RosterProblem> {
    state.member(member).ok_or(RosterProblem::UnknownMember)?;
    let payload = Payload::DeviceConfirmed { device: device.to_owned(), member: member.clone() };
    Ok(Change::keeper(vec![payload], ()))
}
